import { channelSchemeIds } from '../emit/client/auth.ts';
import type { ApiIR, ChannelIR, ChannelMessageIR, Direction, JsonSchema, MessageIR, SecuritySchemeIR } from '../ir/types.ts';
import { encodeSegment } from '../load/pointer.ts';
import { diffSchemas, type Resolve } from './schema.ts';
import { judge, type Change, type DiffResult, type Effect, type Flow, type Severity } from './types.ts';

// In the IR a channel's `send` holds what the server sends.
const FLOW: Record<Direction, Flow> = { send: 'server-sends', receive: 'client-sends' };
const SEVERITY_ORDER: Record<Severity, number> = { breaking: 0, unknown: 1, 'non-breaking': 2 };

/**
 * Every change from `before` to `after`, classified per channel, message and pointer as
 * breaking, non-breaking or unknown for the side that reads it. Pure; sorted deterministically.
 */
export function diffApis(before: ApiIR, after: ApiIR): DiffResult {
  const changes: Change[] = [];
  const push = (c: Change) => changes.push(c);
  const resolver = (api: ApiIR): Resolve => {
    const byId = new Map(api.schemas.map((s) => [s.id, s.schema]));
    return (ref) => (ref.startsWith('#/definitions/') ? byId.get(ref.slice('#/definitions/'.length)) : undefined);
  };
  const ctx: Context = { before, after, resolveBefore: resolver(before), resolveAfter: resolver(after), push };

  diffServers(ctx);
  const afterById = new Map(after.channels.map((c) => [c.id, c]));
  const beforeById = new Map(before.channels.map((c) => [c.id, c]));
  for (const c of before.channels) {
    const n = afterById.get(c.id);
    if (n === undefined)
      push({ rule: 'channel.removed', severity: 'breaking', channel: c.id, pointer: c.pointer, summary: `channel ${c.id} (${c.address}) removed` });
    else diffChannel(ctx, c, n);
  }
  for (const c of after.channels) {
    if (!beforeById.has(c.id))
      push({ rule: 'channel.added', severity: 'non-breaking', channel: c.id, pointer: c.pointer, summary: `channel ${c.id} (${c.address}) added` });
  }

  changes.sort(
    (x, y) =>
      (x.channel ?? '').localeCompare(y.channel ?? '') ||
      SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] ||
      x.pointer.localeCompare(y.pointer) ||
      x.rule.localeCompare(y.rule) ||
      x.summary.localeCompare(y.summary),
  );
  const counts: Record<Severity, number> = { breaking: 0, 'non-breaking': 0, unknown: 0 };
  for (const c of changes) counts[c.severity]++;
  return { changes, counts };
}

/** True when `--fail-on` is met: `breaking` by a breaking change, `any` by any change at all. */
export function failsOn(result: DiffResult, level: 'breaking' | 'any'): boolean {
  return level === 'any' ? result.changes.length > 0 : result.counts.breaking > 0;
}

