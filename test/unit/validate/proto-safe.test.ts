import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { protoSafeSchema } from '../../../generator/src/validate/proto-safe.ts';

const withProto = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"a":{"type":"number"}},"additionalProperties":false}') as Record<
  string,
  unknown
>;

describe('protoSafeSchema', () => {
  it('returns the very same schema when no property is named __proto__', () => {
    const s = { type: 'object', properties: { a: { type: 'string' } }, items: [{ type: 'number' }] };
    expect(protoSafeSchema(s)).toBe(s);
  });

  it('moves a __proto__ property to an exact patternProperties entry, as own properties, without touching the input', () => {
    const before = JSON.stringify(withProto);
    const out = protoSafeSchema(withProto);
    expect(JSON.stringify(withProto)).toBe(before);
    expect(Object.keys(out.properties as object)).toEqual(['a']);
    const patterns = out.patternProperties as Record<string, unknown>;
    expect(Object.keys(patterns)).toEqual(['^__proto__$']);
    expect(patterns['^__proto__$']).toEqual({ type: 'string' });
  });

  it('ajv then applies the subschema to a __proto__ property and accepts a valid one', () => {
    const validate = new Ajv().compile(protoSafeSchema(withProto));
    expect(validate(JSON.parse('{"__proto__":"ok","a":1}'))).toBe(true);
    expect(validate(JSON.parse('{"__proto__":5,"a":1}'))).toBe(false);
  });

  it('an existing exact pattern keeps applying beside the moved subschema', () => {
    const s = JSON.parse('{"properties":{"__proto__":{"minLength":2}},"patternProperties":{"^__proto__$":{"maxLength":3}}}') as Record<string, unknown>;
    expect((protoSafeSchema(s).patternProperties as Record<string, unknown>)['^__proto__$']).toEqual({ allOf: [{ maxLength: 3 }, { minLength: 2 }] });
  });

  it('rewrites nested schemas but not data keywords', () => {
    const nested = JSON.parse('{"items":{"properties":{"__proto__":{}}},"const":{"properties":{"__proto__":1}}}') as Record<string, unknown>;
    const out = protoSafeSchema(nested);
    expect((out.items as Record<string, unknown>).patternProperties).toBeDefined();
    expect(out.const).toBe(nested.const);
  });
});
