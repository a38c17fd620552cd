// The baseline of bench/generate-vs-modelina.js: TypeScript models from an AsyncAPI document the
// way the AsyncAPI tooling does it. @asyncapi/parser parses (and validates, with its default rule
// set) the YAML, then Modelina's TypeScriptGenerator turns the parsed document (its AsyncAPI
// input) into models, which are written to one file so the work is not optimised away.
//
//   node bench/modelina-models.js <spec.yaml> <out-dir>

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { TypeScriptGenerator } from '@asyncapi/modelina';

const [spec, out] = process.argv.slice(2);
if (!spec || !out) {
  console.error('usage: node bench/modelina-models.js <spec.yaml> <out-dir>');
  process.exit(2);
}

const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(spec, 'utf8'), { source: path.resolve(spec) });
if (document === undefined) {
  for (const d of diagnostics.filter((x) => x.severity === 0)) console.error(`${d.code}: ${d.message} at ${d.path.join('/')}`);
  console.error(`${spec}: @asyncapi/parser could not parse the document`);
  process.exit(1);
}
const generator = new TypeScriptGenerator({ modelType: 'interface', enumType: 'union' });
const models = await generator.generate(document);
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'models.ts'), models.map((m) => m.result).join('\n\n') + '\n');
console.log(`${spec}: ${models.length} models`);
