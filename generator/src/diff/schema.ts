import { isRecord, toPointer, type PathSegment } from '../load/pointer.ts';
import type { JsonSchema } from '../ir/types.ts';
import type { Effect } from './types.ts';

/** One difference between two schemas, before it is judged for a direction. */
export interface SchemaFinding {
  rule: string;
  effect: Effect;
  /** JSON pointer within the schema, refs followed (`/properties/items/items/properties/id`). */
  at: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** Looks up `#/definitions/<id>` in one document's IR. */
export type Resolve = (ref: string) => JsonSchema | undefined;

// Keywords that say nothing about which values are valid.
const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'example',
  'default',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  'x-sw-tag',
  '$id',
  '$schema',
]);
// Upper bounds: a lower number admits fewer values. Lower bounds the other way round.
const UPPER = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const;
const LOWER = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const;
const HANDLED = new Set<string>([
  ...ANNOTATIONS,
  ...UPPER,
  ...LOWER,
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'pattern',
  'format',
  'oneOf',
  'anyOf',
  'allOf',
  'nullable',
  'uniqueItems',
  'multipleOf',
]);

type Schema = Record<string, unknown>;

/**
 * Compares two JSON Schemas keyword by keyword, following `$ref`s into each side's definitions.
 * Conservative: whatever it cannot place as narrowing or widening is `unknown`, never silence.
 */
