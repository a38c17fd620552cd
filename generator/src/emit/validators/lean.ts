import type { JsonSchema } from '../../ir/types.ts';
import { ident, jsLiteral, tsString } from '../../render/escape.ts';
import { knownValues } from './shapes.ts';

/**
 * The lean validator emitter: plain code for the schemas most contracts are made of (objects with
 * known keys, scalar leaves with enum / const / format / length / range, arrays, `$ref`s to
 * definitions). Everything else stays with ajv's standalone code, which is also the oracle the
 * differential test compares these validators with.
 *
 * Two functions per definition, from the same walk of its schema:
 * - the verdict, `_is<Type>(d) => boolean`, the hot path: it returns `false` at the first failure
 *   and builds nothing, so a valid frame allocates no error. It carries no error-building code,
 *   which keeps it small enough for V8 to inline the verdicts it calls: a frame of the bench's
 *   typical message validates ~7% faster than through one function that does both (0.70 → 0.75
 *   of JSON.parse), for ~40% more bytes in a channel module;
 * - the explanation, `_lean<Type>(d, e, p) => boolean`, run only on a value the verdict rejected:
 *   it collects every error into `e` as ajv would with `allErrors` (same keywords, order, messages
 *   and pointers: `p` is the pointer of `d`). The keyword order follows ajv's rule groups: the type
 *   (when checked up front), then `$ref`, `const`, `enum`, then the number, string, array and
 *   object keywords, each guarded by its type.
 *
 * Warnings are folded into the verdict's pass: where the shape table (`shapes.ts`, walked by the
 * prelude's `drift`) would report an unknown property or value, the verdict sets `warned$.n`;
 * `checkLean` words the warnings (a second walk) only for a valid value that raised it. The flag
 * may be raised where `drift` then finds nothing (never the reverse): it follows the same rules —
 * a `$ref`'s siblings and an open map's values are not walked, a known-value list applies to any
 * string, declared properties of an object without `additionalProperties` are the known keys.
 */

