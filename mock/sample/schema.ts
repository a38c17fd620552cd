import type { Random } from '../../runtime/seeded/index.ts';
import { sampleFormat } from './formats.ts';
import { sampleRegex, UnsupportedPattern } from './regex.ts';

export type JsonSchema = boolean | { [keyword: string]: unknown };
type SchemaObject = { [keyword: string]: unknown };

export interface SamplerOptions {
  /**
   * Past this depth of nesting, optional properties are left out and arrays get their minimum
   * length, so recursive schemas (a reply tree) end.
   */
  maxDepth?: number;
}

/**
 * Values that validate against a JSON Schema (draft-07, the keywords contracts use): `const`,
 * `enum`, `type` (also as a list), objects with required / optional / additional properties,
 * arrays with bounds and `uniqueItems`, strings with lengths, the validators' formats and simple
 * `pattern`s, numbers with bounds and `multipleOf`, `$ref`, `allOf` (merged), `oneOf` / `anyOf`
 * (one branch). Deterministic: the same schema and the same `Random` state give the same value.
 *
 * `root` is what `$ref`s resolve against: the IR's `{ definitions: { <id>: schema } }`.
 */
export function createSampler(root: unknown, options: SamplerOptions = {}) {
  const maxDepth = options.maxDepth ?? 4;

  const resolve = (ref: string): JsonSchema => {
    if (!ref.startsWith('#')) throw new Error(`cannot sample a remote $ref ${ref}`);
    let node: unknown = root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as JsonSchema;
  };

  /** Follows `$ref`s (draft-07: siblings of `$ref` are ignored). */
  const deref = (schema: JsonSchema, seen = 0): JsonSchema => {
    if (typeof schema === 'object' && typeof schema.$ref === 'string') {
      if (seen > 64) throw new Error(`$ref cycle at ${schema.$ref}`);
      return deref(resolve(schema.$ref), seen + 1);
    }
    return schema;
  };

  const sample = (schemaIn: JsonSchema, random: Random, depth: number): unknown => {
    const schema = deref(schemaIn);
    if (schema === true) return random.token(6);
    if (schema === false) throw new Error('no value validates against `false`');
    if ('const' in schema) return structuredClone(schema.const);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return structuredClone(random.pick(schema.enum));
    if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
      const { allOf, ...rest } = schema;
      return sample(mergeAll([rest, ...(allOf as JsonSchema[]).map((s) => deref(s))], deref), random, depth);
    }
    for (const key of ['oneOf', 'anyOf'] as const) {
      const branches = schema[key];
      if (Array.isArray(branches) && branches.length > 0) {
        const { [key]: _, ...rest } = schema;
        return sample(mergeAll([rest, deref(random.pick(branches as JsonSchema[]))], deref), random, depth);
      }
    }
    switch (pickType(schema, random)) {
      case 'null':
        return null;
      case 'boolean':
        return random.next() < 0.5;
      case 'integer':
        return sampleNumber(schema, random, true);
      case 'number':
        return sampleNumber(schema, random, false);
      case 'string':
        return sampleString(schema, random);
      case 'array':
        return sampleArray(schema, random, depth);
      default:
        return sampleObject(schema, random, depth);
    }
  };

  const sampleArray = (schema: SchemaObject, random: Random, depth: number): unknown[] => {
    const min = numberOr(schema.minItems, 0);
    const max = Math.max(min, Math.min(numberOr(schema.maxItems, Infinity), depth >= maxDepth ? min : min + 3));
    const length = random.int(min, max);
    const tuple = Array.isArray(schema.items) ? (schema.items as JsonSchema[]) : undefined;
    const itemSchema = (i: number): JsonSchema => {
      if (tuple) return i < tuple.length ? tuple[i]! : ((schema.additionalItems as JsonSchema | undefined) ?? true);
      return (schema.items as JsonSchema | undefined) ?? true;
    };
    const out: unknown[] = [];
    const seen = new Set<string>();
    let attempts = 0;
    while (out.length < Math.max(length, tuple ? Math.min(tuple.length, max) : 0) && attempts < length * 10 + 20) {
      attempts++;
      const value = sample(itemSchema(out.length), random, depth + 1);
      if (schema.uniqueItems === true) {
        const key = canonical(value);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(value);
    }
    if (schema.contains !== undefined && out.length < numberOr(schema.maxItems, Infinity)) out.push(sample(schema.contains as JsonSchema, random, depth + 1));
    return out;
  };

  const sampleObject = (schema: SchemaObject, random: Random, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const properties = (isObject(schema.properties) ? schema.properties : {}) as Record<string, JsonSchema>;
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    const maxProperties = numberOr(schema.maxProperties, Infinity);
    const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    for (const key of required) put(key, sample(properties[key] ?? additionalSchema(schema), random, depth + 1));
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (required.has(key) || Object.keys(out).length >= maxProperties) continue;
      if (depth >= maxDepth || random.next() < 0.5) continue;
      put(key, sample(propertySchema, random, depth + 1));
    }
    const additional = schema.additionalProperties;
    const open = additional !== false && !isObject(schema.patternProperties) && schema.propertyNames === undefined;
    const minProperties = numberOr(schema.minProperties, 0);
    let extra = 0;
    while (
      open &&
      Object.keys(out).length < Math.min(maxProperties, Math.max(minProperties, Object.keys(out).length + (depth < maxDepth && random.next() < 0.25 ? 1 : 0)))
    ) {
      const key = `x_${random.token(5)}_${extra++}`;
      put(key, sample(isObject(additional) ? (additional as JsonSchema) : { type: 'string', maxLength: 12 }, random, depth + 1));
    }
    return out;
  };

  return {
    /** One value for `schema` (any schema reachable from `root`, or `{ $ref }` into it). */
    sample(schema: JsonSchema, random: Random): unknown {
      return sample(schema, random, 0);
    },
  };
}

