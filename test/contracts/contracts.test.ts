import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpec, type LoadResult } from '../../generator/src/load/load.ts';
import { createContractValidator } from '../../generator/src/validate/contract-validator.ts';
import type { Direction } from '../../generator/src/load/channels.ts';
import { getAt, parsePointer } from '../../generator/src/load/pointer.ts';
import { buildIR } from '../../generator/src/ir/build/index.ts';
import { APIS, specPath } from './apis.ts';

interface SeedExample {
  name: string;
  channel: string;
  direction: Direction;
  message: string;
  event?: string;
  payload: unknown;
}

interface UnknownParts {
  name: string;
  channel: string;
  direction: Direction;
  event?: string;
  payload: unknown;
  /** What the generated validator reports on the valid message (empty: nothing unknown). */
  warnings: { pointer: string; keyword: string }[];
}

interface InvalidMessage {
  name: string;
  channel: string;
  direction: Direction;
  event?: string;
  payload: unknown;
  errors: { pointer: string; keyword: string }[];
}

const fixture = <T>(kind: string, api: string): T[] => JSON.parse(readFileSync(`test/fixtures/${kind}/${api}.json`, 'utf8')) as T[];

describe.each(APIS)('%s', (api) => {
  let loaded: LoadResult;
  let validator: ReturnType<typeof createContractValidator>;
  beforeAll(async () => {
    loaded = await loadSpec(specPath(api));
    validator = createContractValidator(loaded.document);
  });

  it('validates with zero errors and zero warnings', () => {
    expect(loaded.diagnostics).toEqual([]);
  });

  it('is AsyncAPI 3.0', () => {
    expect((loaded.document as { asyncapi: string }).asyncapi).toMatch(/^3\.0\.\d+$/);
  });

  describe('every JSON example of the seed validates as the right message', () => {
    it.each(fixture<SeedExample>('seed-examples', api).map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const verdict = validator.validate(c.channel, c.direction, { payload: c.payload, ...(c.event ? { event: c.event } : {}) });
      expect(verdict).toMatchObject({ ok: true, message: c.message });
    });
  });

  const invalid = fixture<InvalidMessage>('invalid-messages', api);
  it('has at least eight hand-made invalid messages', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(8);
  });

  describe('hand-made invalid messages are rejected at the expected pointer', () => {
    it.each(invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const verdict = validator.validate(c.channel, c.direction, { payload: c.payload, ...(c.event ? { event: c.event } : {}) });
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(c.errors.length).toBeGreaterThan(0);
      for (const want of c.errors) expect(verdict.errors).toContainEqual(expect.objectContaining(want));
    });
  });

  // Messages a stricter contract used to reject (spec/README.md, "Reading"): they validate, and
  // the generated validators, which the client and conform read through, name their unknown parts.
  describe('messages with unknown fields or values validate; the generated validators report those parts', () => {
    it.each(fixture<UnknownParts>('unknown-parts', api).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const verdict = validator.validate(c.channel, c.direction, { payload: c.payload, ...(c.event ? { event: c.event } : {}) });
      expect(verdict.ok).toBe(true);
      const generated = (await import(`../../generated/${api}/validators.gen.js`)) as Record<
        string,
        (...args: unknown[]) => { ok: boolean; warnings?: { pointer: string; keyword: string }[] }
      >;
      const channel = buildIR(loaded.document, api).channels.find((ch) => ch.id === c.channel)!;
      const validate = generated[channel[c.direction].validatorName]!;
      const result = c.event !== undefined ? validate(c.event, c.payload) : validate(c.payload);
      expect(result.ok).toBe(true);
      expect((result.warnings ?? []).map((w) => ({ pointer: w.pointer, keyword: w.keyword }))).toEqual(c.warnings);
    });
  });

  it('applies every decision where it says: each `at` pointer resolves in the document', () => {
    const decisions = (loaded.document as { info: { 'x-sw-decisions': { id: string; at?: string[] }[] } }).info['x-sw-decisions'];
    for (const d of decisions) {
      for (const pointer of d.at ?? []) expect([d.id, pointer, getAt(loaded.document, parsePointer(pointer)) !== undefined]).toEqual([d.id, pointer, true]);
    }
  });

  it('lists every decision of the document in spec/README.md', () => {
    const doc = parse(readFileSync(specPath(api), 'utf8')) as { info: { 'x-sw-decisions': { id: string }[] } };
    const readme = readFileSync('spec/README.md', 'utf8');
    const ids = doc.info['x-sw-decisions'].map((d) => d.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(readme).toContain(`\`${api}#${id}\``);
  });
});
