/**
 * Where a message's payload schema is. AsyncAPI 3 lets a payload be a multi-format schema,
 * `{ schemaFormat, schema }`: JSON Schema and AsyncAPI Schema formats are read like an inline
 * schema; Avro, Protobuf, RAML and the like are not JSON Schema, and are typed `unknown`.
 */
import { getAt, isRecord, type PathSegment } from './pointer.ts';
import { derefLocal } from './refs.ts';

const JSON_FORMATS = [
  /^application\/schema\+(json|yaml)/i,
  /^application\/vnd\.aai\.asyncapi(\+(json|yaml))?/i,
  /^application\/vnd\.oai\.openapi(\+(json|yaml))?/i,
];

export type PayloadLocation =
  | { kind: 'none' }
  /** `path` holds the schema (a `$ref` there is followed by whoever reads it). */
  | { kind: 'schema'; path: PathSegment[] }
  | { kind: 'unsupported'; format: string; at: PathSegment[] };

export function payloadLocation(doc: unknown, messagePath: readonly PathSegment[]): PayloadLocation {
  const at = [...messagePath, 'payload'];
  const raw = getAt(doc, at);
  if (raw === undefined) return { kind: 'none' };
  const resolved = derefLocal(doc, at);
  const value = resolved.ok ? resolved.value : undefined;
  if (isRecord(value) && typeof value.schemaFormat === 'string' && 'schema' in value) {
    const where = resolved.ok ? resolved.at : at;
    if (JSON_FORMATS.some((f) => f.test(value.schemaFormat as string))) return { kind: 'schema', path: [...where, 'schema'] };
    return { kind: 'unsupported', format: value.schemaFormat, at: [...where, 'schemaFormat'] };
  }
  return { kind: 'schema', path: at };
}