function additionalSchema(schema: SchemaObject): JsonSchema {
  return isObject(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : { type: 'string', minLength: 1, maxLength: 12 };
}

const TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'] as const;

function pickType(schema: SchemaObject, random: Random): (typeof TYPES)[number] {
  const declared = Array.isArray(schema.type) ? schema.type : typeof schema.type === 'string' ? [schema.type] : undefined;
  if (declared) {
    const types = declared.filter((t): t is (typeof TYPES)[number] => (TYPES as readonly string[]).includes(String(t)));
    // Nullable fields mostly carry their value: null is one choice in four.
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length === 0) return 'null';
    if (types.includes('null') && random.next() < 0.25) return 'null';
    return random.pick(nonNull);
  }
  if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) return 'object';
  if ('items' in schema || 'minItems' in schema || 'maxItems' in schema) return 'array';
  if ('pattern' in schema || 'format' in schema || 'minLength' in schema || 'maxLength' in schema) return 'string';
  if ('minimum' in schema || 'maximum' in schema || 'multipleOf' in schema) return 'number';
  return 'string';
}

function sampleNumber(schema: SchemaObject, random: Random, integer: boolean): number {
  const exMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const exMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  // A small step keeps exclusive bounds exclusive for non-integers.
  const step = integer ? 1 : 0.001;
  let lo = Math.max(min ?? -Infinity, exMin !== undefined ? exMin + step : -Infinity);
  let hi = Math.min(max ?? Infinity, exMax !== undefined ? exMax - step : Infinity);
  if (lo === -Infinity && hi === Infinity) [lo, hi] = [0, 1000];
  else if (lo === -Infinity) lo = hi - 1000;
  else if (hi === Infinity) hi = lo + 1000;
  const multipleOf = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (multipleOf !== undefined) {
    const k = random.int(Math.ceil(lo / multipleOf), Math.floor(hi / multipleOf));
    const decimals = (String(multipleOf).split('.')[1] ?? '').length;
    return Number((k * multipleOf).toFixed(decimals));
  }
  if (integer) return random.int(Math.ceil(lo), Math.floor(hi));
  const value = Math.round((lo + random.next() * (hi - lo)) * 1000) / 1000;
  return Math.min(hi, Math.max(lo, value));
}

