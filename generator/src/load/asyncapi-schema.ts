import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { createAjv, normalizeAjvErrors } from '../validate/ajv.ts';
import { parsePointer } from './pointer.ts';
import type { ParserFinding } from './asyncapi-parser.ts';

const validators = new Map<string, ValidateFunction>();

/**
 * The structural half of what `@asyncapi/parser` checks: the official AsyncAPI 3.0.0 or 3.1.0 JSON Schema (by the document's version),
 * compiled once. `generate` uses it instead of the full Spectral rule set, which costs seconds on
 * large documents and whose semantic rules streamwright's own checks cover where generation
 * depends on them. `validate` still runs the parser.
 */
export function checkAsyncapiSchema(doc: unknown): ParserFinding[] {
  // Patch versions share their minor version's schema.
  const version = typeof (doc as { asyncapi?: unknown }).asyncapi === 'string' && (doc as { asyncapi: string }).asyncapi.startsWith('3.1.') ? '3.1.0' : '3.0.0';
  let validator = validators.get(version);
  if (!validator) {
    const file = createRequire(import.meta.url).resolve(`@asyncapi/specs/schemas/${version}-without-$id.json`);
    validator = createAjv().compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    validators.set(version, validator);
  }
  if (validator(doc)) return [];
  return (
    normalizeAjvErrors(validator.errors)
      // A `oneOf` of Reference | Object reports the Reference branch's `$ref` and the `oneOf` itself;
      // the errors of the object branch are the ones that say what is wrong.
      .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if' && !(e.keyword === 'required' && e.pointer.endsWith('/$ref')))
      .map((e) => ({ rule: 'schema', severity: 'error' as const, message: `${e.pointer || '(root)'} ${e.message}`, path: parsePointer(e.pointer) }))
  );
}