interface Context {
  before: ApiIR;
  after: ApiIR;
  resolveBefore: Resolve;
  resolveAfter: Resolve;
  push(c: Change): void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function diffServers({ before, after, push }: Context) {
  for (const s of before.servers) {
    const n = after.servers.find((x) => x.id === s.id);
    if (!n) push({ rule: 'server.removed', severity: 'breaking', pointer: s.pointer, summary: `server ${s.id} (${s.host}) removed` });
    else if (n.host !== s.host || n.protocol !== s.protocol || (n.pathname ?? '') !== (s.pathname ?? ''))
      push({
        rule: 'server.address-changed',
        severity: 'breaking',
        pointer: n.pointer,
        summary: `server ${s.id} moved from ${s.protocol}://${s.host}${s.pathname ?? ''} to ${n.protocol}://${n.host}${n.pathname ?? ''}`,
        before: `${s.protocol}://${s.host}${s.pathname ?? ''}`,
        after: `${n.protocol}://${n.host}${n.pathname ?? ''}`,
      });
  }
  for (const s of after.servers)
    if (!before.servers.some((x) => x.id === s.id))
      push({ rule: 'server.added', severity: 'non-breaking', pointer: s.pointer, summary: `server ${s.id} (${s.host}) added` });
}

function diffChannel(ctx: Context, b: ChannelIR, a: ChannelIR) {
  const { push } = ctx;
  const at = (suffix: string) => a.pointer + suffix;
  const base = { channel: a.id };
  if (b.address !== a.address)
    push({
      ...base,
      rule: 'channel.address-changed',
      severity: 'breaking',
      pointer: at('/address'),
      summary: `address ${b.address} → ${a.address}`,
      before: b.address,
      after: a.address,
    });
  if (b.transport !== a.transport)
    push({
      ...base,
      rule: 'channel.transport-changed',
      severity: 'breaking',
      pointer: a.pointer,
      summary: `transport ${b.transport} → ${a.transport}`,
      before: b.transport,
      after: a.transport,
    });
  if (b.tagProperty !== a.tagProperty)
    push({
      ...base,
      rule: 'channel.tag-property-changed',
      severity: 'breaking',
      pointer: a.pointer,
      summary: `messages tagged by ${b.tagProperty ?? 'event name'} → ${a.tagProperty ?? 'event name'}`,
      before: b.tagProperty,
      after: a.tagProperty,
    });
  for (const s of b.servers)
    if (!a.servers.includes(s))
      push({ ...base, rule: 'channel.server-removed', severity: 'breaking', pointer: at('/servers'), summary: `no longer available on server ${s}` });
  for (const s of a.servers)
    if (!b.servers.includes(s))
      push({ ...base, rule: 'channel.server-added', severity: 'non-breaking', pointer: at('/servers'), summary: `now available on server ${s}` });

  // Parameters are values the client puts in the address.
  for (const p of b.parameters) {
    const q = a.parameters.find((x) => x.name === p.name);
    const pp = at(`/parameters/${encodeSegment(p.name)}`);
    if (!q) {
      push({ ...base, rule: 'parameter.removed', severity: 'breaking', pointer: at('/parameters'), summary: `parameter {${p.name}} removed from the address` });
      continue;
    }
    if (!same(p.enum, q.enum)) {
      const effect: Effect = p.enum === undefined ? 'narrows' : q.enum === undefined ? 'widens' : setEffect(p.enum, q.enum);
      push({
        ...base,
        rule: 'parameter.enum-changed',
        severity: judge(effect, 'client-sends'),
        flow: 'client-sends',
        pointer: pp + '/enum',
        summary: `parameter {${p.name}} values ${(p.enum ?? ['any']).join(', ')} → ${(q.enum ?? ['any']).join(', ')}`,
        before: p.enum,
        after: q.enum,
      });
    }
  }
  for (const q of a.parameters) {
    if (!b.parameters.some((p) => p.name === q.name))
      push({
        ...base,
        rule: 'parameter.added',
        severity: 'breaking',
        pointer: at(`/parameters/${encodeSegment(q.name)}`),
        summary: `parameter {${q.name}} added to the address`,
      });
  }
  if (!same(b.query, a.query)) {
    for (const f of diffSchemas(b.query ?? true, a.query ?? true, ctx.resolveBefore, ctx.resolveAfter)) {
      push({
        ...base,
        rule: `query.${f.rule.replace(/^schema\./, '')}`,
        severity: judge(f.effect, 'client-sends'),
        flow: 'client-sends',
        pointer: at('/bindings/ws/query' + f.at),
        summary: `query: ${f.summary}`,
        ...values(f),
      });
    }
  }

  for (const d of ['send', 'receive'] as const) diffDirection(ctx, b, a, d);
  diffAuth(ctx, b, a);
  diffLimits(ctx, b, a);
  diffHeartbeat(ctx, b, a);
  diffSequence(ctx, b, a);
  diffSse(ctx, b, a);
  for (const [field, ext] of [
    ['poll', 'x-sw-poll'],
    ['errors', 'x-sw-errors'],
    ['reconnect', 'x-sw-reconnect'],
  ] as const) {
    if (!same(b[field], a[field]))
      push({
        ...base,
        rule: `behaviour.${field}-changed`,
        severity: 'unknown',
        pointer: at('/' + ext),
        summary: `${ext} changed`,
        before: b[field],
        after: a[field],
      });
  }
}

function setEffect(before: readonly unknown[], after: readonly unknown[]): Effect {
  const lost = before.some((v) => !after.includes(v));
  const gained = after.some((v) => !before.includes(v));
  return lost && gained ? 'changes' : lost ? 'narrows' : gained ? 'widens' : 'neutral';
}

function values(f: { before?: unknown; after?: unknown }) {
  return { ...(f.before !== undefined ? { before: f.before } : {}), ...(f.after !== undefined ? { after: f.after } : {}) };
}

function diffDirection(ctx: Context, b: ChannelIR, a: ChannelIR, d: Direction) {
  const { push } = ctx;
  const flow = FLOW[d];
  const who = flow === 'server-sends' ? 'the server sends' : 'the client sends';
  const messageOf = (api: ApiIR, id: string) => api.messages.find((m) => m.id === id)!;
  const label = (cm: ChannelMessageIR) => cm.tag ?? cm.key;
  const bm = b[d].messages;
  const am = a[d].messages;
  const matched = new Set<ChannelMessageIR>();
  for (const old of bm) {
    // The wire sees tags, not keys: a message is the same one when its tag is.
    let now = old.tag !== null ? am.find((m) => m.tag === old.tag) : undefined;
    now ??= am.find((m) => m.key === old.key && !matched.has(m));
    const oldMessage = messageOf(ctx.before, old.message);
    if (!now) {
      push({
        channel: a.id,
        message: oldMessage.id,
        flow,
        rule: 'message.removed',
        severity: 'breaking',
        pointer: oldMessage.pointer,
        summary: `message ${label(old)} that ${who} removed`,
      });
      continue;
    }
    matched.add(now);
    const newMessage = messageOf(ctx.after, now.message);
    if (old.tag !== now.tag) {
      push({
        channel: a.id,
        message: newMessage.id,
        flow,
        rule: 'message.tag-changed',
        severity: 'breaking',
        pointer: newMessage.pointer,
        summary: `message ${old.key} renamed on the wire: tag ${old.tag ?? '(none)'} → ${now.tag ?? '(none)'}`,
        before: old.tag,
        after: now.tag,
      });
    }
    diffMessage(ctx, a, oldMessage, newMessage, flow);
  }
  for (const now of am) {
    if (matched.has(now)) continue;
    const m = messageOf(ctx.after, now.message);
    // Readers are tolerant (DESIGN: read tolerantly): an old client reports an unknown tag and goes
    // on, so a new message the server sends does not break it; a new one the client may send never does.
    push({
      channel: a.id,
      message: m.id,
      flow,
      rule: 'message.added',
      severity: 'non-breaking',
      pointer: m.pointer,
      summary: `message ${label(now)} that ${who} added`,
    });
  }

  const bo = b[d].operations;
  const ao = a[d].operations;
  for (const op of bo) {
    const n = ao.find((x) => x.id === op.id);
    if (!n) push({ channel: a.id, flow, rule: 'operation.removed', severity: 'breaking', pointer: op.pointer, summary: `operation ${op.id} removed` });
    else if ((op.httpMethod ?? '') !== (n.httpMethod ?? ''))
      push({
        channel: a.id,
        flow,
        rule: 'operation.http-method-changed',
        severity: 'breaking',
        pointer: n.pointer,
        summary: `operation ${op.id}: HTTP method ${op.httpMethod ?? 'none'} → ${n.httpMethod ?? 'none'}`,
        before: op.httpMethod,
        after: n.httpMethod,
      });
  }
  for (const op of ao)
    if (!bo.some((x) => x.id === op.id))
      push({ channel: a.id, flow, rule: 'operation.added', severity: 'non-breaking', pointer: op.pointer, summary: `operation ${op.id} added` });
}

function diffMessage(ctx: Context, channel: ChannelIR, b: MessageIR, a: MessageIR, flow: Flow) {
  const payloadOf = (api: ApiIR, m: MessageIR): JsonSchema => api.schemas.find((s) => s.id === m.payload)?.schema ?? true;
  const before = payloadOf(ctx.before, b);
  const after = payloadOf(ctx.after, a);
  if (same(before, after) && sameDefinitions(ctx)) return;
  for (const f of diffSchemas(before, after, ctx.resolveBefore, ctx.resolveAfter)) {
    ctx.push({
      channel: channel.id,
      message: a.id,
      flow,
      rule: f.rule,
      severity: judge(f.effect, flow),
      pointer: `${a.pointer}/payload${f.at}`,
      summary: f.summary,
      ...values(f),
    });
  }
}

const definitionsMemo = new WeakMap<Context, boolean>();
function sameDefinitions(ctx: Context): boolean {
  let v = definitionsMemo.get(ctx);
  if (v === undefined)
    definitionsMemo.set(
      ctx,
      (v = same(
        ctx.before.schemas.map((s) => s.schema),
        ctx.after.schemas.map((s) => s.schema),
      )),
    );
  return v;
}

function diffAuth(ctx: Context, b: ChannelIR, a: ChannelIR) {
  const { push } = ctx;
  const idsB = channelSchemeIds(ctx.before, b);
  const idsA = channelSchemeIds(ctx.after, a);
  const scheme = (api: ApiIR, id: string) => api.securitySchemes.find((s) => s.id === id);
  for (const id of idsB) {
    if (!idsA.includes(id)) {
      push({
        channel: a.id,
        flow: 'client-sends',
        rule: 'auth.scheme-removed',
        severity: 'breaking',
        pointer: a.pointer,
        summary: `credential scheme ${id} no longer accepted`,
      });
      continue;
    }
    const sb = scheme(ctx.before, id);
    const sa = scheme(ctx.after, id);
    if (sb && sa) diffScheme(push, a, sb, sa);
  }
  for (const id of idsA) {
    if (idsB.includes(id)) continue;
    // A channel that took no credential now demands one; an extra alternative harms nobody.
    const severity: Severity = idsB.length === 0 ? 'breaking' : 'non-breaking';
    push({
      channel: a.id,
      flow: 'client-sends',
      rule: idsB.length === 0 ? 'auth.required' : 'auth.scheme-added',
      severity,
      pointer: a.pointer,
      summary: `credential scheme ${id} ${idsB.length === 0 ? 'now required' : 'now also accepted'}`,
    });
  }
}

function diffScheme(push: (c: Change) => void, channel: ChannelIR, b: SecuritySchemeIR, a: SecuritySchemeIR) {
  const base = { channel: channel.id, flow: 'client-sends' as const, pointer: a.pointer };
  const where = (s: SecuritySchemeIR) => ({
    type: s.type,
    in: s.auth?.credential.in ?? s.in,
    name: s.auth?.credential.name ?? s.name,
    scheme: s.scheme,
    prefix: s.auth?.credential.prefix,
    message: s.auth?.credential.message,
    property: s.auth?.credential.property,
  });
  if (!same(where(b), where(a)))
    push({
      ...base,
      rule: 'auth.credential-moved',
      severity: 'breaking',
      summary: `scheme ${a.id}: the credential is presented differently`,
      before: where(b),
      after: where(a),
    });
  const algB = b.auth?.jwt?.algorithms;
  const algA = a.auth?.jwt?.algorithms;
  if (!same(algB, algA)) {
    const effect: Effect = algB === undefined ? 'narrows' : algA === undefined ? 'widens' : setEffect(algB, algA);
    push({
      ...base,
      rule: 'auth.jwt-algorithms-changed',
      severity: judge(effect, 'client-sends'),
      pointer: a.pointer + '/x-sw-auth/jwt/algorithms',
      summary: `scheme ${a.id}: JWT algorithms ${(algB ?? ['any']).join(', ')} → ${(algA ?? ['any']).join(', ')}`,
      before: algB,
      after: algA,
    });
  }
  const claimsB = b.auth?.jwt?.requiredClaims ?? [];
  const claimsA = a.auth?.jwt?.requiredClaims ?? [];
  if (!same(claimsB, claimsA)) {
    // More required claims accept fewer tokens.
    const effect = setEffect(claimsA, claimsB);
    push({
      ...base,
      rule: 'auth.jwt-claims-changed',
      severity: judge(effect, 'client-sends'),
      pointer: a.pointer + '/x-sw-auth/jwt/requiredClaims',
      summary: `scheme ${a.id}: required claims ${claimsB.join(', ') || 'none'} → ${claimsA.join(', ') || 'none'}`,
      before: claimsB,
      after: claimsA,
    });
  }
  const deadlineB = b.auth?.credential.deadlineMs;
  const deadlineA = a.auth?.credential.deadlineMs;
  if (deadlineB !== deadlineA) {
    const effect: Effect = deadlineA === undefined ? 'widens' : deadlineB === undefined || deadlineA < deadlineB ? 'narrows' : 'widens';
    push({
      ...base,
      rule: 'auth.deadline-changed',
      severity: judge(effect, 'client-sends'),
      pointer: a.pointer + '/x-sw-auth/credential/deadlineMs',
      summary: `scheme ${a.id}: credential deadline ${deadlineB ?? 'none'} → ${deadlineA ?? 'none'} ms`,
      before: deadlineB,
      after: deadlineA,
    });
  }
  if (!same(b.auth?.onFailure, a.auth?.onFailure) || !same(b.auth?.originAllowList, a.auth?.originAllowList)) {
    push({
      ...base,
      rule: 'auth.failure-changed',
      severity: 'unknown',
      pointer: a.pointer + '/x-sw-auth',
      summary: `scheme ${a.id}: what happens on a bad credential changed`,
      before: b.auth?.onFailure,
      after: a.auth?.onFailure,
    });
  }
}

/** Limits bind senders: a lower limit rejects what old clients send; a higher one rejects nothing new. */
function diffLimits(ctx: Context, b: ChannelIR, a: ChannelIR) {
  for (const key of ['maxMessageBytes', 'maxMessagesPerSecond', 'maxConnections', 'maxStreamDurationMs'] as const) {
    const lb = b.limits?.[key];
    const la = a.limits?.[key];
    if (same(lb, la)) continue;
    const pointer = `${a.pointer}/x-sw-limits/${key}`;
    if (lb?.limit !== la?.limit) {
      const effect: Effect = lb === undefined ? 'narrows' : la === undefined ? 'widens' : la.limit < lb.limit ? 'narrows' : 'widens';
      ctx.push({
        channel: a.id,
        flow: 'client-sends',
        rule: effect === 'narrows' ? 'limit.lowered' : 'limit.raised',
        severity: judge(effect, 'client-sends'),
        pointer,
        summary: `${key} ${lb?.limit ?? 'none'} → ${la?.limit ?? 'none'}`,
        before: lb?.limit,
        after: la?.limit,
      });
    }
    if (lb && la && !same(lb.onExceed, la.onExceed)) {
      ctx.push({
        channel: a.id,
        rule: 'limit.on-exceed-changed',
        severity: 'unknown',
        pointer: pointer + '/onExceed',
        summary: `${key}: what happens past the limit changed`,
        before: lb.onExceed,
        after: la.onExceed,
      });
    }
  }
}

/**
 * An old client declares the server dead after interval + tolerance without a heartbeat, and
 * answers pings within the pong timeout: later heartbeats or a shorter pong timeout break it.
 */
function diffHeartbeat(ctx: Context, b: ChannelIR, a: ChannelIR) {
  const hb = b.heartbeat;
  const ha = a.heartbeat;
  if (same(hb, ha)) return;
  const pointer = `${a.pointer}/x-sw-heartbeat`;
  const push = (rule: string, severity: Severity, summary: string, before?: unknown, after?: unknown) =>
    ctx.push({ channel: a.id, rule, severity, pointer, summary, ...values({ before, after }) });
  const mode = (h: typeof hb) => h?.mode ?? 'none';
  if (mode(hb) !== mode(ha)) return push('heartbeat.mode-changed', 'breaking', `heartbeat ${mode(hb)} → ${mode(ha)}`, mode(hb), mode(ha));
  if (hb?.mode === 'none' || ha?.mode === 'none' || !hb || !ha) return;
  const deadline = (h: typeof hb) => h.intervalMs + (h.toleranceMs ?? 0);
  if (deadline(hb) !== deadline(ha)) {
    const later = deadline(ha) > deadline(hb);
    push(
      later ? 'heartbeat.slower' : 'heartbeat.faster',
      later ? 'breaking' : 'non-breaking',
      `heartbeat due within ${deadline(hb)} → ${deadline(ha)} ms (interval + tolerance)`,
      deadline(hb),
      deadline(ha),
    );
  }
  if (hb.message !== ha.message) push('heartbeat.message-changed', 'breaking', `heartbeat message ${hb.message} → ${ha.message}`, hb.message, ha.message);
  if (!same(hb.pong, ha.pong)) {
    if (!hb.pong || !ha.pong || hb.pong.message !== ha.pong.message)
      push('heartbeat.pong-changed', 'breaking', `pong ${hb.pong?.message ?? 'none'} → ${ha.pong?.message ?? 'none'}`, hb.pong, ha.pong);
    else if (hb.pong.timeoutMs !== ha.pong.timeoutMs) {
      const shorter = ha.pong.timeoutMs < hb.pong.timeoutMs;
      push(
        shorter ? 'heartbeat.pong-timeout-shorter' : 'heartbeat.pong-timeout-longer',
        shorter ? 'breaking' : 'non-breaking',
        `pong timeout ${hb.pong.timeoutMs} → ${ha.pong.timeoutMs} ms`,
        hb.pong.timeoutMs,
        ha.pong.timeoutMs,
      );
    } else push('heartbeat.pong-changed', 'unknown', 'pong close code changed', hb.pong, ha.pong);
  }
}

/** A rule is an ordering promise about the messages it names: whoever sends them is bound by it, whoever reads them relies on it. */
function diffSequence(ctx: Context, b: ChannelIR, a: ChannelIR) {
  const rb = b.sequence?.rules ?? [];
  const ra = a.sequence?.rules ?? [];
  const clientTags = new Set(a.receive.messages.map((m) => m.tag).concat(b.receive.messages.map((m) => m.tag)));
  const flowOf = (r: (typeof rb)[number]): Flow => {
    const named = [...(r.messages ?? []), ...(r.first ?? []), ...(r.then ?? [])];
    return named.length > 0 && named.every((t) => clientTags.has(t)) ? 'client-sends' : 'server-sends';
  };
  const pointer = `${a.pointer}/x-sw-sequence`;
  for (const r of rb) {
    const n = ra.find((x) => x.id === r.id);
    const flow = flowOf(r);
    // Dropping a promise widens what may be sent; adding one narrows it.
    if (!n)
      ctx.push({
        channel: a.id,
        flow,
        rule: 'sequence.rule-removed',
        severity: judge('widens', flow),
        pointer,
        summary: `sequence rule ${r.id} (${r.kind}) removed`,
        before: r,
      });
    else if (!same(r, n))
      ctx.push({
        channel: a.id,
        flow,
        rule: 'sequence.rule-changed',
        severity: 'unknown',
        pointer,
        summary: `sequence rule ${r.id} changed`,
        before: r,
        after: n,
      });
  }
  for (const r of ra) {
    if (rb.some((x) => x.id === r.id)) continue;
    const flow = flowOf(r);
    ctx.push({
      channel: a.id,
      flow,
      rule: 'sequence.rule-added',
      severity: judge('narrows', flow),
      pointer,
      summary: `sequence rule ${r.id} (${r.kind}) added`,
      after: r,
    });
  }
}

function diffSse(ctx: Context, b: ChannelIR, a: ChannelIR) {
  const sb = b.sse;
  const sa = a.sse;
  if (same(sb, sa) || !sb || !sa) return;
  const pointer = `${a.pointer}/x-sw-sse`;
  if (sb.eventIds && !sa.eventIds)
    ctx.push({ channel: a.id, flow: 'server-sends', rule: 'sse.event-ids-removed', severity: 'breaking', pointer, summary: 'events no longer carry ids' });
  if (sb.resume && !sa.resume)
    ctx.push({
      channel: a.id,
      flow: 'server-sends',
      rule: 'sse.resume-removed',
      severity: 'breaking',
      pointer,
      summary: 'the stream no longer resumes from Last-Event-ID',
    });
  if (sb.resume && sa.resume && sa.resume.bufferSize < sb.resume.bufferSize)
    ctx.push({
      channel: a.id,
      flow: 'server-sends',
      rule: 'sse.resume-buffer-smaller',
      severity: 'breaking',
      pointer,
      summary: `resume buffer ${sb.resume.bufferSize} → ${sa.resume.bufferSize} events`,
      before: sb.resume.bufferSize,
      after: sa.resume.bufferSize,
    });
  if ((!sb.eventIds && sa.eventIds) || (!sb.resume && sa.resume) || (sb.resume && sa.resume && sa.resume.bufferSize > sb.resume.bufferSize))
    ctx.push({
      channel: a.id,
      flow: 'server-sends',
      rule: 'sse.capability-added',
      severity: 'non-breaking',
      pointer,
      summary: 'the stream offers more (event ids, resume or a larger buffer)',
    });
  if (sb.keepAliveCommentMs !== sa.keepAliveCommentMs || sb.retryMs !== sa.retryMs || !same(sb.headers, sa.headers)) {
    ctx.push({
      channel: a.id,
      flow: 'server-sends',
      rule: 'sse.stream-settings-changed',
      severity: 'non-breaking',
      pointer,
      summary: 'retry, keep-alive or headers of the stream changed',
      before: { retryMs: sb.retryMs, keepAliveCommentMs: sb.keepAliveCommentMs },
      after: { retryMs: sa.retryMs, keepAliveCommentMs: sa.keepAliveCommentMs },
    });
  }
}
