// The rooms' import rules (DESIGN.md, Layout): the generator is a library below the app, and the
// runtime is below everything. An import that runs back up a layer fails here, naming the file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => path.join(d.parentPath, d.name));
}

/** Every relative import (static, dynamic, type-only) of `file`, resolved to a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => path.relative('.', path.resolve(path.dirname(file), m[1]!)));
}

describe('layers', () => {
  it.each([
    ['generator/src', ['cli/', 'conformance/', 'mock/', 'reference-server/', 'generated/']],
    ['runtime', ['cli/', 'generator/', 'conformance/', 'mock/', 'reference-server/', 'generated/']],
    ['conformance/src', ['cli/']],
    ['mock', ['cli/']],
    ['reference-server', ['cli/']],
  ] as const)('%s imports nothing from %j', (dir, forbidden) => {
    const offending = sources(dir).flatMap((file) => importsOf(file).filter((target) => forbidden.some((f) => target.startsWith(f))).map((target) => `${file} → ${target}`));
    expect(offending).toEqual([]);
  });
});
