import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { encodeSegment, toPointer, type PathSegment } from '../load/pointer.ts';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the callable sits one level down.
const addFormats = ajvFormats.default.default;

export interface ValidationError {
  /** JSON pointer into the validated value; for `required` and `additionalProperties`, the property itself. */
  pointer: string;
  keyword: string;
  message: string;
}

/** An ajv instance for contract payloads: draft-07, all errors, formats on. */
export function createAjv(): Ajv {
  // strict mode would reject the AsyncAPI Schema keywords (`discriminator`, `x-*`, `externalDocs`).
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const DOCUMENT_ID = 'https://streamwright.invalid/document.json';

/**
 * Compiles schemas that live anywhere in a raw AsyncAPI document, with local `$ref`s resolved
 * against that document. Nothing is fetched: ajv has no loader, so a remote `$ref` fails to compile.
 */
export function createDocumentSchemas(doc: unknown) {
  const ajv = createAjv();
  ajv.addSchema(doc as object, DOCUMENT_ID, undefined, false);
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
