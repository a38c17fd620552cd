import { describeApi } from '../generator/src/emit/metadata/describe.ts';
import { compilePayloads } from '../generator/src/emit/validators/index.ts';
import { defaultApiName } from '../generator/src/generate.ts';
import { buildIR } from '../generator/src/ir/build/index.ts';
import type { ApiIR, ChannelIR, Direction, MessageIR } from '../generator/src/ir/types.ts';
import type { Diagnostic } from '../generator/src/load/diagnostic.ts';
import { hasErrors, loadSpec } from '../generator/src/load/load.ts';
import { normalizeAjvErrors } from '../generator/src/validate/ajv.ts';
import type { ApiDescription } from '../runtime/contract.ts';
import type { ChannelValidator, ValidationResult } from '../runtime/server/types.ts';

/**
 * An AsyncAPI document made ready to serve, in memory: the same load → IR → compiled payload
 * validators flow `generate` runs, without writing generated code anywhere. The runtime gets
 * the API as data (what metadata.gen.ts would hold) and per channel direction a validator that
 * reads the tag first (what validators.gen.js would export).
 */
export interface MockContract {
  ir: ApiIR;
  api: ApiDescription;
  validators: Record<string, { send: ChannelValidator; receive: ChannelValidator }>;
  /** Validates one message's payload. */
  validatePayload(messageId: string, payload: unknown): ValidationResult;
  message(id: string): MessageIR;
}

export type LoadContractResult = { ok: true; contract: MockContract; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Loads a document (remote `$ref`s are not fetched) and compiles it; never throws for a bad document. */
export async function loadContract(spec: string, options: { name?: string } = {}): Promise<LoadContractResult> {
  // `schema` rules: the AsyncAPI JSON Schema and streamwright's own checks, examples included.
  const loaded = await loadSpec(spec, { rules: 'schema' });
  if (hasErrors(loaded.diagnostics) || loaded.document === undefined) return { ok: false, diagnostics: loaded.diagnostics };
  try {
    return { ok: true, contract: compileContract(buildIR(loaded.document, options.name ?? defaultApiName(spec))), diagnostics: loaded.diagnostics };
  } catch (e) {
    const diagnostic: Diagnostic = { code: 'sw/generate-unsupported', severity: 'error', message: (e as Error).message, file: spec, line: 1, column: 1, pointer: '#' };
    return { ok: false, diagnostics: [...loaded.diagnostics, diagnostic] };
  }
}

export function compileContract(ir: ApiIR): MockContract {
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
  const validators: MockContract['validators'] = {};
  for (const c of ir.channels) {
    validators[c.id] = { send: dispatcher(c, 'send', validatePayload), receive: dispatcher(c, 'receive', validatePayload) };
  }
  return { ir, api: describeApi(ir), validators, validatePayload, message };
}

function fail(pointer: string, message: string): ValidationResult {
  return { ok: false, errors: [{ pointer, keyword: 'tag', message }] };
}

/**
 * The validator of one channel direction, as the generated one does it: the tag picks the
 * message (several sharing an SSE event, or no tag at all: the first whose schema matches).
 */
function dispatcher(c: ChannelIR, d: Direction, validatePayload: MockContract['validatePayload']): ChannelValidator {
  const dir = c[d];
  const entries = dir.messages;
  const byTag = new Map<string, string[]>();
  for (const e of entries) if (e.tag !== null) byTag.set(e.tag, [...(byTag.get(e.tag) ?? []), e.message]);
  const known = byTag.size ? `expected one of ${[...byTag.keys()].join(', ')}` : `no message is allowed ${d === 'send' ? 'server → client' : 'client → server'}`;
  const firstMatch = (ids: string[], data: unknown): ValidationResult => {
    let firstFailure: ValidationResult | undefined;
    for (const id of ids) {
      const verdict = validatePayload(id, data);
      if (verdict.ok) return verdict;
      firstFailure ??= verdict;
    }
    return firstFailure ?? fail('', `no message is allowed ${d === 'send' ? 'server → client' : 'client → server'}`);
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
  const pointer = '/' + property.replace(/~/g, '~0').replace(/\//g, '~1');
  return (...args: unknown[]) => {
    const [data] = args;
    if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as Record<string, unknown>)[property] !== 'string') {
      return fail(pointer, `must be an object with a string "${property}"`);
    }
    const ids = byTag.get((data as Record<string, string>)[property]!);
    return ids ? firstMatch(ids, data) : fail(pointer, `unknown ${property} (${known})`);
  };
}
