import type { JsonSchema } from '../../ir/types.ts';
import { isRecord } from '../../load/pointer.ts';

export interface SchemaRow {
  /** `workerId`, `steps[].status`, `(value)` for the root of a non-object. */
  path: string;
  depth: number;
  type: string;
  required: boolean;
  constraints: string[];
  description?: string;
}

const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

/**
 * A payload schema as rows a reader can scan: one per property, nested ones indented, `$ref`s
 * followed (a type already being expanded is named instead of expanded again).
 */
export function schemaRows(schema: JsonSchema, resolve: (ref: string) => { name: string; schema: JsonSchema } | undefined): SchemaRow[] {
  const rows: SchemaRow[] = [];
  const visit = (s: JsonSchema, path: string, depth: number, required: boolean, open: Set<string>) => {
    let current = s;
    let refName: string | undefined;
    const seen = new Set(open);
    while (isRecord(current) && typeof current.$ref === 'string') {
      const target = resolve(current.$ref);
      if (!target) break;
      refName = target.name;
      if (seen.has(current.$ref)) {
        rows.push({
          path,
          depth,
          type: `${target.name} (recursive)`,
          required,
          constraints: [],
          ...(typeof (s as { description?: unknown }).description === 'string' ? { description: (s as { description: string }).description } : {}),
        });
        return;
      }
      seen.add(current.$ref);
      const description = (current as { description?: unknown }).description;
      current =
        typeof description === 'string' && isRecord(target.schema) && target.schema.description === undefined
          ? { ...target.schema, description }
          : target.schema;
    }
    const row: SchemaRow = { path, depth, type: typeText(current, refName), required, constraints: constraintsOf(current) };
    if (isRecord(current) && typeof current.description === 'string') row.description = current.description;
    rows.push(row);
    if (!isRecord(current)) return;
    const props = isRecord(current.properties) ? current.properties : {};
    const req = new Set(Array.isArray(current.required) ? current.required.map(String) : []);
    for (const [name, sub] of Object.entries(props)) visit(sub as JsonSchema, path === '' ? name : `${path}.${name}`, depth + 1, req.has(name), seen);
    if (isRecord(current.items) || typeof current.items === 'boolean') visit(current.items as JsonSchema, `${path}[]`, depth + 1, false, seen);
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(current[k])) (current[k] as JsonSchema[]).forEach((m, i) => visit(m, `${path}(${k} ${i + 1})`, depth + 1, false, seen));
    }
    if (isRecord(current.additionalProperties)) visit(current.additionalProperties, `${path}{*}`, depth + 1, false, seen);
  };
  visit(schema, '', 0, true, new Set());
  return rows;
}

function typeText(s: JsonSchema, refName: string | undefined): string {
  if (s === true) return 'any';
  if (s === false) return 'nothing';
  const parts: string[] = [];
  if ('const' in s) parts.push(JSON.stringify(s.const));
  else if (Array.isArray(s.enum)) parts.push(s.enum.map((v) => JSON.stringify(v)).join(' | '));
  else if (s.type !== undefined) parts.push(Array.isArray(s.type) ? s.type.join(' | ') : String(s.type));
  else if (Array.isArray(s.oneOf)) parts.push('one of');
  else if (Array.isArray(s.anyOf)) parts.push('any of');
  else parts.push('any');
  if (refName) parts.push(`(${refName})`);
  return parts.join(' ');
}

function constraintsOf(s: JsonSchema): string[] {
  if (!isRecord(s)) return [];
  const out: string[] = [];
  for (const k of CONSTRAINTS) if (s[k] !== undefined) out.push(`${k}: ${typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k])}`);
  if (s.additionalProperties === false) out.push('no other properties');
  return out;
}
