import { docJson, jsDoc, propertyKey, tsString } from '../../render/escape.ts';
import type { JsonSchema } from '../../ir/types.ts';
import { knownValues } from '../validators/shapes.ts';

/** Resolves `#/definitions/<id>` to the definition's type name. */
export type TypeNameOf = (id: string) => string;

const PRIMITIVE: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null' };

/** The TypeScript type for a JSON Schema (draft-07), as code. */
export function tsType(schema: JsonSchema, typeName: TypeNameOf, indent = ''): string {
  if (schema === true) return 'unknown';
  if (schema === false) return 'never';
  if (typeof schema.$ref === 'string') {
    const m = /^#\/definitions\/(.+)$/.exec(schema.$ref);
    if (!m) throw new Error(`unresolved $ref ${schema.$ref}`);
    return typeName(m[1]!);
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));

  const parts: string[] = [];
  const base = baseType(schema, typeName, indent);
  if (base !== undefined) parts.push(base);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) parts.push(union(list.map((s) => tsType(s as JsonSchema, typeName, indent))));
  }
  if (Array.isArray(schema.allOf)) parts.push(...schema.allOf.map((s) => tsType(s as JsonSchema, typeName, indent)));
  // `unknown & T` is `T`; an intersection with `never` is `never`.
  const meaningful = parts.filter((p) => p !== 'unknown');
  if (meaningful.includes('never')) return 'never';
  if (meaningful.length === 0) return 'unknown';
  return meaningful.length === 1 ? meaningful[0]! : meaningful.map(paren).join(' & ');
}

function baseType(schema: Record<string, unknown>, typeName: TypeNameOf, indent: string): string | undefined {
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : undefined;
  if (types === undefined) {
    if (schema.properties !== undefined || schema.additionalProperties !== undefined || schema.required !== undefined)
      return objectType(schema, typeName, indent);
    if (schema.items !== undefined) return arrayType(schema, typeName, indent);
    return undefined;
  }
  return union(
    types.map((t) => {
      if (t === 'object') return objectType(schema, typeName, indent);
      if (t === 'array') return arrayType(schema, typeName, indent);
      if (t === 'string' && knownValues(schema).length > 0) return openStringType(knownValues(schema));
      return PRIMITIVE[t] ?? 'unknown';
    }),
  );
}

/** `'a' | 'b' | (string & {})`: editors suggest the known values, and any string still assigns. */
function openStringType(values: string[]): string {
  return [...values.map(tsString), '(string & {})'].join(' | ');
}

function objectType(schema: Record<string, unknown>, typeName: TypeNameOf, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const inner = indent + '  ';
  const lines: string[] = [];
  const extra = schema.additionalProperties;
  const patterns = isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0;
  // The type of a property the schema does not declare (undefined: there is none).
  const extraType = extra === false ? undefined : extra === undefined || extra === true ? 'unknown' : tsType(extra as JsonSchema, typeName, inner);
  for (const name of Object.keys(properties)) {
    const prop = properties[name]!;
    lines.push(propertyDoc(prop, inner) + `${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${tsType(prop, typeName, inner)};`);
  }
  // A property that is required but not declared is still there, with whatever type extras have.
  for (const name of required) {
    if (Object.prototype.hasOwnProperty.call(properties, name) || (extraType === undefined && !patterns)) continue;
    lines.push(`${inner}${propertyKey(name)}: ${patterns ? 'unknown' : extraType};`);
  }
  if (extraType !== undefined || patterns) {
    // Declared properties (and those matching a pattern) must be assignable to the index signature.
    const indexType = extraType !== undefined && Object.keys(properties).length === 0 && !patterns ? extraType : 'unknown';
    lines.push(`${inner}[key: string]: ${indexType};`);
  }
  if (lines.length === 0) return 'Record<string, never>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function arrayType(schema: Record<string, unknown>, typeName: TypeNameOf, indent: string): string {
  const items = schema.items;
  if (Array.isArray(items)) {
    // Positional items: those past `minItems` may be missing; more may follow unless
    // `additionalItems: false` (or `maxItems` stops them).
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    const count = Math.min(items.length, maxItems);
    const elements = items.slice(0, count).map((s, i) => {
      const t = tsType(s as JsonSchema, typeName, indent);
      return i < minItems ? t : `${paren(t)}?`;
    });
    const rest = schema.additionalItems;
    if (count === items.length && rest !== false && maxItems > items.length) {
      const restType = rest === undefined || rest === true ? 'unknown' : tsType(rest as JsonSchema, typeName, indent);
      if (restType !== 'never') elements.push(`...${/^[A-Za-z0-9_$.]+$/.test(restType) ? `${restType}[]` : `Array<${restType}>`}`);
    }
    return `[${elements.join(', ')}]`;
  }
  const item = items === undefined ? 'unknown' : tsType(items as JsonSchema, typeName, indent);
  return /^[A-Za-z0-9_$.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
}

/** JSDoc for a schema: description, format, examples. */
export function schemaDoc(schema: JsonSchema, indent: string, extra: (string | undefined)[] = []): string {
  if (typeof schema !== 'object') return jsDoc(extra, indent);
  const notes: (string | undefined)[] = [typeof schema.description === 'string' ? schema.description : undefined, ...extra];
  if (typeof schema.format === 'string') notes.push(`Format: \`${schema.format}\`.`);
  const known = knownValues(schema as Record<string, unknown>);
  if (known.length > 0) notes.push(`Known values: ${known.map((v) => `\`${docJson(v)}\``).join(', ')}; others may come (an open set).`);
  if (Array.isArray(schema.examples)) for (const e of schema.examples) notes.push(`@example ${docJson(e)}`);
  return jsDoc(notes, indent);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertyDoc(schema: JsonSchema, indent: string): string {
  return schemaDoc(schema, indent);
}

function literal(value: unknown): string {
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  // A constant array or object (`const: { offset: 0 }`) is its own literal type.
  if (Array.isArray(value)) return `readonly [${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? 'Record<string, never>' : `{ ${entries.map(([k, v]) => `readonly ${propertyKey(k)}: ${literal(v)}`).join('; ')} }`;
  }
  return 'unknown';
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.length === 0) return 'never';
  if (unique.includes('unknown')) return 'unknown';
  return unique.join(' | ');
}

/** Whether a type is one object literal (`{ … }`), which can be written as an interface. */
export function isObjectLiteral(type: string): boolean {
  return type.startsWith('{\n') && type.endsWith('}') && paren(type) === type && closingOfFirstBrace(type) === type.length - 1;
}

/** Index of the `}` that closes the `{` at position 0, skipping string literals. */
function closingOfFirstBrace(type: string): number {
  return scanCode(type, '{', '}', (c, depth) => c === '}' && depth === 0);
}

/** Wraps a type in parentheses when it has a top-level `|` or `&` (outside brackets and strings). */
function paren(type: string): string {
  return scanCode(type, '{([<', '})]>', (c, depth) => depth === 0 && (c === '|' || c === '&')) < 0 ? type : `(${type})`;
}

/**
 * Walks the characters of a type outside its string literals, with the depth after each of the
 * brackets `opens` and `closes` count: the index of the first where `stop` holds, or -1.
 */
function scanCode(type: string, opens: string, closes: string, stop: (c: string, depth: number) => boolean): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const c = type[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (opens.includes(c)) depth++;
    else if (closes.includes(c)) depth--;
    if (stop(c, depth)) return i;
  }
  return -1;
}