export function diffSchemas(before: JsonSchema, after: JsonSchema, resolveBefore: Resolve, resolveAfter: Resolve): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const seen = new Set<string>();
  const add = (path: PathSegment[], rule: string, effect: Effect, summary: string, b?: unknown, a?: unknown) =>
    findings.push({ rule, effect, at: toPointer(path), summary, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) });

  const deref = (s: JsonSchema, resolve: Resolve, trail: string[]): JsonSchema => {
    let current = s;
    for (let i = 0; i < 32 && isRecord(current) && typeof current.$ref === 'string'; i++) {
      trail.push(current.$ref);
      const target = resolve(current.$ref);
      if (target === undefined) return current;
      // Siblings of $ref (rare in the IR) stay with the resolved schema.
      const { $ref: _, ...siblings } = current;
      current = isRecord(target) && Object.keys(siblings).length ? { ...target, ...siblings } : target;
    }
    return current;
  };

  const walk = (b0: JsonSchema, a0: JsonSchema, path: PathSegment[]): void => {
    const trailB: string[] = [];
    const trailA: string[] = [];
    const b = deref(b0, resolveBefore, trailB);
    const a = deref(a0, resolveAfter, trailA);
    // Recursive schemas: a pair of refs already being compared is not compared again.
    if (trailB.length || trailA.length) {
      const key = `${trailB.join(',')}|${trailA.join(',')}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (b === a) return;
    if (typeof b === 'boolean' || typeof a === 'boolean') {
      const tb = b === true || (isRecord(b) && Object.keys(b).every((k) => ANNOTATIONS.has(k)));
      const ta = a === true || (isRecord(a) && Object.keys(a).every((k) => ANNOTATIONS.has(k)));
      if (tb === ta && (b === false) === (a === false)) return;
      if (a === false || tb) add(path, 'schema.constrained', 'narrows', 'schema now constrains what was unconstrained', b, a);
      else add(path, 'schema.unconstrained', 'widens', 'schema no longer constrains the value', b, a);
      return;
    }
    compareObjects(b, a, path);
  };

  const compareObjects = (b: Schema, a: Schema, path: PathSegment[]) => {
    compareTypes(b, a, path);
    compareEnum(b, a, path);
    compareConst(b, a, path);
    for (const k of UPPER) compareBound(b, a, path, k, 'upper');
    for (const k of LOWER) compareBound(b, a, path, k, 'lower');
    for (const k of ['pattern', 'format', 'multipleOf'] as const) compareOpaque(b, a, path, k);
    if (b.uniqueItems !== a.uniqueItems) {
      add(
        [...path, 'uniqueItems'],
        'schema.unique-items-changed',
        a.uniqueItems === true ? 'narrows' : 'widens',
        `uniqueItems ${String(b.uniqueItems ?? false)} → ${String(a.uniqueItems ?? false)}`,
        b.uniqueItems,
        a.uniqueItems,
      );
    }
    compareProperties(b, a, path);
    if (b.items !== undefined || a.items !== undefined) {
      if (b.items === undefined) add([...path, 'items'], 'schema.items-constrained', 'narrows', 'array items now have a schema');
      else if (a.items === undefined) add([...path, 'items'], 'schema.items-unconstrained', 'widens', 'array items no longer have a schema');
      else walk(b.items as JsonSchema, a.items as JsonSchema, [...path, 'items']);
    }
    for (const k of ['oneOf', 'anyOf', 'allOf'] as const) compareComposition(b, a, path, k);
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (HANDLED.has(k) || k.startsWith('x-')) continue;
      if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) add([...path, k], 'schema.keyword-changed', 'unknown', `keyword ${k} changed`, b[k], a[k]);
    }
  };

  const typesOf = (s: Schema): Set<string> | undefined => {
    const t = s.type;
    const set = t === undefined ? undefined : new Set(Array.isArray(t) ? t.map(String) : [String(t)]);
    if (set && s.nullable === true) set.add('null');
    return set;
  };
  const compareTypes = (b: Schema, a: Schema, path: PathSegment[]) => {
    const tb = typesOf(b);
    const ta = typesOf(a);
    if (tb === undefined && ta === undefined) return;
    if (tb === undefined) return add([...path, 'type'], 'schema.type-narrowed', 'narrows', `type now ${[...ta!].join(' | ')}`, undefined, a.type);
    if (ta === undefined) return add([...path, 'type'], 'schema.type-widened', 'widens', 'type no longer restricted', b.type);
    // integer ⊂ number
    const covers = (set: Set<string>, t: string) => set.has(t) || (t === 'integer' && set.has('number'));
    const lost = [...tb].filter((t) => !covers(ta, t));
    const gained = [...ta].filter((t) => !covers(tb, t));
    if (!lost.length && !gained.length) return;
    const effect: Effect = lost.length && gained.length ? 'changes' : lost.length ? 'narrows' : 'widens';
    const rule = effect === 'changes' ? 'schema.type-changed' : effect === 'narrows' ? 'schema.type-narrowed' : 'schema.type-widened';
    add([...path, 'type'], rule, effect, `type ${[...tb].join(' | ')} → ${[...ta].join(' | ')}`, b.type, a.type);
  };

  const compareEnum = (b: Schema, a: Schema, path: PathSegment[]) => {
    const eb = Array.isArray(b.enum) ? b.enum.map((v) => JSON.stringify(v)) : undefined;
    const ea = Array.isArray(a.enum) ? a.enum.map((v) => JSON.stringify(v)) : undefined;
    if (eb === undefined && ea === undefined) return;
    if (eb === undefined) return add([...path, 'enum'], 'schema.enum-added', 'narrows', `values now limited to ${ea!.join(', ')}`, undefined, a.enum);
    if (ea === undefined) return add([...path, 'enum'], 'schema.enum-removed', 'widens', 'values no longer limited to an enum', b.enum);
    const removed = eb.filter((v) => !ea.includes(v));
    const added = ea.filter((v) => !eb.includes(v));
    if (removed.length)
      add(
        [...path, 'enum'],
        'schema.enum-value-removed',
        'narrows',
        `enum value${removed.length > 1 ? 's' : ''} ${removed.join(', ')} removed`,
        removed.map((v) => JSON.parse(v)),
      );
    if (added.length)
      add(
        [...path, 'enum'],
        'schema.enum-value-added',
        'widens',
        `enum value${added.length > 1 ? 's' : ''} ${added.join(', ')} added`,
        undefined,
        added.map((v) => JSON.parse(v)),
      );
  };

  const compareConst = (b: Schema, a: Schema, path: PathSegment[]) => {
    if (!('const' in b) && !('const' in a)) return;
    if (JSON.stringify(b.const) === JSON.stringify(a.const) && 'const' in b === 'const' in a) return;
    if (!('const' in b)) add([...path, 'const'], 'schema.const-added', 'narrows', `value now fixed to ${JSON.stringify(a.const)}`, undefined, a.const);
    else if (!('const' in a)) add([...path, 'const'], 'schema.const-removed', 'widens', `value no longer fixed to ${JSON.stringify(b.const)}`, b.const);
    else add([...path, 'const'], 'schema.const-changed', 'changes', `value ${JSON.stringify(b.const)} → ${JSON.stringify(a.const)}`, b.const, a.const);
  };

  const compareBound = (b: Schema, a: Schema, path: PathSegment[], k: string, kind: 'upper' | 'lower') => {
    const vb = typeof b[k] === 'number' ? (b[k] as number) : undefined;
    const va = typeof a[k] === 'number' ? (a[k] as number) : undefined;
    if (vb === va) return;
    let effect: Effect;
    if (vb === undefined) effect = 'narrows';
    else if (va === undefined) effect = 'widens';
    else effect = (kind === 'upper' ? va < vb : va > vb) ? 'narrows' : 'widens';
    add([...path, k], effect === 'narrows' ? 'schema.bound-tightened' : 'schema.bound-relaxed', effect, `${k} ${vb ?? 'none'} → ${va ?? 'none'}`, vb, va);
  };

  const compareOpaque = (b: Schema, a: Schema, path: PathSegment[], k: string) => {
    if (b[k] === a[k]) return;
    if (b[k] === undefined) add([...path, k], `schema.${k}-added`, 'narrows', `${k} ${JSON.stringify(a[k])} added`, undefined, a[k]);
    else if (a[k] === undefined) add([...path, k], `schema.${k}-removed`, 'widens', `${k} ${JSON.stringify(b[k])} removed`, b[k]);
    // Two patterns or formats cannot be compared as sets of strings without solving regexes.
    else add([...path, k], `schema.${k}-changed`, 'unknown', `${k} ${JSON.stringify(b[k])} → ${JSON.stringify(a[k])}`, b[k], a[k]);
  };

  const closed = (s: Schema) => s.additionalProperties === false;
  const compareProperties = (b: Schema, a: Schema, path: PathSegment[]) => {
    const pb = isRecord(b.properties) ? b.properties : {};
    const pa = isRecord(a.properties) ? a.properties : {};
    const rb = new Set(Array.isArray(b.required) ? b.required.map(String) : []);
    const ra = new Set(Array.isArray(a.required) ? a.required.map(String) : []);
    const names = [...new Set([...Object.keys(pb), ...Object.keys(pa), ...rb, ...ra])].sort();
    for (const name of names) {
      const at = [...path, 'properties', name];
      const inB = Object.hasOwn(pb, name);
      const inA = Object.hasOwn(pa, name);
      if (inB && !inA) {
        // Readers of the old shape may read it; writers of the old shape may still send it.
        add(at, 'schema.property-removed', closed(a) ? 'changes' : 'widens', `property ${name}${rb.has(name) ? ' (required)' : ''} removed`);
        continue;
      }
      if (!inB && inA) {
        if (ra.has(name)) add(at, 'schema.required-property-added', closed(b) ? 'changes' : 'narrows', `required property ${name} added`);
        else add(at, 'schema.optional-property-added', closed(b) ? 'widens' : 'neutral', `optional property ${name} added`);
        continue;
      }
      if (rb.has(name) !== ra.has(name)) {
        if (ra.has(name)) add(at, 'schema.property-now-required', 'narrows', `property ${name} is now required`);
        else add(at, 'schema.property-now-optional', 'widens', `property ${name} is now optional`);
      }
      if (inB && inA) walk(pb[name] as JsonSchema, pa[name] as JsonSchema, at);
    }
    const ab = b.additionalProperties;
    const aa = a.additionalProperties;
    if (JSON.stringify(ab) === JSON.stringify(aa)) return;
    const open = (v: unknown) => v === undefined || v === true;
    const at = [...path, 'additionalProperties'];
    if (open(ab) && open(aa)) return;
    if (isRecord(ab) && isRecord(aa)) return walk(ab, aa, at);
    if (aa === false || open(ab)) add(at, 'schema.additional-properties-restricted', 'narrows', 'unknown properties now restricted', ab, aa);
    else add(at, 'schema.additional-properties-allowed', 'widens', 'unknown properties now allowed', ab, aa);
  };

  const compareComposition = (b: Schema, a: Schema, path: PathSegment[], k: 'oneOf' | 'anyOf' | 'allOf') => {
    const lb = Array.isArray(b[k]) ? (b[k] as JsonSchema[]) : [];
    const la = Array.isArray(a[k]) ? (a[k] as JsonSchema[]) : [];
    if (!lb.length && !la.length) return;
    const keyOf = (s: JsonSchema) => JSON.stringify(s);
    const kb = lb.map(keyOf);
    const ka = la.map(keyOf);
    const removed = lb.filter((_, i) => !ka.includes(kb[i]!));
    const added = la.filter((_, i) => !kb.includes(ka[i]!));
    if (removed.length === 1 && added.length === 1) {
      // One member edited in place: compare it.
      return walk(removed[0]!, added[0]!, [...path, k, lb.indexOf(removed[0]!)]);
    }
    // allOf members are all applied: adding one narrows; a oneOf/anyOf alternative widens.
    const more: Effect = k === 'allOf' ? 'narrows' : 'widens';
    const fewer: Effect = k === 'allOf' ? 'widens' : 'narrows';
    if (removed.length)
      add([...path, k], `schema.${k}-member-removed`, removed.length && added.length ? 'unknown' : fewer, `${removed.length} ${k} member(s) removed`);
    if (added.length) add([...path, k], `schema.${k}-member-added`, removed.length && added.length ? 'unknown' : more, `${added.length} ${k} member(s) added`);
  };

  walk(before, after, []);
  return findings;
}
