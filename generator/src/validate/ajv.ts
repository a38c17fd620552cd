import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
// The format checks generated validators inline: in-memory and standalone validation must agree.
import { formats } from '../../../templates/validators/prelude.js';
import { encodeSegment, toPointer, type PathSegment } from '../load/pointer.ts';
import { protoSafeSchema } from './proto-safe.ts';

export interface ValidationError {
  /** JSON pointer into the validated value; for `required` and `additionalProperties`, the property itself. */
  pointer: string;
  keyword: string;
  message: string;
}

/**
 * The ajv options every contract validator uses, in memory and precompiled: draft-07, all
 * errors, own properties only (a payload without `valueOf` must not find Object.prototype's),
 * no console output. Strict mode would reject AsyncAPI Schema keywords (`discriminator`, `x-*`).
 */
export const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: true, ownProperties: true, logger: false } as const;

/** An ajv instance for contract payloads, with the same format checks generated code inlines. */
export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  return ajv;
}

/**
 * ajv's standalone code for an instance's schemas: the given exports (name → schema id), or one
 * compiled function. ajv/dist/standalone is CommonJS with `exports.default`.
 */
export const standaloneCode = (
  standaloneModule as unknown as { default: (ajv: Ajv, refsOrFunc: Readonly<Record<string, string>> | ValidateFunction) => string }
).default;

const DOCUMENT_ID = 'https://streamwright.invalid/document.json';

/**
 * Compiles schemas that live anywhere in a raw AsyncAPI document, with local `$ref`s resolved
 * against that document. Nothing is fetched: ajv has no loader, so a remote `$ref` fails to compile.
 */
export function createDocumentSchemas(doc: unknown) {
  const ajv = createAjv();
  ajv.addSchema(protoSafeSchema(draft07Tuples(doc)) as object, DOCUMENT_ID, undefined, false);
  const cache = new Map<string, ValidateFunction>();
  return {
    compileAt(path: readonly PathSegment[]): ValidateFunction {
      const pointer = toPointer(path);
      let fn = cache.get(pointer);
      if (!fn) {
        fn = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer.split('/').map(encodeURIComponentKeepSlash).join('/')}` });
        cache.set(pointer, fn);
      }
      return fn;
    },
  };
}

function encodeURIComponentKeepSlash(s: string): string {
  return encodeURIComponent(s).replace(/%7E/gi, '~');
}

export function normalizeAjvErrors(errors: readonly ErrorObject[] | null | undefined): ValidationError[] {
  return (errors ?? []).map((e) => {
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += '/' + encodeSegment(String((e.params as { missingProperty: string }).missingProperty));
    if (e.keyword === 'additionalProperties') pointer += '/' + encodeSegment(String((e.params as { additionalProperty: string }).additionalProperty));
    return { pointer, keyword: e.keyword, message: e.message ?? e.keyword };
  });
}

/**
 * A copy with 2020-12 tuples (`prefixItems` + `items`) written as draft-07 ones (`items` array +
 * `additionalItems`), as the generator writes them; positions of everything else unchanged.
 */
export function draft07Tuples(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(draft07Tuples);
  if (node === null || typeof node !== 'object') return node;
  const value = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const tuple = Array.isArray(value.prefixItems);
  if (tuple) {
    out.items = draft07Tuples(value.prefixItems);
    if ('items' in value) out.additionalItems = draft07Tuples(value.items);
  }
  for (const [key, sub] of Object.entries(value)) {
    if (tuple && (key === 'prefixItems' || key === 'items')) continue;
    // defineProperty: a hostile `__proto__` key stays an own property, as in the parsed document.
    Object.defineProperty(out, key, { value: draft07Tuples(sub), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
