/**
 * Transcript matchers: how a recorded server frame is compared with the one the implementation
 * sent. Per field (a JSON pointer, `*` for any array index or map key):
 *   literal (default)  equal values
 *   ignore             not compared
 *   type               same JSON type
 *   regex              a string matching `pattern`
 *   oneOf              one of `values`
 *   captured           any value the first time; the same value wherever the recorded value
 *                      recurs later (ids are consistent, not literal)
 * Defaults come from the contract (date-time / uuid / timestamps / durations → type, ids →
 * captured); conformance/matchers/<api>.json overrides them per API, per message and per
 * transcript.
 */
import type { JsonSchema } from '../../../generator/src/contract/index.ts';
import { ConformError } from './errors.ts';

export type FieldMatcher =
  | { match: 'literal' }
  | { match: 'ignore' }
  | { match: 'type' }
  | { match: 'regex'; pattern: string }
  | { match: 'oneOf'; values: unknown[] }
  | { match: 'captured' };

export type OrderMode = 'strict' | 'key' | 'none';

export interface MatcherSettings {
  order: OrderMode;
  /** Correlation keys (JSON pointers) for order `key`, tried in order. */
  keys: string[];
  /** Tags not matched one by one (heartbeats: their timing is a sequence rule). */
  skip: string[];
  /**
   * Tags a live simulation sends as it goes (order `none`): which of them fall inside one
   * connection, and how many, is the run's. Each recorded one is compared with one of its tag
   * when there is one; fewer (or other ones) is no finding as long as one of these tags arrived.
   */
  periodic?: string[];
  /** tag (or `*`) → pointer pattern → matcher, as written in a matcher file. */
  fields: Record<string, Record<string, FieldMatcher>>;
  /**
   * tag → pointer → matcher implied by the contract (formats, id and time names). They apply
   * only where no written rule governs the pointer or one of its ancestors: a matcher file that
   * says "this message by type only" is not overruled by a default.
   */
  implied?: Record<string, Record<string, FieldMatcher>>;
}

export interface MatcherFile {
  order?: OrderMode;
  keys?: string[];
  skip?: string[];
  periodic?: string[];
  fields?: Record<string, Record<string, FieldMatcher>>;
  /** Transcript name → overrides. */
  transcripts?: Record<string, Omit<MatcherFile, 'transcripts'>>;
}

const MATCHES = new Set(['literal', 'ignore', 'type', 'regex', 'oneOf', 'captured']);

