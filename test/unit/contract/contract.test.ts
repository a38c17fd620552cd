// The contract core's door: one load for every caller, in-memory validators that answer as the
// generated ones do, and frame validators that use the precompiled module only when it is whole.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileContract,
  frameValidators,
  importGeneratedValidators,
  loadContract,
  type GeneratedValidators,
  type LoadedContract,
} from '../../../generator/src/contract/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SEED = path.join(ROOT, 'spec/steadybase.asyncapi.yaml');
const GENERATED = path.join(ROOT, 'generated/steadybase/validators.gen.js');

let contract: LoadedContract;
let generated: GeneratedValidators;

beforeAll(async () => {
  const loaded = await loadContract(SEED);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
  contract = loaded.contract;
  generated = (await import(pathToFileURL(GENERATED).href)) as GeneratedValidators;
});

describe('loadContract', () => {
  it('names the API after the file, or as told', async () => {
    expect(contract.name).toBe('steadybase');
    expect(contract.ir.name).toBe('steadybase');
    const named = await loadContract(SEED, { name: 'other', payloadExamples: false });
    expect(named.ok && named.contract.ir.name).toBe('other');
  });

  it('returns the diagnostics of a document that does not load, and no contract', async () => {
    const loaded = await loadContract(path.join(ROOT, 'test/fixtures/invalid-documents/broken-yaml.yaml'));
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('compileContract', () => {
  /** Frames for every channel direction that has messages: each example, and frames no contract accepts. */
  const cases = (api: LoadedContract) =>
    api.ir.channels
      .filter((c) => c.transport !== 'http')
      .flatMap((c) =>
        (['send', 'receive'] as const)
          .filter((d) => c[d].messages.length > 0)
          .flatMap((d) => {
            const examples = c[d].messages.flatMap((cm) =>
              api.ir.messages.find((m) => m.id === cm.message)!.examples.map((e) => ({ tag: cm.tag, payload: e.payload })),
            );
            const wrong = [
              { tag: 'no-such-tag', payload: { type: 'no-such-tag' } },
              { tag: null, payload: {} },
              { tag: null, payload: 'text' },
              { tag: null, payload: [1] },
            ];
            return [...examples, ...wrong].map((frame) => ({ c, d, ...frame }));
          }),
      );

  it.each(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'])('%s: answers every frame as the generated validators do', async (api) => {
    const loaded = await loadContract(path.join(ROOT, `spec/${api}.asyncapi.yaml`), { payloadExamples: false });
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    const mine = compileContract(loaded.contract.ir);
    const theirs = (await import(pathToFileURL(path.join(ROOT, `generated/${api}/validators.gen.js`)).href)) as GeneratedValidators;
    const all = cases(loaded.contract);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const { c, d, tag, payload } of all) {
      const args = c.transport === 'sse' ? [tag ?? 'message', payload] : [payload];
      const a = mine.validators[c.id]![d](...args);
      const b = (theirs[c[d].validatorName] as (...x: unknown[]) => { ok: boolean; errors?: unknown })(...args);
      expect({ channel: c.id, d, payload, ok: a.ok, errors: a.ok ? undefined : a.errors }).toEqual({
        channel: c.id,
        d,
        payload,
        ok: b.ok,
        errors: b.ok ? undefined : b.errors,
      });
    }
  });
});

describe('frameValidators', () => {
  const ws = () => contract.ir.channels.find((c) => c.transport === 'ws')!;

  it('uses the precompiled module when it covers the document', async () => {
    const validators = frameValidators(contract, await importGeneratedValidators(GENERATED));
    expect(validators.source).toBe('generated');
    expect(validators.validate(ws(), 'receive', { type: 'no-such-tag' })).toMatchObject({ ok: false, errors: [{ keyword: 'tag' }] });
  });

  it('falls back to the in-memory validators for a missing, partial or unloadable module', async () => {
    expect(await importGeneratedValidators(path.join(ROOT, 'generated/none/validators.gen.js'))).toBeUndefined();
    const partial = Object.fromEntries(Object.entries(generated).slice(0, 1));
    for (const module of [undefined, {}, partial]) expect(frameValidators(contract, module).source).toBe('in-memory');
    const memory = frameValidators(contract);
    expect(memory.validate(ws(), 'receive', { type: 'no-such-tag' })).toMatchObject({ ok: false, errors: [{ keyword: 'tag' }] });
  });
});
