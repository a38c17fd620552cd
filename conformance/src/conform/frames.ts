/**
 * Server frames as the checks see them (tag, payload, time), the schema check every server
 * frame goes through, and the sequence check over one connection.
 */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { frameTag, isJsonObject, readJson } from '../../../runtime/protocol/index.ts';
import { checkSequence } from '../sequence/check.ts';
import type { Received } from './connect.ts';
import type { Contract } from './contract.ts';
import type { Finding } from './report.ts';

export interface ServerFrame {
  index: number;
  t: number;
  tag: string | null;
  payload: unknown;
  text: string;
  json: boolean;
  binary: boolean;
  event?: string;
  id?: string;
}

export function parseFrames(channel: ChannelIR, received: readonly Received[]): ServerFrame[] {
  return received.map((r, index) => {
    const read = r.binary ? undefined : readJson(r.text);
    const json = read?.ok === true;
    const payload = read?.ok ? read.value : undefined;
    let tag = frameTag(channel, payload, r.sse?.event);
    if (tag === null && channel.transport !== 'sse' && !(channel.tagProperty && isJsonObject(payload)) && channel.send.messages.length === 1)
      tag = channel.send.messages[0]!.tag;
    return {
      index,
      t: r.t,
      tag,
      payload,
      text: r.text,
      json,
      binary: r.binary === true,
      ...(r.sse?.event !== undefined ? { event: r.sse.event } : {}),
      ...(r.sse?.id !== undefined ? { id: r.sse.id } : {}),
    };
  });
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

/** Every server frame is a message the contract allows on the channel, server → client, and validates. */
export function schemaFindings(contract: Contract, channel: ChannelIR, frames: readonly ServerFrame[], caseName: string): Finding[] {
  const validate = contract.validator(channel, 'send');
  const out: Finding[] = [];
  const base = { case: caseName, check: 'schema' as const, channel: channel.id };
  for (const f of frames) {
    if (f.binary) {
      out.push({ ...base, rule: 'schema/binary', step: f.index, text: 'binary frame; the contract defines text (JSON) messages only' });
      continue;
    }
    if (!f.json) {
      out.push({ ...base, rule: 'schema/not-json', step: f.index, actual: clip(f.text), text: 'frame is not JSON' });
      continue;
    }
    const verdict = validate(f.payload, f.event);
    // A server may add fields and values (spec/README.md, "Reading"): QA sees them, the case passes.
    for (const w of verdict.ok ? (verdict.warnings ?? []).slice(0, 5) : []) {
      out.push({
        ...base,
        rule: w.keyword === 'additionalProperties' ? 'schema/unknown-property' : 'schema/unknown-value',
        severity: 'warning',
        step: f.index,
        ...(f.tag !== null ? { message: f.tag } : {}),
        pointer: w.pointer,
        actual: clip(JSON.stringify(valueAtPointer(f.payload, w.pointer)) ?? '(absent)'),
        text: w.message,
      });
    }
    if (verdict.ok) continue;
    for (const e of verdict.errors.slice(0, 5)) {
      const unknown = e.keyword === 'tag';
      out.push({
        ...base,
        rule: unknown ? 'schema/unknown-message' : 'schema',
        step: f.index,
        ...(f.tag !== null ? { message: f.tag } : {}),
        pointer: e.pointer,
        expected: unknown ? `a server → client message of channel ${channel.id} (${channel.send.messages.map((m) => m.tag).join(', ')})` : e.message,
        actual: clip(JSON.stringify(valueAtPointer(f.payload, e.pointer)) ?? '(absent)'),
        text: unknown ? `${e.message}` : `${e.keyword}: ${e.message}`,
      });
    }
  }
  return out;
}

/** The channel's x-sw-sequence rules over the frames of one connection. */
export function sequenceFindings(
  channel: ChannelIR,
  frames: readonly ServerFrame[],
  caseName: string,
  options: { endT: number; timeScale: number; jitterMs?: number; resumed?: boolean; only?: (rule: string) => boolean },
): { findings: Finding[]; exercised: string[] } {
  const rules = (channel.sequence?.rules ?? []).filter((r) => !options.only || options.only(r.id));
  if (rules.length === 0) return { findings: [], exercised: [] };
  const result = checkSequence(
    rules,
    frames.map((f) => ({ tag: f.tag, payload: f.payload, t: f.t })),
    { endT: options.endT, timeScale: options.timeScale, jitterMs: options.jitterMs ?? 0, ...(options.resumed ? { resumed: true } : {}) },
  );
  return {
    exercised: result.exercised,
    findings: result.violations.map((v) => ({
      case: caseName,
      check: 'sequence' as const,
      rule: `sequence/${v.rule}`,
      channel: channel.id,
      ...(v.index >= 0 ? { step: frames[v.index]!.index } : {}),
      ...(v.index >= 0 && frames[v.index]!.tag !== null ? { message: frames[v.index]!.tag! } : {}),
      text: v.message,
    })),
  };
}

function valueAtPointer(value: unknown, pointer: string): unknown {
  let here = value;
  if (pointer === '') return here;
  for (const raw of pointer.slice(1).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[k];
  }
  return here;
}
