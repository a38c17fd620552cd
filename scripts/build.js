#!/usr/bin/env node
// `npm run build`: compiles the package into dist/ with tsc (tsconfig.build.json) and copies the
// files tsc does not emit. `--if-stale` builds only when the sources differ from the last build,
// which is how `npm test`, `npm start`, `npm run generate` and the test setup keep dist/ current;
// `--check` builds nothing and exits 1 when dist/ is stale.
//
// dist/.build-stamp holds a hash of every input (paths and contents), so an edited, added or
// deleted source, template or schema makes dist/ stale; a `touch` or a checkout does not.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');

// What dist/ is made of. Folders are walked recursively; README.md and the like count too, which
// costs a rebuild now and then and never a stale build.
const INPUTS = [
  'index.ts',
  'cli',
  'conformance/src',
  'generator/src',
  'generated',
  'mock',
  'reference-server',
  'runtime',
  'templates',
  'spec',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.js',
];

// Copied as they are: read at run time by the generator (templates, extension schemas), or
// JavaScript that tsc leaves alone (the seeds' precompiled validators, which the reference
// servers import, with their declarations).
const COPIES = [
  { from: 'templates', filter: () => true },
  { from: 'spec/extensions', filter: (f) => f.endsWith('.schema.json') },
  // The seed contracts: `serve` builds each reference server's console page from its document.
  { from: 'spec', filter: (f) => path.dirname(f) === path.join(ROOT, 'spec') && f.endsWith('.asyncapi.yaml') },
  { from: 'generated', filter: (f) => /\.gen\.(js|d\.ts)$/.test(f) && !existsSync(f.replace(/\.(js|d\.ts)$/, '.ts')) },
];

function files(entry) {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)));
}

/** A hash of every input's path and contents. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files).sort()) {
    hash.update(file.split(path.sep).join('/') + '\0');
    hash.update(readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Why dist/ does not match the sources, or undefined when it does. */
export function staleReason() {
  if (!existsSync(STAMP)) return 'dist/ has not been built';
  return readFileSync(STAMP, 'utf8').trim() === sourceHash() ? undefined : 'the sources changed since dist/ was built';
}

/**
 * The AsyncAPI document schemas' validators, compiled now (ajv standalone code) instead of by
 * every `generate`/`validate`: written next to the compiled loader that requires them. Made from
 * the installed @asyncapi/specs (pinned in package.json, which is an input), so a rebuild is due
 * whenever they could change; a build never ships without them.
 */
async function precompileSchemas() {
  const loader = path.join(DIST, 'generator', 'src', 'load', 'asyncapi-schema.js');
  const { ASYNCAPI_SCHEMA_VERSIONS, precompileAsyncapiSchema, precompiledFileName } = await import(pathToFileURL(loader).href);
  for (const version of ASYNCAPI_SCHEMA_VERSIONS) {
    writeFileSync(path.join(path.dirname(loader), precompiledFileName(version)), precompileAsyncapiSchema(version));
  }
}

export async function build() {
  const hash = sourceHash();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status ?? result.signal})`);
  for (const { from, filter } of COPIES) {
    for (const file of files(from)) {
      if (!filter(path.join(ROOT, file))) continue;
      mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
      cpSync(path.join(ROOT, file), path.join(DIST, file));
    }
  }
  await precompileSchemas();
  // Last: an interrupted build leaves no stamp, so the next --if-stale builds again.
  writeFileSync(STAMP, hash + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes('--check')) {
  // Builds nothing: exit 1 when dist/ does not match the sources (the package test asks first).
  const reason = staleReason();
  if (reason !== undefined) process.stderr.write(`dist/ is stale: ${reason}; run \`npm run build\`\n`);
  process.exitCode = reason === undefined ? 0 : 1;
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const reason = ifStale ? staleReason() : 'asked to';
  if (reason !== undefined) {
    if (ifStale) process.stderr.write(`building dist/: ${reason}\n`);
    const started = Date.now();
    try {
      await build();
    } catch (e) {
      process.stderr.write(`build failed: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
