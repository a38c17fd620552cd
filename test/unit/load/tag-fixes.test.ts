/**
 * Every warning or error about tags tells a newcomer what to write: `x-sw-tag: { property: … }`,
 * a `discriminator`, `x-sw-untagged`, or (SSE) a message `name`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../generator/src/load/load.ts';

const TAG_CODES = new Set(['sw/tag-missing', 'sw/tag-duplicate', 'sw/untagged-not-alone', 'sw/tag-inferred', 'sw/dispatch-by-shape']);
const FIX = /x-sw-tag: \{ property: [^\s}…]+ \}|`discriminator(: [^`]+)?`|x-sw-untagged|own `name`/;

const DIRS = ['test/fixtures/invalid-documents', 'test/fixtures/foreign'];
const FILES = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f)),
);

describe('tag diagnostics name their fix', () => {
  it('covers every tag code across the fixtures', async () => {
    const seen = new Set<string>();
    for (const file of FILES) {
      for (const d of (await loadSpec(file, { rules: 'schema' })).diagnostics) {
        if (!TAG_CODES.has(d.code)) continue;
        seen.add(d.code);
        expect(`${file}: ${d.message}`).toMatch(FIX);
      }
    }
    expect([...seen].sort()).toEqual([...TAG_CODES].sort());
  });

  it.each([
    ['explicit-tag-missing.yaml', 'sw/tag-missing', /add `\w+: \{ const: "[^"]+" \}` to its properties/],
    ['missing-tag.yaml', 'sw/untagged-not-alone', /`x-sw-tag: \{ property: type \}`/],
    ['no-tags.yaml', 'sw/dispatch-by-shape', /say `x-sw-tag: \{ property: \w+ \}` on the channel, or put `discriminator: \w+` on the payloads/],
    ['duplicate-tag.yaml', 'sw/tag-duplicate', /give each its own `\w+` `const`/],
  ])('%s: %s says what to write', async (fixture, code, want) => {
    const { diagnostics } = await loadSpec(path.join('test/fixtures/invalid-documents', fixture), { rules: 'schema' });
    const found = diagnostics.filter((d) => d.code === code);
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(d.message).toMatch(want);
  });
});
