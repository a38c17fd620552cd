// The AsyncAPI document schemas are compiled by the build (ajv standalone code in dist/) instead of
// at run time: the precompiled validator must give the findings the run-time compile gives.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import yaml from 'js-yaml';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formats } from '../../templates/validators/prelude.js';
import { ASYNCAPI_SCHEMA_VERSIONS, precompileAsyncapiSchema } from '../../generator/src/load/asyncapi-schema.ts';
import { createAjv, normalizeAjvErrors } from '../../generator/src/validate/ajv.ts';

const require = createRequire(import.meta.url);
const seed = yaml.load(readFileSync(path.join(import.meta.dirname, '../../spec/release-orchestrator.asyncapi.yaml'), 'utf8')) as Record<string, unknown>;

function broken(version: string): unknown[] {
  const doc = structuredClone(seed) as Record<string, any>;
  doc.asyncapi = version;
  const docs: unknown[] = [doc];
  docs.push({ ...doc, info: { title: 3 } });
  docs.push({ ...doc, channels: { ...doc.channels, x: { address: 5, messages: 'no' } }, extra: true });
  docs.push({ ...doc, components: { schemas: { A: { type: 'nope' } }, messages: { M: { payload: 4 } } } });
  docs.push({ asyncapi: version });
  return docs;
}

describe('precompiled AsyncAPI document schemas', () => {
  for (const version of ASYNCAPI_SCHEMA_VERSIONS) {
    it(`${version}: same verdicts and errors as compiling the schema at run time`, () => {
      const module = { exports: {} as unknown };
      new Function('module', 'require', precompileAsyncapiSchema(version))(module, require);
      const precompiled = (module.exports as (f: typeof formats) => ValidateFunction)(formats);
      const schema = JSON.parse(readFileSync(require.resolve(`@asyncapi/specs/schemas/${version}-without-$id.json`), 'utf8')) as object;
      const compiled = createAjv().compile(schema);
      for (const doc of broken(version)) {
        expect(precompiled(doc)).toBe(compiled(doc));
        expect(normalizeAjvErrors(precompiled.errors)).toEqual(normalizeAjvErrors(compiled.errors));
      }
      expect(precompiled(broken(version)[0])).toBe(true);
    });
  }
});