function sampleString(schema: SchemaObject, random: Random): string {
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, Infinity);
  const fits = (s: string) => [...s].length >= minLength && [...s].length <= maxLength;
  if (typeof schema.pattern === 'string') {
    const pattern = schema.pattern;
    // A pattern without an end anchor matches longer strings too: pad those that are too short.
    const padTo = (s: string) => (/\$\)*$/.test(pattern) || [...s].length >= minLength ? s : s + random.token(minLength - [...s].length));
    try {
      return padTo(sampleRegex(pattern, random, (s) => fits(padTo(s))));
    } catch (e) {
      if (!(e instanceof UnsupportedPattern)) throw e;
      // Fall through: a plain string, which the caller's validation will catch.
    }
  }
  if (typeof schema.format === 'string') {
    const value = sampleFormat(schema.format, random);
    if (value !== undefined && fits(value)) return value;
  }
  if (schema.contentMediaType === 'application/json' && fits('{}')) return '{}';
  const upper = Math.min(maxLength, Math.max(minLength, 1) + 11);
  return random.token(random.int(Math.min(Math.max(minLength, 1), upper), upper));
}

/** Merges `allOf` branches (and a chosen `oneOf` branch) into one schema to sample from. */
function mergeAll(parts: JsonSchema[], deref: (s: JsonSchema) => JsonSchema): JsonSchema {
  let out: SchemaObject = {};
  for (const part of parts) {
    if (part === true) continue;
    if (part === false) return false;
    out = merge(out, part, deref);
  }
  return out;
}

function merge(a: SchemaObject, b: SchemaObject, deref: (s: JsonSchema) => JsonSchema): SchemaObject {
  const out: SchemaObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    if (current === undefined) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case 'properties': {
        const props = { ...(current as Record<string, JsonSchema>) };
        for (const [name, schema] of Object.entries(value as Record<string, JsonSchema>)) {
          props[name] = props[name] === undefined ? schema : mergeAll([deref(props[name]!), deref(schema)], deref);
        }
        out.properties = props;
        break;
      }
      case 'required':
        out.required = [...new Set([...(current as string[]), ...(value as string[])])];
        break;
      case 'type': {
        const left = Array.isArray(current) ? current : [current];
        const right = Array.isArray(value) ? value : [value];
        const both = left.filter((t) => right.includes(t) || (t === 'integer' && right.includes('number')));
        for (const t of right) if (t === 'integer' && left.includes('number') && !both.includes('integer')) both.push('integer');
        out.type = both.length === 1 ? both[0] : both;
        break;
      }
      case 'additionalProperties':
        // A closed branch admits only its own properties: the others are dropped below.
        if (value === false || current === false) out.additionalProperties = false;
        break;
      case 'minimum':
      case 'minLength':
      case 'minItems':
      case 'exclusiveMinimum':
      case 'minProperties':
        out[key] = Math.max(current as number, value as number);
        break;
      case 'maximum':
      case 'maxLength':
      case 'maxItems':
      case 'exclusiveMaximum':
      case 'maxProperties':
        out[key] = Math.min(current as number, value as number);
        break;
      case 'allOf':
      case 'oneOf':
      case 'anyOf':
        out.allOf = [...((out.allOf as JsonSchema[] | undefined) ?? []), { [key]: current }, { [key]: value }];
        if (key !== 'allOf') delete out[key];
        break;
      default:
        out[key] = value;
    }
  }
  if (out.additionalProperties === false) {
    // Only properties every closed branch declares survive.
    const closed = [a, b].filter((s) => s.additionalProperties === false && isObject(s.properties));
    const allowed = closed.reduce<Set<string> | undefined>((set, s) => {
      const names = Object.keys(s.properties as object);
      return set ? new Set([...set].filter((n) => names.includes(n))) : new Set(names);
    }, undefined);
    if (allowed && isObject(out.properties)) {
      out.properties = Object.fromEntries(Object.entries(out.properties as object).filter(([n]) => allowed.has(n)));
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** JSON with sorted keys, for `uniqueItems`. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
