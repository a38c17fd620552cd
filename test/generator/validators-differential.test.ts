/**
 * The lean validators (generator/src/emit/validators/lean.ts) against ajv's standalone code, the
 * oracle: for every seed API, both are emitted as self-contained modules and run on every payload
 * example, every fixture payload (invalid messages, unknown parts, seed examples) and 10,000
 * seeded mutations of valid values, each value through every message validator of the API. They
 * must agree on the verdict, on the errors (keyword, pointer, message, order) and on the warnings.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePayloads, emitValidators } from '../../generator/src/emit/validators/index.ts';
import { generate } from '../../generator/src/index.ts';
import type { ApiIR } from '../../generator/src/ir/types.ts';

const APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'];
const MUTATIONS = 10_000;
const FIXTURES = ['invalid-messages', 'unknown-parts', 'seed-examples'];

type Validation = { ok: boolean; value?: unknown; errors?: unknown[]; warnings?: unknown[] };
type Module = Record<string, (data: unknown) => Validation>;

const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(ir: ApiIR, engine: 'auto' | 'ajv'): Promise<Module> {
  const compiled = compilePayloads(ir);
  const js = emitValidators(ir, compiled, { bundle: true, engine }).find((f) => f.path === 'validators.gen.js')!;
  const file = path.join(dir, `${ir.name}.${engine}.js`);
  writeFileSync(file, js.contents);
  return (await import(pathToFileURL(file).href)) as Module;
}

/** mulberry32: a small seeded generator, so that a failure reproduces. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every `payload` of a fixture file (any depth), when the file exists. */
function fixturePayloads(api: string): unknown[] {
  const out: unknown[] = [];
  for (const folder of FIXTURES) {
    const file = new URL(`../fixtures/${folder}/${api}.json`, import.meta.url);
    if (!existsSync(file)) continue;
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node))
          if (k === 'payload' || k === 'data') out.push(v);
          else walk(v);
      }
    };
    walk(JSON.parse(readFileSync(file, 'utf8')));
  }
  return out;
}

/** Seeded mutations of valid values: the edits that find disagreements in type, range, format, length and shape checks. */
function mutations(bases: unknown[], count: number, seed: number): unknown[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const strings = new Set<string>();
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (strings.add(k), collect(x)));
  };
  bases.forEach(collect);
  const pool = [...strings];
  const leaves: (() => unknown)[] = [
    () => pick(pool),
    () => '',
    () => 'x',
    () => '😀',
    () => '😀'.repeat(1 + Math.floor(rnd() * 3)),
    () => 'a'.repeat(Math.floor(rnd() * 300)),
    () => '2024-02-30T10:00:00Z',
    () => '2024-02-29T23:59:60Z',
    () => '2026-03-04T10:00:00.123+01:00',
    () => '2026-03-04',
    () => '123e4567-e89b-12d3-a456-426614174000',
    () => 'not-a-uuid',
    // Format edge cases: the lean code calls the same checks as the oracle, so these prove the
    // call sites (test/generator/formats.test.ts compares the checks with ajv-formats).
    () => '2026-03-04t10:00:00z',
    () => '2026-03-04 10:00:00Z',
    () => '2016-12-31T23:59:60Z',
    () => '2017-01-01T00:59:60+01:00',
    () => '2017-01-01T00:59:60+0100',
    () => '2016-12-31T23:59:60-00:01',
    () => '2026-03-04T10:00:00+01',
    () => '2026-03-04T10:00:00-23:59',
    () => '2026-03-04T10:00:00+24:00',
    () => '2026-03-04T10:00:00.Z',
    () => '2026-03-04T10:00:00',
    () => '123E4567-E89B-12D3-A456-426614174000',
    () => 'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
    () => '00000000-0000-0000-0000-000000000000',
    () => '123e4567e89b12d3a456426614174000',
    () => '{123e4567-e89b-12d3-a456-426614174000}',
    // An open string set's unknown value (a warning, not an error).
    () => 'value-no-contract-knows',
    // A string ajv's uniqueItems never finds twice (its dictionary is a plain object).
    () => '__proto__',
    () => Math.floor(rnd() * 2000) - 1000,
    () => rnd() * 10,
    () => -0.5,
    () => 0,
    () => 1e21,
    () => true,
    () => false,
    () => null,
    () => [],
    () => ({}),
    () => [pick(pool), pick(pool)],
    () => ({ [pick(pool)]: pick(pool) }),
    () => ({ __proto__x: 1, constructor: 'c' }),
  ];
  const clone = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
  const out: unknown[] = [];
  for (let n = 0; n < count; n++) {
    const value = clone(pick(bases));
    const edits = 1 + Math.floor(rnd() * 3);
    let root: unknown = value;
    for (let k = 0; k < edits; k++) {
      // Walk down to a random container, then edit one of its entries.
      const containers: (Record<string, unknown> | unknown[])[] = [];
      const gather = (v: unknown) => {
        if (Array.isArray(v)) (containers.push(v), v.forEach(gather));
        else if (v && typeof v === 'object') (containers.push(v as Record<string, unknown>), Object.values(v).forEach(gather));
      };
      gather(root);
      if (containers.length === 0) {
        root = pick(leaves)();
        continue;
      }
      const c = pick(containers);
      const keys: string[] = Array.isArray(c) ? [] : Object.keys(c);
      const op = rnd();
      if (Array.isArray(c)) {
        if (op < 0.3 && c.length > 0) c.splice(Math.floor(rnd() * c.length), 1);
        else if (op < 0.6 && c.length > 0) c.push(clone(c[Math.floor(rnd() * c.length)]));
        else if (c.length > 0) c[Math.floor(rnd() * c.length)] = pick(leaves)();
        else c.push(pick(leaves)());
      } else if (op < 0.25 && keys.length > 0) delete c[pick(keys)];
      else if (op < 0.45) c[pick(pool) + (rnd() < 0.5 ? '' : '_extra')] = pick(leaves)();
      else if (keys.length > 0) c[pick(keys)] = pick(leaves)();
    }
    out.push(root);
  }
  return out;
}

