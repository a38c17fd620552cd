import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from '../../load/pointer.ts';
import { targetName } from '../../load/bundle.ts';
import type { NameScope } from '../names.ts';
import type { JsonSchema, SchemaIR } from '../types.ts';

/**
 * Collects the named schemas of a document. Every schema that is a `$ref` target becomes a
 * definition with a unique type name, and inside the copies every local `$ref` is rewritten to
 * `#/definitions/<id>`, so each emitter gets one self-contained set of schemas.
 */
export class SchemaRegistry {
  private readonly byPointer = new Map<string, SchemaIR>();
  private readonly pending: SchemaIR[] = [];

  constructor(
    private readonly doc: unknown,
    private readonly types: NameScope,
  ) {}

  /**
   * Registers the schema at `path` and returns its definition id. A schema that is only a `$ref`
   * becomes a definition of its own that refers to its target, so `A → B → C` gives three types.
   */
  register(path: readonly PathSegment[], preferredName: string, typeName?: string): string {
    const pointer = toPointer(path);
    const existing = this.byPointer.get(pointer);
    if (existing) return existing.id;
    const name = typeName ?? this.types.claim(preferredName, 'pascal', 'Schema', 'schema');
    const ir: SchemaIR = { id: name, typeName: name, schema: {}, pointer: '#' + pointer };
    this.byPointer.set(pointer, ir);
    this.pending.push(ir);
    return ir.id;
  }

  /** The definition id of the schema at `path`, if it is registered. */
  idOf(path: readonly PathSegment[]): string | undefined {
    return this.byPointer.get(toPointer(path))?.id;
  }

  /** All definitions, each converted once; conversion may register more. */
  finish(): SchemaIR[] {
    for (let i = 0; i < this.pending.length; i++) {
      const ir = this.pending[i]!;
      ir.schema = (this.convert(parsePointer(ir.pointer)) as JsonSchema | undefined) ?? true;
    }
    return [...this.byPointer.values()];
  }

  /** Copies a schema, rewriting `$ref`s; walks only the keywords that hold subschemas. */
  private convert(path: PathSegment[]): unknown {
    const value = getAt(this.doc, path);
    if (!isRecord(value)) return value;
    if (typeof value.$ref === 'string') {
      if (!value.$ref.startsWith('#')) throw new Error(`#${toPointer(path)}: only local $refs can be generated (found ${value.$ref})`);
      const target = parsePointer(value.$ref);
      const ref = { $ref: `#/definitions/${this.register(target, targetName(target))}` };
      // Draft-07 ignores keywords beside `$ref`, but a description there documents the property.
      return typeof value.description === 'string' ? { ...ref, description: value.description } : ref;
    }
    const out: Record<string, unknown> = {};
    // 2020-12 tuples (`prefixItems` + `items`) are written as draft-07 ones, which ajv and the
    // type writer read: `items` array + `additionalItems`.
    if (Array.isArray(value.prefixItems)) {
      out.items = value.prefixItems.map((_, i) => this.convert([...path, 'prefixItems', i]));
      if ('items' in value) out.additionalItems = this.convert([...path, 'items']);
    }
    for (const key of Object.keys(value)) {
      if (Array.isArray(value.prefixItems) && (key === 'prefixItems' || key === 'items')) continue;
      const sub = value[key];
      const at = [...path, key];
      if (SCHEMA_MAPS.has(key) && isRecord(sub)) {
        out[key] = Object.fromEntries(Object.keys(sub).map((k) => [k, this.convert([...at, k])]));
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(sub)) {
        out[key] = sub.map((_, i) => this.convert([...at, i]));
      } else if (SCHEMA_ONE.has(key)) {
        out[key] = this.convert(at);
      } else if (key === 'dependencies' && isRecord(sub)) {
        out[key] = Object.fromEntries(Object.keys(sub).map((k) => [k, Array.isArray(sub[k]) ? sub[k] : this.convert([...at, k])]));
      } else {
        out[key] = sub;
      }
    }
    return out;
  }
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SCHEMA_ONE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
]);
