import type { ApiIR, JsonSchema } from '../../ir/types.ts';
import { tsString } from '../../render/escape.ts';

/** The extension that lists the known values of an open string set (spec/extensions/x-sw-known-values.schema.json). */
export const KNOWN_VALUES = 'x-sw-known-values';

/** The strings of a schema's `x-sw-known-values`, each once, in order: an open string set (any other string is valid too). */
export function knownValues(schema: { [k: string]: unknown }): string[] {
  const values = schema[KNOWN_VALUES];
  return Array.isArray(values) ? [...new Set(values.filter((v): v is string => typeof v === 'string'))] : [];
}

/**
 * What a reader may meet that its contract does not know, per schema: the declared properties of
 * an object that leaves extra ones open (no `additionalProperties`), the known values of an open
 * string set, the items of an array. `validators.gen.js` walks a valid value along it and reports
 * what it finds as warnings (prelude `drift`). Indices refer to other entries of the table.
 */
export interface Shape {
  /** Declared properties, when the schema declares any; each with the index of its shape. */
  p?: [string, number][];
  /** Properties outside `p` are expected (an open map, `additionalProperties` or `patternProperties`). */
  x?: 1;
  k?: string[];
  i?: number;
}

export interface ShapeTable {
  /** The index of the shape of a definition's schema. */
  indexOf(definitionId: string): number;
  /**
   * Whether a valid value of this shape can carry nothing to warn about (every object closed or
   * declaring none of its properties, no open string set, at any depth): then the walk is skipped,
   * which is most of the cost of validating a valid frame of a closed contract.
   */
  quiet(index: number): boolean;
  /** The table as a JavaScript array literal, one shape a line. */
  code(): string;
}

/** The shape table of every definition of an API (oneOf / anyOf / allOf branches are merged). */
export function buildShapes(api: ApiIR): ShapeTable {
  const definitions = new Map(api.schemas.map((s) => [s.id, s.schema]));
  const table: Shape[] = [];
  const byDefinition = new Map<string, number>();
  const bySchema = new WeakMap<object, number>();

  const definitionOf = (ref: unknown): string | undefined => {
    const m = typeof ref === 'string' ? /^#\/definitions\/(.+)$/.exec(ref) : null;
    return m && definitions.has(m[1]!) ? m[1]! : undefined;
  };

  // A single schema gets one entry (a definition reached through `$ref` the entry of its id, so
  // recursive schemas close into a cycle of indices); a list of schemas one merged entry.
  const indexOfList = (list: JsonSchema[]): number => {
    if (list.length === 1) {
      const only = list[0]!;
      const id = typeof only === 'object' ? definitionOf(only.$ref) : undefined;
      if (id !== undefined) return indexOfDefinition(id);
      if (typeof only === 'object' && bySchema.has(only)) return bySchema.get(only)!;
    }
    // Cycles only pass through definitions, which have their index before they are merged.
    const shape = merge(list);
    const n = Object.keys(shape).length === 0 ? emptyIndex() : table.push(shape) - 1;
    if (list.length === 1 && typeof list[0] === 'object') bySchema.set(list[0], n);
    return n;
  };
  let empty: number | undefined;
  const emptyIndex = () => (empty ??= table.push({}) - 1);
  const indexOfDefinition = (id: string): number => {
    const known = byDefinition.get(id);
    if (known !== undefined) return known;
    const n = table.push({}) - 1;
    byDefinition.set(id, n);
    table[n] = merge([definitions.get(id)!]);
    return n;
  };

  const merge = (list: JsonSchema[]): Shape => {
    const properties = new Map<string, JsonSchema[]>();
    const items: JsonSchema[] = [];
    const known = new Set<string>();
    let declares = false;
    let open = false;
    const seen = new Set<string>();
    const visit = (schema: JsonSchema) => {
      if (typeof schema !== 'object') return;
      const id = definitionOf(schema.$ref);
      if (id !== undefined) {
        if (!seen.has(id)) {
          seen.add(id);
          visit(definitions.get(id)!);
        }
        return;
      }
      if (isRecord(schema.properties)) {
        declares = true;
        for (const [name, sub] of Object.entries(schema.properties)) {
          const list = properties.get(name) ?? [];
          list.push(sub as JsonSchema);
          properties.set(name, list);
        }
      }
      if (schema.additionalProperties !== undefined || (isRecord(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0)) open = true;
      for (const v of knownValues(schema)) known.add(v);
      if (schema.items !== undefined && !Array.isArray(schema.items)) items.push(schema.items as JsonSchema);
      for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
        const branches = schema[key];
        if (Array.isArray(branches)) for (const b of branches) visit(b as JsonSchema);
      }
    };
    for (const s of list) visit(s);
    const shape: Shape = {};
    if (declares) shape.p = [...properties].map(([name, subs]) => [name, indexOfList(subs)]);
    if (declares && open) shape.x = 1;
    if (known.size > 0) shape.k = [...known];
    if (items.length > 0) shape.i = indexOfList(items);
    return shape;
  };

  for (const s of api.schemas) indexOfDefinition(s.id);
  // Noisy: may warn itself, or reaches a shape that may; a fixpoint, as shapes form cycles.
  const noisy = table.map((s) => (s.p !== undefined && !s.x) || s.k !== undefined);
  for (let changed = true; changed;) {
    changed = false;
    table.forEach((s, n) => {
      if (noisy[n]) return;
      if ((s.p ?? []).some(([, i]) => noisy[i]) || (s.i !== undefined && noisy[s.i])) changed = noisy[n] = true;
    });
  }
  return {
    indexOf: indexOfDefinition,
    quiet: (index) => !noisy[index],
    code: () => `[\n${table.map((s) => `  ${shapeCode(s)},`).join('\n')}\n]`,
  };
}

function shapeCode(s: Shape): string {
  const parts: string[] = [];
  if (s.p) parts.push(`p: [${s.p.map(([name, n]) => `[${tsString(name)}, ${n}]`).join(', ')}]`);
  if (s.x) parts.push('x: 1');
  if (s.k) parts.push(`k: [${s.k.map(tsString).join(', ')}]`);
  if (s.i !== undefined) parts.push(`i: ${s.i}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
