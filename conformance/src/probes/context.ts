/**
 * What every probe shares: where a channel can be opened (a concrete address from the
 * transcripts or the contract's parameter examples), how to present a credential of a scheme,
 * and opening an authenticated connection.
 */
import type { ChannelIR, SecuritySchemeIR } from '../../../generator/src/contract/index.ts';
import { taggedMessage } from '../../../runtime/protocol/index.ts';
import { connectSse, connectWs, originFor, type Connection } from '../conform/connect.ts';
import type { Contract } from '../conform/contract.ts';
import type { Credentials } from '../conform/credentials.ts';
import { parseFrames, schemaFindings, type ServerFrame } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { pongText } from '../conform/replay.ts';

export interface ProbeContext {
  contract: Contract;
  target: URL;
  credentials: Credentials;
  timeScale: number;
  /** Unscaled slack on timing rules (ms). */
  jitterMs: number;
  timeoutMs: number;
  /** Concrete path parameters and query per channel, from the transcripts. */
  addresses: Map<string, { parameters: Record<string, string>; query: Record<string, string> }>;
}

export interface Presented {
  query: Record<string, string>;
  headers: Record<string, string>;
  subprotocols: string[];
  firstMessage?: string;
}

/** The security schemes that guard a channel: its operations', else its servers'. */
export function schemesOf(ctx: ProbeContext, channel: ChannelIR): SecuritySchemeIR[] {
  const ops = [...channel.send.operations, ...channel.receive.operations].flatMap((o) => o.security);
  const ids = ops.length > 0 ? ops : channel.servers.flatMap((s) => ctx.contract.ir.servers.find((x) => x.id === s)?.security ?? []);
  return [...new Set(ids)].flatMap((id) => ctx.contract.ir.securitySchemes.filter((s) => s.id === id && s.auth));
}

/** The concrete path and query to open a channel at (no credential). */
export function addressOf(ctx: ProbeContext, channel: ChannelIR): { path: string; query: Record<string, string> } | { missing: string } {
  const known = ctx.addresses.get(channel.id);
  let missing: string | undefined;
  const path = channel.address.replace(/\{([^}]+)\}/g, (_w, name: string) => {
    const p = channel.parameters.find((x) => x.name === name);
    const v = known?.parameters[name] ?? p?.examples?.[0] ?? p?.default ?? p?.enum?.[0];
    if (v === undefined) missing = name;
    return encodeURIComponent(v ?? '');
  });
  if (missing !== undefined) return { missing: `no value for path parameter {${missing}} (record a transcript of channel ${channel.id})` };
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(known?.query ?? {})) if (!/<credential:|<redacted>/.test(v)) query[k] = v;
  const schema = channel.query as { required?: string[]; properties?: Record<string, { examples?: unknown[]; default?: unknown }> } | undefined;
  for (const name of schema?.required ?? []) {
    if (query[name] !== undefined) continue;
    const prop = schema?.properties?.[name];
    const v = prop?.examples?.[0] ?? prop?.default;
    if (v === undefined) return { missing: `no value for required query parameter ${name}` };
    query[name] = String(v);
  }
  return { path, query };
}

export function present(scheme: SecuritySchemeIR, value: string, channel: ChannelIR): Presented {
  const c = scheme.auth!.credential;
  const out: Presented = { query: {}, headers: {}, subprotocols: [] };
  switch (c.in) {
    case 'header':
      out.headers[(c.name ?? 'authorization').toLowerCase()] = `${c.prefix ?? ''}${value}`;
      break;
    case 'query':
      out.query[c.name ?? 'token'] = value;
      break;
    case 'cookie':
      out.headers.cookie = `${c.name ?? 'session'}=${value}`;
      break;
    case 'subprotocol':
      out.subprotocols.push(`${c.prefix ?? ''}${value}`);
      break;
    case 'first-message':
      out.firstMessage = JSON.stringify(taggedMessage(channel.tagProperty, c.message ?? 'auth', { [c.property ?? 'token']: value }));
      break;
  }
  return out;
}

