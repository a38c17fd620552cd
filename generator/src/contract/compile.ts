import type { ApiDescription, ChannelValidator, ValidationResult } from '../../../runtime/index.ts';
import { messageTag } from '../../../runtime/protocol/index.ts';
import { describeApi } from '../emit/metadata/describe.ts';
import { compilePayloads } from '../emit/validators/index.ts';
import type { ApiIR, ChannelIR, Direction, MessageIR } from '../ir/types.ts';
import { encodeSegment } from '../load/pointer.ts';
import { normalizeAjvErrors } from '../validate/ajv.ts';

/**
 * A contract made ready to serve, in memory: the payload validators `generate` compiles, without
 * writing generated code anywhere. The runtime gets the API as data (what metadata.gen.ts would
 * hold) and per channel direction a validator that reads the tag first (what validators.gen.js
 * would export).
 */
export interface CompiledContract {
  ir: ApiIR;
  api: ApiDescription;
  validators: Record<string, { send: ChannelValidator; receive: ChannelValidator }>;
  /** Validates one message's payload. */
  validatePayload(messageId: string, payload: unknown): ValidationResult;
  message(id: string): MessageIR;
}

export function compileContract(ir: ApiIR): CompiledContract {
  const compiled = compilePayloads(ir);
  const messages = new Map(ir.messages.map((m) => [m.id, m]));
  const message = (id: string) => {
    const m = messages.get(id);
    if (!m) throw new Error(`no message ${id}`);
    return m;
  };
  const validatePayload = (id: string, payload: unknown): ValidationResult => {
    const fn = compiled.validatorOf(message(id));
    return fn(payload) ? { ok: true, value: payload } : { ok: false, errors: normalizeAjvErrors(fn.errors) };
  };
  const validators: CompiledContract['validators'] = {};
  for (const c of ir.channels) {
    validators[c.id] = { send: dispatcher(c, 'send', validatePayload), receive: dispatcher(c, 'receive', validatePayload) };
  }
  return { ir, api: describeApi(ir), validators, validatePayload, message };
}

function fail(pointer: string, message: string): ValidationResult {
  return { ok: false, errors: [{ pointer, keyword: 'tag', message }] };
}

/**
 * The validator of one channel direction, as the generated one does it (same verdicts, same
 * messages): the tag picks the message (several sharing an SSE event, or no tag at all: the
 * first whose schema matches).
 */
function dispatcher(c: ChannelIR, d: Direction, validatePayload: CompiledContract['validatePayload']): ChannelValidator {
  const dir = c[d];
  const entries = dir.messages;
  const byTag = new Map<string, string[]>();
  for (const e of entries) if (e.tag !== null) byTag.set(e.tag, [...(byTag.get(e.tag) ?? []), e.message]);
  const none = `no message is allowed ${d === 'send' ? 'server → client' : 'client → server'}`;
  const known = byTag.size ? `expected one of ${[...byTag.keys()].join(', ')}` : none;
  const firstMatch = (ids: string[], data: unknown): ValidationResult => {
    let firstFailure: ValidationResult | undefined;
    for (const id of ids) {
      const verdict = validatePayload(id, data);
      if (verdict.ok) return verdict;
      firstFailure ??= verdict;
    }
    return firstFailure ?? fail('', none);
  };
  const all = entries.map((e) => e.message);
  if (dir.dispatch === 'single' || dir.dispatch === 'shape') {
    return (...args: unknown[]) => firstMatch(all, c.transport === 'sse' ? args[1] : args[0]);
  }
  if (c.transport === 'sse') {
    return (...args: unknown[]) => {
      const [event, data] = args;
      const ids = typeof event === 'string' ? byTag.get(event) : undefined;
      return ids ? firstMatch(ids, data) : fail('', `unknown event (${known})`);
    };
  }
  const property = dir.tagProperty ?? c.tagProperty ?? 'type';
  const pointer = '/' + encodeSegment(property);
  return (...args: unknown[]) => {
    const [data] = args;
    const tag = messageTag(data, property);
    if (tag === null) return fail(pointer, `must be an object with a string "${property}"`);
    const ids = byTag.get(tag);
    return ids ? firstMatch(ids, data) : fail(pointer, `unknown ${property} (${known})`);
  };
}
