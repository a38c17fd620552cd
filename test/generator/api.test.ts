// The package's programmatic API (`import { validate, generate } from 'streamwright'`): data in,
// data out, the same answers the CLI prints.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, validate } from '../../index.ts';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'sw-api-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('validate()', () => {
  it.each([
    ['a seed contract', { given: ['spec/agnt5.asyncapi.yaml'], want: { ok: true, errors: 0 } }],
    ['a document with a bad example', { given: ['test/fixtures/invalid-documents/bad-example.yaml'], want: { ok: false } }],
    ['warnings only', { given: ['test/fixtures/invalid-documents/only-warnings.yaml'], want: { ok: true, errors: 0 } }],
  ] as const)('%s', async (_, { given, want }) => {
    const result = await validate(given);
    expect(result).toMatchObject(want);
    expect(result.errors + result.warnings).toBe(result.diagnostics.length);
    if (!result.ok) expect(result.diagnostics.some((d) => d.severity === 'error' && d.code === 'sw/example-invalid')).toBe(true);
  });
});

describe('generate()', () => {
  it('returns the files without writing them when no out is given', async () => {
    const result = await generate('test/fixtures/invalid-documents/only-warnings.yaml', { name: 'demo' });
    expect(result.ir?.name).toBe('demo');
    expect(result.files?.map((f) => f.path)).toContain('server.gen.ts');
    expect(result.written).toBeUndefined();
  });

  it('writes into out, and with check reports nothing to change on a second call', async () => {
    const first = await generate('test/fixtures/invalid-documents/only-warnings.yaml', { out });
    expect(first.written?.changed.length).toBe(first.files?.length);
    const written = (await readdir(out, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(out, path.join(e.parentPath, e.name)));
    expect(written.sort()).toEqual(first.files!.map((f) => f.path).sort());
    const again = await generate('test/fixtures/invalid-documents/only-warnings.yaml', { out, check: true });
    expect(again.written).toEqual({ changed: [], stale: [], refused: [] });
  });

  it('returns diagnostics and writes nothing for a document with errors', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'sw-api-bad-'));
    try {
      const result = await generate('test/fixtures/invalid-documents/bad-example.yaml', { out: empty });
      expect(result.files).toBeUndefined();
      expect(result.written).toBeUndefined();
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(await readdir(empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