export function open(
  ctx: ProbeContext,
  channel: ChannelIR,
  address: { path: string; query: Record<string, string> },
  presented?: Presented,
  extraHeaders: Record<string, string> = {},
): Connection {
  const query = new URLSearchParams({ ...address.query, ...(presented?.query ?? {}) }).toString();
  const url = originFor(ctx.target, channel.transport === 'sse' ? 'sse' : 'ws') + address.path + (query ? `?${query}` : '');
  const headers = { ...(presented?.headers ?? {}), ...extraHeaders };
  const conn =
    channel.transport === 'sse'
      ? connectSse(url, { headers, timeoutMs: ctx.timeoutMs })
      : connectWs(url, { headers, subprotocols: presented?.subprotocols ?? [], timeoutMs: ctx.timeoutMs });
  if (presented?.firstMessage) void conn.opened.then((o) => o.status === 101 && conn.send(presented.firstMessage!));
  return conn;
}

/** A scheme of the channel with a credential, and its presentation, for an authenticated connection. */
export function authenticated(ctx: ProbeContext, channel: ChannelIR, address: { path: string }): Presented | undefined | 'none-needed' {
  const schemes = schemesOf(ctx, channel);
  if (schemes.length === 0) return 'none-needed';
  const values = ctx.credentials.pick(address.path);
  // Prefer a scheme checked at the handshake: first-message auth delays the stream.
  const ordered = [...schemes].sort((a, b) => Number(a.auth!.credential.in === 'first-message') - Number(b.auth!.credential.in === 'first-message'));
  for (const s of ordered) if (values[s.id] !== undefined) return present(s, values[s.id]!, channel);
  return undefined;
}

/** Lets authentication by first message finish (the server's first frame, or its close) before a probe goes on. */
export async function settled(ctx: ProbeContext, conn: Connection, presented: Presented | undefined): Promise<void> {
  if (presented?.firstMessage) await conn.until(() => conn.frames.length > 0 || !conn.isOpen, Math.min(ctx.timeoutMs, 300));
}

/** Answers the contract's heartbeat with its pong on a connection (a well-behaved client). */
export function answerHeartbeats(conn: Connection, channel: ChannelIR) {
  const pong = pongText(channel);
  const hb = channel.heartbeat;
  if (!pong || !hb || hb.mode === 'none') return;
  conn.onFrame = (f) => {
    if (parseFrames(channel, [f])[0]?.tag === hb.message) conn.send(pong);
  };
}

/** The error messages (tag and code) among frames. */
export function errorsIn(channel: ChannelIR, frames: readonly ServerFrame[]): { frame: ServerFrame; code: unknown }[] {
  const e = channel.errors;
  if (!e) return [];
  return frames.filter((f) => f.tag === e.message).map((frame) => ({ frame, code: pointerValue(frame.payload, e.codePointer) }));
}

function pointerValue(value: unknown, pointer: string): unknown {
  let here = value;
  for (const k of pointer.split('/').slice(1)) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return here;
}

/** A probe's result: its findings plus the schema check of everything the server sent. */
export function probeResult(
  ctx: ProbeContext,
  id: string,
  channel: ChannelIR,
  started: number,
  findings: Finding[],
  conns: Connection[] = [],
  skipped?: string,
): CaseResult {
  const name = `${id} ${channel.id}`;
  const all = [...findings];
  for (const c of conns) all.push(...schemaFindings(ctx.contract, channel, parseFrames(channel, c.frames), name));
  return {
    name,
    kind: 'probe',
    channel: channel.id,
    durationMs: Date.now() - started,
    findings: all.map((f) => ({ ...f, case: name })),
    ...(skipped ? { skipped } : {}),
  };
}

export function fail(channel: ChannelIR, rule: string, text: string, extra: Partial<Finding> = {}): Finding {
  return { case: '', check: 'probe', rule: `probe/${rule}`, channel: channel.id, text, ...extra };
}

export const describeEnd = (e: { code?: number; reason?: string; by: string } | undefined) =>
  e === undefined ? 'still open' : `closed by the ${e.by}${e.code !== undefined ? ` with ${e.code}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