/** Validates a parsed matcher file (untrusted: clear error, never a crash). */
export function parseMatcherFile(value: unknown, where: string): MatcherFile {
  const fail = (m: string): never => {
    throw new ConformError('SW_CONFORM_MATCHERS_INVALID', `${where}: ${m}`);
  };
  const checkPart = (v: unknown, at: string, top: boolean) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${at} must be an object`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!['order', 'keys', 'skip', 'periodic', 'fields', '$schema', 'description', ...(top ? ['transcripts'] : [])].includes(k))
        fail(`${at}: unknown field "${k}"`);
    if (o.order !== undefined && !['strict', 'key', 'none'].includes(o.order as string)) fail(`${at}.order must be strict, key or none`);
    for (const list of ['keys', 'skip', 'periodic'] as const) {
      if (o[list] !== undefined && (!Array.isArray(o[list]) || !(o[list] as unknown[]).every((s) => typeof s === 'string')))
        fail(`${at}.${list} must be an array of strings`);
    }
    if (o.fields !== undefined) {
      if (typeof o.fields !== 'object' || o.fields === null) fail(`${at}.fields must be an object`);
      for (const [tag, byPointer] of Object.entries(o.fields as object)) {
        if (typeof byPointer !== 'object' || byPointer === null) fail(`${at}.fields.${tag} must be an object`);
        for (const [pointer, m] of Object.entries(byPointer as object)) {
          if (pointer !== '' && !pointer.startsWith('/')) fail(`${at}.fields.${tag}: "${pointer}" is not a JSON pointer`);
          const mm = m as Record<string, unknown>;
          if (typeof mm !== 'object' || mm === null || !MATCHES.has(mm.match as string))
            fail(`${at}.fields.${tag}.${pointer}.match must be one of ${[...MATCHES].join(', ')}`);
          if (mm.match === 'regex') {
            if (typeof mm.pattern !== 'string') fail(`${at}.fields.${tag}.${pointer}: regex needs a string pattern`);
            try {
              new RegExp(mm.pattern as string, 'u');
            } catch (e) {
              fail(`${at}.fields.${tag}.${pointer}: bad pattern: ${(e as Error).message}`);
            }
          }
          if (mm.match === 'oneOf' && !Array.isArray(mm.values)) fail(`${at}.fields.${tag}.${pointer}: oneOf needs an array of values`);
        }
      }
    }
  };
  checkPart(value, 'matchers', true);
  const o = value as MatcherFile;
  if (o.transcripts !== undefined) for (const [name, part] of Object.entries(o.transcripts)) checkPart(part, `transcripts.${name}`, false);
  return o;
}

/** Merges settings, later ones winning field by field. */
export function mergeSettings(base: MatcherSettings, ...parts: (Omit<MatcherFile, 'transcripts'> | undefined)[]): MatcherSettings {
  const out: MatcherSettings = {
    order: base.order,
    keys: [...base.keys],
    skip: [...base.skip],
    fields: Object.fromEntries(Object.entries(base.fields).map(([k, v]) => [k, { ...v }])),
    ...(base.implied ? { implied: base.implied } : {}),
    ...(base.periodic ? { periodic: [...base.periodic] } : {}),
  };
  for (const p of parts) {
    if (!p) continue;
    if (p.order) out.order = p.order;
    if (p.keys) out.keys = [...p.keys];
    if (p.skip) out.skip = [...p.skip];
    if (p.periodic) out.periodic = [...p.periodic];
    for (const [tag, byPointer] of Object.entries(p.fields ?? {})) out.fields[tag] = { ...(out.fields[tag] ?? {}), ...byPointer };
  }
  return out;
}

const ID_NAME = /^(id|.+Id|.+_id|.+ID|uuid)$/;
const TIME_NAME = /^(timestamp|ts|time|.+At|.+_at|expires.*)$/;
const VOLATILE_NAME = /^(duration|.+Duration|.*_duration|elapsed.*|latency.*|uptime.*|.+Ms|.+_ms)$/;
const VOLATILE_FORMATS = new Set(['date-time', 'date', 'time', 'uuid']);

/**
 * Field matchers implied by a payload schema: formats and names of fields whose values differ
 * between two correct runs. Walks `$ref`s into `definitions` with a depth bound.
 */
export function defaultFieldMatchers(schema: JsonSchema | undefined, definitions: Record<string, JsonSchema>): Record<string, FieldMatcher> {
  const out: Record<string, FieldMatcher> = {};
  const walk = (s: JsonSchema | undefined, pointer: string, name: string | undefined, depth: number, seen: Set<string>) => {
    if (depth > 12 || typeof s !== 'object' || s === null) return;
    if (typeof s.$ref === 'string') {
      const id = decodeURIComponent(s.$ref.replace(/^#\/definitions\//, ''));
      if (seen.has(id)) return;
      walk(definitions[id], pointer, name, depth + 1, new Set([...seen, id]));
      return;
    }
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const scalar = types.some((t) => t === 'string' || t === 'integer' || t === 'number');
    if (name !== undefined && scalar && out[pointer] === undefined) {
      if (typeof s.format === 'string' && VOLATILE_FORMATS.has(s.format)) out[pointer] = { match: 'type' };
      else if (ID_NAME.test(name) && types.includes('string') && s.enum === undefined && s.const === undefined) out[pointer] = { match: 'captured' };
      else if (TIME_NAME.test(name) || VOLATILE_NAME.test(name)) out[pointer] = { match: 'type' };
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(s[key])) for (const sub of s[key] as JsonSchema[]) walk(sub, pointer, name, depth + 1, seen);
    }
    if (typeof s.properties === 'object' && s.properties !== null) {
      for (const [k, sub] of Object.entries(s.properties as Record<string, JsonSchema>))
        walk(sub, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k, depth + 1, seen);
    }
    if (s.items !== undefined && !Array.isArray(s.items)) walk(s.items as JsonSchema, `${pointer}/*`, name, depth + 1, seen);
  };
  walk(schema, '', undefined, 0, new Set());
  return out;
}

/**
 * The written rule for a concrete pointer, if any: an exact pointer before a pattern, the
 * message's own table before `*`.
 */
export function ruleAt(settings: MatcherSettings, tag: string | null, pointer: string): FieldMatcher | undefined {
  return lookup(tag !== null ? settings.fields[tag] : undefined, pointer) ?? lookup(settings.fields['*'], pointer);
}

function lookup(table: Record<string, FieldMatcher> | undefined, pointer: string): FieldMatcher | undefined {
  if (!table) return undefined;
  const exact = table[pointer];
  if (exact) return exact;
  for (const [pattern, m] of Object.entries(table)) if (pattern.includes('*') && patternMatches(pattern, pointer)) return m;
  return undefined;
}

/**
 * The matcher for a concrete pointer: its written rule, else the contract's implied one, else
 * (inside an open map the schema says nothing about) what the field's name implies, else
 * literal. A written rule on an ancestor is handed down by `compareFrame`, which this does not
 * know about.
 */
export function matcherAt(settings: MatcherSettings, tag: string | null, pointer: string): FieldMatcher {
  const own = ruleAt(settings, tag, pointer) ?? lookup(tag !== null ? settings.implied?.[tag] : undefined, pointer);
  if (own) return own;
  const name = pointer.slice(pointer.lastIndexOf('/') + 1);
  if (pointer !== '' && (TIME_NAME.test(name) || VOLATILE_NAME.test(name))) return { match: 'type' };
  return { match: 'literal' };
}

/**
 * Whether some rule for this message names a pointer strictly below `pointer`: a coarse rule on
 * an ancestor (`"": type`) must not hide a finer one on a descendant (`/code: literal`).
 */
export function hasRuleBelow(settings: MatcherSettings, tag: string | null, pointer: string): boolean {
  const depth = pointer === '' ? 0 : pointer.split('/').length - 1;
  const segments = pointer.split('/');
  for (const table of [tag !== null ? settings.fields[tag] : undefined, settings.fields['*']]) {
    for (const pattern of Object.keys(table ?? {})) {
      const p = pattern.split('/');
      if (p.length - 1 <= depth) continue;
      if (segments.every((seg, i) => i === 0 || p[i] === '*' || p[i] === seg)) return true;
    }
  }
  return false;
}

function patternMatches(pattern: string, pointer: string): boolean {
  const p = pattern.split('/');
  const q = pointer.split('/');
  return p.length === q.length && p.every((seg, i) => seg === '*' || seg === q[i]);
}

export interface Mismatch {
  pointer: string;
  expected: string;
  actual: string;
  matcher: FieldMatcher['match'];
}

/** Ids seen so far in one transcript: recorded value ↔ actual value, both ways. */
export class Captures {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  /** Whether `actual` is consistent with earlier captures of `recorded`; records it when new. */
  bind(recorded: unknown, actual: unknown): { ok: true } | { ok: false; expected: string } {
    const r = JSON.stringify(recorded);
    const a = JSON.stringify(actual);
    const known = this.forward.get(r);
    if (known !== undefined) return known === a ? { ok: true } : { ok: false, expected: `${known} (captured earlier for recorded ${r})` };
    const back = this.backward.get(a);
    if (back !== undefined && back !== r) return { ok: false, expected: `a value other than ${a} (already captured for recorded ${back})` };
    this.forward.set(r, a);
    this.backward.set(a, r);
    return { ok: true };
  }
}

const show = (v: unknown) => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Compares a recorded payload with the actual one under the matchers; at most `limit` mismatches. */
export function compareFrame(recorded: unknown, actual: unknown, tag: string | null, settings: MatcherSettings, captures: Captures, limit = 10): Mismatch[] {
  const out: Mismatch[] = [];
  // The most specific written rule wins: a pointer's own rule, else the nearest ancestor's
  // coarse one (`inherited`), else the contract's default. Below a coarse rule only the
  // pointers that have written rules of their own are looked at, each under its own rule.
  const walk = (r: unknown, a: unknown, pointer: string, depth: number, inherited: FieldMatcher | undefined) => {
    if (out.length >= limit) return;
    const own = ruleAt(settings, tag, pointer);
    const m = own ?? inherited ?? matcherAt(settings, tag, pointer);
    const fail = (expected: string) => out.push({ pointer, expected, actual: show(a), matcher: m.match });
    switch (m.match) {
      case 'ignore':
        break;
      case 'type':
        if (jsonType(r) !== jsonType(a)) fail(`a value of type ${jsonType(r)}`);
        break;
      case 'regex':
        if (typeof a !== 'string' || !new RegExp(m.pattern, 'u').test(a)) fail(`a string matching /${m.pattern}/`);
        break;
      case 'oneOf':
        if (!m.values.some((v) => deepEqual(v, a))) fail(`one of ${show(m.values)}`);
        break;
      case 'captured': {
        if (jsonType(r) !== jsonType(a)) {
          fail(`a value of type ${jsonType(r)} (captured)`);
          break;
        }
        const bound = captures.bind(r, a);
        if (!bound.ok) fail(bound.expected);
        break;
      }
      case 'literal':
        break;
    }
    if (m.match !== 'literal') {
      // Children keep a coarse `type` / `ignore`; a value-level rule (regex, oneOf, captured)
      // already judged the whole value, so children without a rule are not compared again.
      if (hasRuleBelow(settings, tag, pointer) && jsonType(r) === jsonType(a))
        descend(r, a, pointer, depth, m.match === 'type' || m.match === 'ignore' ? m : { match: 'ignore' }, true);
      return;
    }
    if (depth > 64) {
      if (!deepEqual(r, a)) fail(show(r));
      return;
    }
    descend(r, a, pointer, depth, undefined, false);
  };
  /** Compares the children; `coarse`: under an ancestor's coarse rule, only children with rules count. */
  const descend = (r: unknown, a: unknown, pointer: string, depth: number, inherited: FieldMatcher | undefined, coarse: boolean) => {
    if (depth > 64) return;
    if (Array.isArray(r) && Array.isArray(a)) {
      if (r.length !== a.length && !coarse) {
        out.push({ pointer, expected: `an array of ${r.length} items (got ${a.length})`, actual: show(a), matcher: 'literal' });
        return;
      }
      r.forEach((item, i) => {
        if (i < a.length) walk(item, a[i], `${pointer}/${i}`, depth + 1, inherited);
      });
      return;
    }
    if (jsonType(r) === 'object' && jsonType(a) === 'object') {
      const ro = r as Record<string, unknown>;
      const ao = a as Record<string, unknown>;
      for (const k of new Set([...Object.keys(ro), ...Object.keys(ao)])) {
        const child = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const childRule = ruleAt(settings, tag, child);
        // A key present on one side only: a difference unless ignored, or (under a coarse
        // ancestor) unless no rule of its own asks for it.
        const counts = coarse ? childRule !== undefined && childRule.match !== 'ignore' : matcherAt(settings, tag, child).match !== 'ignore';
        if (!Object.hasOwn(ao, k)) {
          if (counts) out.push({ pointer: child, expected: show(ro[k]), actual: '(absent)', matcher: childRule?.match ?? 'literal' });
        } else if (!Object.hasOwn(ro, k)) {
          if (counts) out.push({ pointer: child, expected: '(absent)', actual: show(ao[k]), matcher: childRule?.match ?? 'literal' });
        } else walk(ro[k], ao[k], child, depth + 1, inherited);
        if (out.length >= limit) return;
      }
      return;
    }
    if (!coarse && !deepEqual(r, a)) out.push({ pointer, expected: show(r), actual: show(a), matcher: 'literal' });
  };
  walk(recorded, actual, '', 0, undefined);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
