import { createDocumentSchemas } from '../../validate/ajv.ts';
import { normalizeAjvErrors } from '../../validate/ajv.ts';
import { collectRefs } from '../refs.ts';
import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from '../pointer.ts';
import type { Check } from './context.ts';

/**
 * Every message example validates against its payload (and headers) schema. The official tools
 * parse examples but never check them; here they are acceptance data.
 */
export const checkExamples =
  (options: { payloads: boolean; budgetMs: number }): Check =>
  ({ doc, channels, report }) => {
    const deadline = performance.now() + options.budgetMs;
    let stopped = false;
    const targets = new Map<string, PathSegment[]>();
    const components = getAt(doc, ['components', 'messages']);
    if (isRecord(components)) for (const id of Object.keys(components)) targets.set(toPointer(['components', 'messages', id]), ['components', 'messages', id]);
    for (const view of channels) for (const m of view.messages) targets.set(toPointer(m.target), m.target);

    const schemas = createDocumentSchemas(doc);
    for (const target of targets.values()) {
      const message = getAt(doc, target);
      if (!isRecord(message) || !Array.isArray(message.examples)) continue;
      for (const part of options.payloads ? (['payload', 'headers'] as const) : (['headers'] as const)) {
        const schemaPath = schemaPathOf(doc, [...target, part]);
        if (schemaPath === undefined) continue;
        const external = collectRefs(getAt(doc, schemaPath)).find((r) => r.kind !== 'local');
        if (external) {
          // A file or other reference still here failed, and is an error at its `$ref` already.
          if (external.kind === 'remote')
            report({
              code: 'sw/external-unchecked',
              severity: 'warning',
              message: `the ${part} schema refers to ${external.ref}; its examples are not checked`,
              at: [...schemaPath, ...external.at],
            });
          continue;
        }
        let validate;
        try {
          validate = schemas.compileAt(schemaPath);
        } catch (e) {
          report({
            code: 'sw/schema-invalid',
            severity: 'error',
            message: `the ${part} schema cannot be compiled: ${(e as Error).message}`,
            at: [...target, part],
          });
          continue;
        }
        message.examples.forEach((example, i) => {
          if (stopped || !isRecord(example) || !(part in example)) return;
          if (performance.now() > deadline) {
            stopped = true;
            report({
              code: 'sw/example-budget',
              severity: 'error',
              message: `example checks stopped here after their ${options.budgetMs} ms budget (a slow pattern?); this and later examples were not checked`,
              at: [...target, 'examples', i, part],
            });
            return;
          }
          if (validate(example[part])) return;
          const name = typeof example.name === 'string' ? `"${example.name}"` : `#${i}`;
          for (const error of normalizeAjvErrors(validate.errors)) {
            report({
              code: 'sw/example-invalid',
              severity: 'error',
              message: `example ${name}: ${error.pointer || '(root)'} ${error.message}`,
              at: [...target, 'examples', i, part, ...parsePointer(error.pointer)],
            });
          }
        });
      }
    }
  };

/** Path of the JSON Schema to validate against, unwrapping AsyncAPI 3's multi-format schema object. */
function schemaPathOf(doc: unknown, at: PathSegment[]): PathSegment[] | undefined {
  const value = getAt(doc, at);
  if (!isRecord(value)) return undefined;
  if (typeof value.schemaFormat === 'string') {
    const jsonSchema = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml)/.test(value.schemaFormat);
    return jsonSchema && isRecord(value.schema) ? [...at, 'schema'] : undefined;
  }
  return at;
}
