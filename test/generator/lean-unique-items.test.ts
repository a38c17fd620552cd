/**
 * `uniqueItems` of the lean emitter against ajv (no seed contract uses it, so the differential
 * test cannot): bounded arrays of one scalar type are checked pairwise, the others through ajv's
 * own dictionary algorithm; both must name the same pair of items as ajv, including ajv's blind
 * spot for the string `__proto__`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { planLean } from '../../generator/src/emit/validators/lean.ts';
import { AJV_OPTIONS } from '../../generator/src/validate/ajv.ts';
import type { JsonSchema } from '../../generator/src/ir/types.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-unique-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMAS: Record<string, JsonSchema> = {
  Strings: { type: 'array', maxItems: 12, uniqueItems: true, items: { type: 'string' } },
  Integers: { type: 'array', maxItems: 12, uniqueItems: true, items: { type: 'integer' } },
  Numbers: { type: 'array', maxItems: 32, uniqueItems: true, items: { type: 'number' } },
  Booleans: { type: 'array', maxItems: 12, uniqueItems: true, items: { type: 'boolean' } },
  Unbounded: { type: 'array', uniqueItems: true, items: { type: 'string' } },
  Mixed: { type: 'array', maxItems: 12, uniqueItems: true, items: { type: ['string', 'number'] } },
};
const POOL: unknown[] = ['a', 'b', '__proto__', 'constructor', 'toString', '1', 'true', 1, 2, 1.5, 0, -0, 1e21, true, false, null, {}, []];

describe('lean uniqueItems agrees with ajv', () => {
  it('on 20,000 random arrays per schema', async () => {
    const ajv = new Ajv({ ...AJV_OPTIONS });
    const definitions = new Map(Object.entries(SCHEMAS).map(([id, schema]) => [id, { schema, typeName: id }]));
    const plan = planLean(definitions, { ajvKeywords: new Set(Object.keys(ajv.RULES.all)), formats: new Set(), ownProperties: false });
    const ids = Object.keys(SCHEMAS);
    for (const id of ids) expect(plan.covers(id)).toBe(true);
    const prelude = readFileSync(new URL('../../templates/validators/prelude.js', import.meta.url), 'utf8');
    const file = path.join(dir, 'unique.js');
    writeFileSync(
      file,
      `${prelude}\n${plan.code(ids)}\nexport { checkLean, ${ids.flatMap((id) => [plan.verdictName(id), plan.functionName(id)]).join(', ')} };\n`,
    );
    const lean = (await import(pathToFileURL(file).href)) as Record<string, (...args: unknown[]) => { ok: boolean; errors?: unknown[] }>;
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let duplicates = 0;
    for (const id of ids) {
      const oracle = ajv.compile(SCHEMAS[id] as object);
      for (let n = 0; n < 20_000; n++) {
        const value = Array.from({ length: Math.floor(rnd() * 14) }, () => POOL[Math.floor(rnd() * (n % 3 === 0 ? POOL.length : 6))]);
        const got = lean.checkLean!(lean[plan.verdictName(id)], lean[plan.functionName(id)], value, undefined);
        const wantOk = oracle(value) as boolean;
        const want = wantOk ? undefined : oracle.errors!.map((e) => ({ pointer: e.instancePath, keyword: e.keyword, message: e.message }));
        if (got.ok !== wantOk || JSON.stringify(got.errors) !== JSON.stringify(want))
          expect({ id, value, got }).toEqual({ id, value, got: { ok: wantOk, errors: want } });
        if (want?.some((e) => e.keyword === 'uniqueItems')) duplicates++;
      }
    }
    expect(duplicates).toBeGreaterThan(1000);
  });
});