/** Keywords this emitter implements; any other keyword ajv knows sends the schema to ajv. */
const SUPPORTED = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'format',
  'maxItems',
  'minItems',
  'items',
  'uniqueItems',
  'required',
  'properties',
  'additionalProperties',
  '$comment',
]);
/** Keywords ajv does not list as rules but that change what a schema means. */
const UNSUPPORTED_ANYWAY = new Set([
  '$id',
  'id',
  '$schema',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
  '$async',
  'discriminator',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

export interface LeanOptions {
  /** Every keyword the oracle ajv instance implements (`Object.keys(ajv.RULES.all)`). */
  ajvKeywords: ReadonlySet<string>;
  /** The format checks the prelude defines (others are ignored, as ajv ignores unknown formats). */
  formats: ReadonlySet<string>;
  /** ajv's `ownProperties`: presence means an own property, extra keys are `Object.keys`. */
  ownProperties: boolean;
}

export interface LeanPlan {
  /** Whether a definition (and everything it references) is validated by lean code. */
  covers(id: string): boolean;
  /** The name of a covered definition's explaining function, `(data, errors, pointer)`. */
  functionName(id: string): string;
  /** The name of a covered definition's verdict function, `(data) => boolean`. */
  verdictName(id: string): string;
  /** The functions of the given covered definitions (verdict and explanation, in the given order). */
  code(ids: readonly string[]): string;
  /** Only their verdict functions (what `generate` runs to check examples). */
  verdictCode(ids: readonly string[]): string;
  /** Every covered definition a covered definition references, itself included, in a stable order. */
  closure(id: string): string[];
}

export function planLean(definitions: ReadonlyMap<string, { schema: JsonSchema; typeName: string }>, options: LeanOptions): LeanPlan {
  const definitionOf = (ref: unknown): string | undefined => {
    const m = typeof ref === 'string' ? /^#\/definitions\/(.+)$/.exec(ref) : null;
    return m && definitions.has(m[1]!) ? m[1]! : undefined;
  };

  // A definition is covered when its own schema is supported and every definition it references
  // is covered; cycles count as covered while they are being decided.
  const verdicts = new Map<string, boolean>();
  const covers = (id: string): boolean => {
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    verdicts.set(id, true);
    const ok = refsOf(id) !== undefined && refsOf(id)!.every(covers);
    verdicts.set(id, ok);
    return ok;
  };

  // The definitions a definition's schema references, or undefined when the schema is not supported:
  // computed once each (closures and coverage ask for them over and over on a large API).
  const refsById = new Map<string, string[] | undefined>();
  const refsOf = (id: string): string[] | undefined => {
    if (!refsById.has(id)) {
      const refs: string[] = [];
      refsById.set(id, supported(definitions.get(id)!.schema, refs) ? refs : undefined);
    }
    return refsById.get(id);
  };

  const supported = (s: JsonSchema, refs: string[]): boolean => {
    if (s === true) return true;
    if (s === false || typeof s !== 'object' || s === null || Array.isArray(s)) return false;
    for (const key of Object.keys(s)) {
      if (UNSUPPORTED_ANYWAY.has(key)) return false;
      if (options.ajvKeywords.has(key) && !SUPPORTED.has(key)) return false;
    }
    if (s.$ref !== undefined) {
      const id = definitionOf(s.$ref);
      if (id === undefined) return false;
      refs.push(id);
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.length === 0 || !types.every((t) => typeof t === 'string' && TYPES.has(t)) || new Set(types).size !== types.length) return false;
    }
    for (const k of ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum'] as const) {
      if (s[k] !== undefined && !(typeof s[k] === 'number' && Number.isFinite(s[k]))) return false;
    }
    for (const k of ['maxLength', 'minLength', 'maxItems', 'minItems'] as const) {
      if (s[k] !== undefined && !(Number.isSafeInteger(s[k]) && (s[k] as number) >= 0)) return false;
    }
    if (s.format !== undefined && typeof s.format !== 'string') return false;
    if (s.uniqueItems !== undefined && typeof s.uniqueItems !== 'boolean') return false;
    if (s.enum !== undefined && (!Array.isArray(s.enum) || s.enum.length === 0)) return false;
    if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string' && r !== '__proto__'))) return false;
    if (s.properties !== undefined) {
      if (!isRecord(s.properties) || Object.hasOwn(s.properties, '__proto__')) return false;
      if (!Object.values(s.properties).every((sub) => supported(sub as JsonSchema, refs))) return false;
    }
    if (s.additionalProperties !== undefined && s.additionalProperties !== false && !supported(s.additionalProperties as JsonSchema, refs)) return false;
    if (s.items !== undefined && (Array.isArray(s.items) || !supported(s.items as JsonSchema, refs))) return false;
    return true;
  };

  const functionName = (id: string) => `_lean${ident(definitions.get(id)!.typeName)}`;
  const verdictName = (id: string) => `_is${ident(definitions.get(id)!.typeName)}`;

  const closure = (id: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (d: string) => {
      if (seen.has(d)) return;
      seen.add(d);
      for (const r of refsOf(d) ?? []) visit(r);
      out.push(d);
    };
    visit(id);
    return out;
  };

  // Each definition's two functions, written once (`generate` runs the verdicts to check examples,
  // then writes both into the modules).
  const texts = new Map<string, { verdict: string; explain: string }>();
  const textsOf = (id: string) => {
    let t = texts.get(id);
    if (t === undefined) {
      if (!covers(id)) throw new Error(`not covered by the lean emitter: ${id}`);
      const schema = definitions.get(id)!.schema;
      const verdict = new Body(options, (ref) => verdictName(definitionOf(ref)!), true);
      verdict.schema(schema, 'd', '', '  ', true);
      // The explanation runs only on a rejected value, where the warnings flag does not matter.
      const explain = new Body(options, (ref) => functionName(definitionOf(ref)!), false);
      explain.schema(schema, 'd', 'p', '  ', false);
      t = {
        verdict: `function ${verdictName(id)}(d) {\n${verdict.lines.join('\n')}\n  return true;\n}`,
        explain: `function ${functionName(id)}(d, e, p) {\n  let ok = true;\n${explain.lines.join('\n')}\n  return ok;\n}`,
      };
      texts.set(id, t);
    }
    return t;
  };
  const code = (ids: readonly string[]) => ids.map((id) => `${textsOf(id).verdict}\n\n${textsOf(id).explain}`).join('\n\n');
  const verdictCode = (ids: readonly string[]) => ids.map((id) => textsOf(id).verdict).join('\n\n');

  return { covers, functionName, verdictName, code, verdictCode, closure };
}

/** The statements of one definition's verdict (`verdict`: return false at the first failure) or explanation (collect every error). */
class Body {
  readonly lines: string[] = [];
  private counter = 0;

  constructor(
    private readonly options: LeanOptions,
    private readonly refName: (ref: string) => string,
    private readonly verdict: boolean,
  ) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** Report an error: return at once in the verdict, collect it when explaining. */
  private fail(indent: string, pointer: string, keyword: string, message: string) {
    this.lines.push(`${indent}${this.failCode(pointer, keyword, message)}`);
  }

  private failCode(pointer: string, keyword: string, message: string): string {
    if (this.verdict) return 'return false;';
    // The two commonest errors build their message at run time (it is the same text): less code to load.
    // For `type`, `message` is the list of types: type$ words it as ajv does.
    if (keyword === 'type') return `ok = type$(e, ${pointer}, ${message});`;
    return `ok = fail$(e, ${pointer}, ${tsString(keyword)}, ${message});`;
  }

  /** `if (!(test)) <report>` on one line: most of the code is these, and import time is mostly bytes. */
  private check(indent: string, test: string, pointer: string, keyword: string, message: string) {
    this.lines.push(`${indent}if (!(${test})) ${this.verdict ? 'return false;' : `{ ${this.failCode(pointer, keyword, message)} }`}`);
  }

  /** A call of a referenced definition's function on `x` (at pointer `ptr`): its verdict, or its errors collected. */
  private refCall(ref: string, x: string, ptr: string): string {
    return this.verdict ? `${this.refName(ref)}(${x})` : `${this.refName(ref)}(${x}, e, ${ptr})`;
  }

  /** What follows a failed referenced definition. */
  private get refFailed(): string {
    return this.verdict ? 'return false;' : 'ok = false;';
  }

  /**
   * Statements validating `x` (an identifier) against `s`; `ptr` is code for its pointer. `warn`:
   * whether the warnings walk reaches this schema (not under a `$ref`'s siblings or an open map).
   */
  schema(s: JsonSchema, x: string, ptr: string, ind: string, warn: boolean): void {
    if (s === true || typeof s !== 'object') return;
    // The shape of a schema with a `$ref` is its target's (whose own function flags warnings).
    const w = warn && typeof s.$ref !== 'string';
    const types = s.type === undefined ? [] : ((Array.isArray(s.type) ? s.type : [s.type]) as string[]);
    const uses = {
      number: ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum'].some((k) => s[k] !== undefined) || false,
      string: ['maxLength', 'minLength', 'format'].some((k) => s[k] !== undefined),
      array: ['maxItems', 'minItems', 'items', 'uniqueItems'].some((k) => s[k] !== undefined),
      object: ['required', 'additionalProperties', 'properties'].some((k) => s[k] !== undefined),
    };
    // ajv checks the type up front unless it is one type whose keyword group the schema uses
    // (then the type error comes at that group's turn); `integer` has no group of its own.
    const single = types.length === 1 ? types[0]! : undefined;
    const deferred = single !== undefined && single in uses && uses[single as keyof typeof uses];
    const typeMessage = tsString(types.join(','));
    if (types.length > 0 && !deferred) {
      this.check(ind, `${types.map((t) => typeTest(t, x)).join(' || ')}`, ptr, 'type', typeMessage);
    }
    if (typeof s.$ref === 'string') {
      this.lines.push(`${ind}if (!${this.refCall(s.$ref, x, ptr)}) ${this.refFailed}`);
    }
    if (s.const !== undefined) {
      this.check(ind, `${equalTest(x, s.const)}`, ptr, 'const', tsString('must be equal to constant'));
    }
    if (Array.isArray(s.enum)) {
      this.check(ind, `${s.enum.map((v) => equalTest(x, v)).join(' || ')}`, ptr, 'enum', tsString('must be equal to one of the allowed values'));
    }
    const group = (type: keyof typeof uses, emit: (inner: string) => void) => {
      if (!uses[type]) return;
      this.lines.push(`${ind}if (${groupTest(type, x)}) {`);
      emit(ind + '  ');
      if (deferred && single === type) {
        this.lines.push(`${ind}} else {`);
        this.fail(ind + '  ', ptr, 'type', typeMessage);
      }
      this.lines.push(`${ind}}`);
    };
    group('number', (i) => {
      const bound = (k: string, op: string, word: string) => {
        if (s[k] === undefined) return;
        const n = jsLiteral(s[k]);
        this.check(i, `${x} ${op} ${n}`, ptr, k, tsString(`must be ${word} ${n}`));
      };
      bound('maximum', '<=', '<=');
      bound('minimum', '>=', '>=');
      bound('exclusiveMaximum', '<', '<');
      bound('exclusiveMinimum', '>', '>');
    });
    group('string', (i) => {
      // UTF-16 length first: code points are never more than code units, and at least half.
      if (s.maxLength !== undefined) {
        const n = s.maxLength as number;
        this.check(i, `${x}.length <= ${n} || ucs2length(${x}) <= ${n}`, ptr, 'maxLength', tsString(`must NOT have more than ${n} characters`));
      }
      if (s.minLength !== undefined) {
        const n = s.minLength as number;
        if (n > 0) {
          // A non-empty string has at least one code point.
          const test = n === 1 ? `${x}.length !== 0` : `${x}.length >= ${2 * n} || (${x}.length >= ${n} && ucs2length(${x}) >= ${n})`;
          this.check(i, test, ptr, 'minLength', tsString(`must NOT have fewer than ${n} characters`));
        }
      }
      if (typeof s.format === 'string' && this.options.formats.has(s.format)) {
        this.check(i, `formats[${tsString(s.format)}](${x})`, ptr, 'format', tsString(`must match format "${s.format}"`));
      }
    });
    group('array', (i) => {
      if (s.maxItems !== undefined) {
        const n = s.maxItems as number;
        this.check(i, `${x}.length <= ${n}`, ptr, 'maxItems', tsString(`must NOT have more than ${n} items`));
      }
      if (s.minItems !== undefined) {
        const n = s.minItems as number;
        this.check(i, `${x}.length >= ${n}`, ptr, 'minItems', tsString(`must NOT have fewer than ${n} items`));
      }
      if (s.items !== undefined && s.items !== true) {
        const n = this.fresh('i');
        const item = this.fresh('x');
        this.lines.push(`${i}for (let ${n} = 0; ${n} < ${x}.length; ${n}++) {`);
        this.lines.push(`${i}  const ${item} = ${x}[${n}];`);
        this.schema(s.items as JsonSchema, item, `${ptr} + "/" + ${n}`, i + '  ', w);
        this.lines.push(`${i}}`);
      }
      if (s.uniqueItems === true) this.uniqueItems(s, x, ptr, i);
    });
    const known = w ? knownValues(s) : [];
    if (known.length > 0) {
      this.lines.push(`${ind}if (typeof ${x} == "string" && !(${known.map((v) => `${x} === ${tsString(v)}`).join(' || ')})) warned$.n = 1;`);
    }
    group('object', (i) => {
      const own = this.options.ownProperties;
      const present = (key: string) =>
        own || PROTOTYPE_NAMES.has(key)
          ? `${x}[${tsString(key)}] !== undefined && Object.prototype.hasOwnProperty.call(${x}, ${tsString(key)})`
          : `${x}[${tsString(key)}] !== undefined`;
      if (Array.isArray(s.required)) {
        for (const key of s.required as string[]) {
          // ajv's own-property check is only on when some schema names a prototype property.
          const missing = own ? `!Object.prototype.hasOwnProperty.call(${x}, ${tsString(key)})` : `${x}[${tsString(key)}] === undefined`;
          this.lines.push(`${i}if (${missing}) ${this.verdict ? 'return false;' : `ok = required$(e, ${ptr}, ${tsString(key)});`}`);
        }
      }
      const properties = isRecord(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
      if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
        const k = this.fresh('k');
        const names = Object.keys(properties);
        this.lines.push(own ? `${i}for (const ${k} of Object.keys(${x})) {` : `${i}for (const ${k} in ${x}) {`);
        const body = (inner: string) => {
          if (s.additionalProperties === false) {
            this.fail(inner, `${ptr} + "/" + escapeSegment(${k})`, 'additionalProperties', tsString('must NOT have additional properties'));
          } else {
            const v = this.fresh('x');
            this.lines.push(`${inner}const ${v} = ${x}[${k}];`);
            this.schema(s.additionalProperties as JsonSchema, v, `${ptr} + "/" + escapeSegment(${k})`, inner, false);
          }
        };
        if (names.length === 0) {
          body(i + '  ');
        } else {
          this.lines.push(`${i}  switch (${k}) {`);
          this.lines.push(`${i}    ${names.map((name) => `case ${tsString(name)}:`).join(' ')} break;`);
          this.lines.push(`${i}    default: {`);
          body(i + '      ');
          this.lines.push(`${i}    }`);
          this.lines.push(`${i}  }`);
        }
        this.lines.push(`${i}}`);
      }
      if (w && isRecord(s.properties) && s.additionalProperties === undefined) {
        // Any key the schema does not declare is an unknown property (a warning).
        const k = this.fresh('k');
        const names = Object.keys(properties);
        this.lines.push(own ? `${i}for (const ${k} of Object.keys(${x})) {` : `${i}for (const ${k} in ${x}) {`);
        if (names.length === 0) this.lines.push(`${i}  warned$.n = 1; break;`);
        else this.lines.push(`${i}  switch (${k}) { ${names.map((name) => `case ${tsString(name)}:`).join(' ')} break; default: warned$.n = 1; }`);
        this.lines.push(`${i}}`);
      }
      for (const [key, sub] of Object.entries(properties)) {
        if (sub === true) continue;
        const mayWarn = w && typeof sub === 'object' && knownValues(sub).length > 0;
        if (!mayWarn && typeof sub === 'object' && Object.keys(sub).every((kw) => !this.options.ajvKeywords.has(kw))) continue;
        const at = `${ptr} + ${tsString('/' + escapeSegment(key))}`;
        const ref = onlyRef(sub, this.options.ajvKeywords);
        if (ref !== undefined) {
          // The commonest property: a `$ref` alone, one line.
          this.lines.push(`${i}if (${present(key)} && !${this.refCall(ref, `${x}[${tsString(key)}]`, at)}) ${this.refFailed}`);
          continue;
        }
        const v = this.fresh('x');
        this.lines.push(`${i}if (${present(key)}) {`);
        this.lines.push(`${i}  const ${v} = ${x}[${tsString(key)}];`);
        this.schema(sub, v, at, i + '  ', w);
        this.lines.push(`${i}}`);
      }
    });
  }

  /** ajv's own algorithm, so that the same pair of indices is named. */
  private uniqueItems(s: { [k: string]: unknown }, x: string, ptr: string, i: string) {
    const items = s.items;
    const itemTypes = isRecord(items) && items.type !== undefined ? ((Array.isArray(items.type) ? items.type : [items.type]) as string[]) : [];
    const n = this.fresh('n');
    const m = this.fresh('m');
    const message = `"must NOT have duplicate items (items ## " + ${m} + " and " + ${n} + " are identical)"`;
    this.lines.push(`${i}let ${n} = ${x}.length, ${m};`);
    this.lines.push(`${i}if (${n} > 1) {`);
    // Pairwise only where the schema bounds the array (the comparisons grow with its square).
    const small = typeof s.maxItems === 'number' && s.maxItems <= 32;
    if (small && itemTypes.length === 1 && itemTypes[0] !== 'object' && itemTypes[0] !== 'array' && itemTypes[0] !== 'null') {
      // One scalar type: ajv keys an object by the item, which for one type is `===` (a number's
      // string is unique to it), except that `seen["__proto__"]` never holds a number, so ajv
      // never finds that string twice. Pairwise, the nearest equal item above each one, from
      // the end: the pair ajv names, without building a dictionary for a handful of items.
      const item = this.fresh('x');
      const outer = this.fresh('outer');
      this.lines.push(`${i}  ${outer}: for (; ${n}--; ) {`);
      this.lines.push(`${i}    const ${item} = ${x}[${n}];`);
      this.lines.push(`${i}    if (!(${typeTest(itemTypes[0]!, item)})${itemTypes[0] === 'string' ? ` || ${item} === "__proto__"` : ''}) continue;`);
      this.lines.push(`${i}    for (${m} = ${n} + 1; ${m} < ${x}.length; ${m}++) {`);
      this.lines.push(`${i}      if (${x}[${m}] === ${item}) {`);
      this.fail(i + '        ', ptr, 'uniqueItems', message);
      if (!this.verdict) this.lines.push(`${i}        break ${outer};`);
      this.lines.push(`${i}      }`);
      this.lines.push(`${i}    }`);
      this.lines.push(`${i}  }`);
    } else if (itemTypes.length > 0 && !itemTypes.some((t) => t === 'object' || t === 'array')) {
      const seen = this.fresh('seen');
      const item = this.fresh('x');
      this.lines.push(`${i}  const ${seen} = {};`);
      this.lines.push(`${i}  for (; ${n}--; ) {`);
      this.lines.push(`${i}    let ${item} = ${x}[${n}];`);
      this.lines.push(`${i}    if (!(${itemTypes.map((t) => typeTest(t, item)).join(' || ')})) continue;`);
      if (itemTypes.length > 1) this.lines.push(`${i}    if (typeof ${item} == "string") ${item} += "_";`);
      this.lines.push(`${i}    if (typeof ${seen}[${item}] == "number") {`);
      this.lines.push(`${i}      ${m} = ${seen}[${item}];`);
      this.fail(i + '      ', ptr, 'uniqueItems', message);
      if (!this.verdict) this.lines.push(`${i}      break;`);
      this.lines.push(`${i}    }`);
      this.lines.push(`${i}    ${seen}[${item}] = ${n};`);
      this.lines.push(`${i}  }`);
    } else {
      const outer = this.fresh('outer');
      this.lines.push(`${i}  ${outer}: for (; ${n}--; ) {`);
      this.lines.push(`${i}    for (${m} = ${n}; ${m}--; ) {`);
      this.lines.push(`${i}      if (equal(${x}[${n}], ${x}[${m}])) {`);
      this.fail(i + '        ', ptr, 'uniqueItems', message);
      if (!this.verdict) this.lines.push(`${i}        break ${outer};`);
      this.lines.push(`${i}      }`);
      this.lines.push(`${i}    }`);
      this.lines.push(`${i}  }`);
    }
    this.lines.push(`${i}}`);
  }
}

/** The `$ref` of a schema that has no other keyword ajv applies. */
function onlyRef(s: JsonSchema, ajvKeywords: ReadonlySet<string>): string | undefined {
  if (typeof s !== 'object' || typeof s.$ref !== 'string') return undefined;
  return Object.keys(s).every((k) => k === '$ref' || !ajvKeywords.has(k)) ? s.$ref : undefined;
}

/** ajv's test that `x` is of a JSON type (numbers as without `strictNumbers`). */
function typeTest(type: string, x: string): string {
  switch (type) {
    case 'integer':
      return `(typeof ${x} == "number" && !(${x} % 1) && !isNaN(${x}))`;
    case 'null':
      return `${x} === null`;
    case 'array':
      return `Array.isArray(${x})`;
    case 'object':
      return `(${x} && typeof ${x} == "object" && !Array.isArray(${x}))`;
    default:
      return `typeof ${x} == ${tsString(type)}`;
  }
}

function groupTest(type: 'number' | 'string' | 'array' | 'object', x: string): string {
  return type === 'object'
    ? `${x} && typeof ${x} == "object" && !Array.isArray(${x})`
    : type === 'array'
      ? `Array.isArray(${x})`
      : `typeof ${x} == ${tsString(type)}`;
}

/** `x` equals a JSON value: `===` for scalars, deep equality otherwise. */
function equalTest(x: string, value: unknown): string {
  if (value === null || typeof value !== 'object') return `${x} === ${jsLiteral(value)}`;
  return `equal(${x}, ${jsLiteral(value, '', '')})`.replace(/\n/g, ' ');
}

function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