describe('lean validators agree with ajv standalone', () => {
  for (const [index, api] of APIS.entries()) {
    it(`${api}: examples, fixtures and ${MUTATIONS} mutations`, async () => {
      const result = await generate(path.resolve(`spec/${api}.asyncapi.yaml`), { name: api });
      const ir = result.ir!;
      expect(ir).toBeDefined();
      const [lean, oracle] = await Promise.all([load(ir, 'auto'), load(ir, 'ajv')]);
      // The lean path must actually be taken, or this test compares ajv with itself.
      const covered = ir.messages.filter((m) => compilePayloads(ir).lean.covers(m.payload));
      expect(covered.length).toBeGreaterThan(ir.messages.length / 2);

      const examples = ir.messages.flatMap((m) => m.examples.map((e) => e.payload));
      const fixtures = fixturePayloads(api);
      expect(examples.length + fixtures.length).toBeGreaterThan(0);
      const values = [...examples, ...fixtures, ...mutations([...examples, ...fixtures.filter((f) => f && typeof f === 'object')], MUTATIONS, 0x5eed + index)];
      const names = ir.messages.map((m) => m.validatorName);
      let invalid = 0;
      let valid = 0;
      let warned = 0;
      for (const value of values) {
        for (const name of names) {
          const got = lean[name]!(value);
          const want = oracle[name]!(value);
          if (
            got.ok !== want.ok ||
            JSON.stringify(got.errors) !== JSON.stringify(want.errors) ||
            JSON.stringify(got.warnings) !== JSON.stringify(want.warnings)
          ) {
            expect({ name, value, got }).toEqual({ name, value, got: want });
          }
          if (want.ok) valid++;
          else invalid++;
          if (want.ok && want.warnings !== undefined) warned++;
        }
      }
      // Both verdicts must be exercised.
      expect(valid).toBeGreaterThan(0);
      expect(invalid).toBeGreaterThan(valid / 10);
      // And so must the warnings, which the lean functions flag in their one pass.
      expect(warned).toBeGreaterThan(0);
    });
  }
});
