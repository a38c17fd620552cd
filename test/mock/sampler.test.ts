import { describe, expect, it } from 'vitest';
import { loadContract } from '../../mock/contract.ts';
import { createSampler } from '../../mock/sample/schema.ts';
import { sampleRegex, UnsupportedPattern } from '../../mock/sample/regex.ts';
import { sampleFormat } from '../../mock/sample/formats.ts';
import { Random } from '../../runtime/seeded/random.ts';
import { formats } from '../../templates/validators/prelude.js';

const DOCUMENTS = [
  'test/fixtures/foreign/chat-rtm.asyncapi.yaml',
  'test/fixtures/foreign/market-data.asyncapi.yaml',
  'test/fixtures/foreign/pubsub-channels.asyncapi.yaml',
  'test/fixtures/foreign/status-feed.asyncapi.yaml',
  'test/fixtures/runtime/echo.asyncapi.yaml',
  'spec/steadybase.asyncapi.yaml',
  'spec/release-orchestrator.asyncapi.yaml',
  'spec/agnt5.asyncapi.yaml',
  'spec/agent-workspace.asyncapi.yaml',
];
const SAMPLES = 1000;

describe('schema sampler: generated values validate against the contract', () => {
  it.each(DOCUMENTS)(`%s: ${SAMPLES} samples of every message payload validate`, async (file) => {
    const loaded = await loadContract(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const { contract } = loaded;
    const sampler = createSampler({ definitions: Object.fromEntries(contract.ir.schemas.map((s) => [s.id, s.schema])) });
    const random = new Random(42);
    const failures: string[] = [];
    for (const m of contract.ir.messages) {
      for (let i = 0; i < SAMPLES; i++) {
        const value = sampler.sample({ $ref: `#/definitions/${m.payload}` }, random);
        const verdict = contract.validatePayload(m.id, value);
        if (!verdict.ok && failures.length < 5) failures.push(`${m.id}: ${JSON.stringify(value).slice(0, 200)} ${JSON.stringify(verdict.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('is deterministic: the same seed gives the same values, another seed others', async () => {
    const loaded = await loadContract('test/fixtures/foreign/chat-rtm.asyncapi.yaml');
    if (!loaded.ok) throw new Error('load failed');
    const sampler = createSampler({ definitions: Object.fromEntries(loaded.contract.ir.schemas.map((s) => [s.id, s.schema])) });
    const run = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 20 }, () => sampler.sample({ $ref: '#/definitions/ThreadSnapshot' }, random));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('varies optional fields and nullable types (not the same value every time)', () => {
    const sampler = createSampler({});
    const random = new Random(1);
    const schema = {
      type: 'object',
      required: ['a'],
      additionalProperties: false,
      properties: { a: { type: ['string', 'null'] }, b: { type: 'integer', minimum: 5, maximum: 6 } },
    };
    const values = Array.from({ length: 200 }, () => sampler.sample(schema, random) as { a: unknown; b?: number });
    expect(values.some((v) => v.a === null)).toBe(true);
    expect(values.some((v) => typeof v.a === 'string')).toBe(true);
    expect(values.some((v) => v.b === undefined)).toBe(true);
    expect(values.every((v) => v.b === undefined || v.b === 5 || v.b === 6)).toBe(true);
  });

  it.each([
    [
      'number bounds, exclusive and multipleOf',
      { type: 'number', exclusiveMinimum: 0, maximum: 1, multipleOf: 0.25 },
      (v: unknown) => typeof v === 'number' && v > 0 && v <= 1 && (v * 4) % 1 === 0,
    ],
    [
      'uniqueItems over a small enum',
      { type: 'array', minItems: 3, maxItems: 3, uniqueItems: true, items: { enum: ['a', 'b', 'c'] } },
      (v: unknown) => Array.isArray(v) && new Set(v).size === 3,
    ],
    ['string lengths', { type: 'string', minLength: 30, maxLength: 31 }, (v: unknown) => typeof v === 'string' && v.length >= 30 && v.length <= 31],
    [
      '__proto__ stays an own property',
      { type: 'object', required: ['__proto__'], properties: { ['__proto__']: { const: 1 } } },
      (v: unknown) => Object.prototype.hasOwnProperty.call(v, '__proto__') && Object.getPrototypeOf(v) === Object.prototype,
    ],
  ])('%s', (_name, schema, ok) => {
    const sampler = createSampler({});
    const random = new Random(9);
    for (let i = 0; i < 200; i++) expect(ok(sampler.sample(schema, random))).toBe(true);
  });
});

describe('regex sampler', () => {
  it.each([
    '^inc_[0-9A-Z]+$',
    '^\\d+\\.\\d{6}$',
    '^[CDG][A-Z0-9]{8,}$',
    '^[A-Za-z0-9_\\-=@,.;]+$',
    '^(private|presence)-',
    '^[^:]+:[0-9a-f]{64}$',
    '^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$',
    '^[1-9][0-9]* (second|minute|hour|day|week)s?$',
    '^\\w+@\\S+$',
    '^(?<year>\\d{4})-\\u0041x{2,3}$',
  ])('/%s/ gives matching strings', (pattern) => {
    const random = new Random(5);
    const re = new RegExp(pattern, 'u');
    for (let i = 0; i < 200; i++) expect(sampleRegex(pattern, random)).toMatch(re);
  });

  it.each(['^(?=a)a$', '^(a)\\1$', '\\bword\\b'])('refuses what it cannot generate: /%s/', (pattern) => {
    expect(() => sampleRegex(pattern, new Random(1))).toThrow(UnsupportedPattern);
  });
});

describe('formats', () => {
  it.each(Object.keys(formats))("%s values pass the validators' own check", (name) => {
    const random = new Random(11);
    const check = (formats as Record<string, (s: string) => boolean>)[name]!;
    for (let i = 0; i < 500; i++) expect(check(sampleFormat(name, random)!)).toBe(true);
  });
});
