/**
 * Generated files depend on the spec alone: the same document gives byte-identical files on a
 * second run, from another path spelling, in another process, time zone and locale.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/src/generate.ts';
import { writeFiles } from '../../generator/src/write/write.ts';
import { cleanup, GENERATED_DOCS, GENERATED_FILES, generateInto, tempDir } from './harness.ts';

const SPECS = [
  'test/fixtures/foreign/chat-rtm.asyncapi.yaml',
  'test/fixtures/foreign/market-data.asyncapi.yaml',
  'test/fixtures/foreign/pubsub-channels.asyncapi.yaml',
  'test/fixtures/foreign/status-feed.asyncapi.yaml',
  'test/fixtures/hostile/hostile.asyncapi.yaml',
  'test/fixtures/hostile/proto-keys.asyncapi.yaml',
];

let dir: string;
beforeAll(async () => {
  dir = await tempDir('determinism');
});
afterAll(() => cleanup(dir));

const contentsOf = async (spec: string) => {
  const result = await generate(spec);
  if (!result.files) throw new Error(`generate ${spec} failed`);
  return Object.fromEntries(result.files.map((f) => [f.path, f.contents]));
};

describe.each(SPECS)('%s', (spec) => {
  const name = path.basename(spec).replace(/\.asyncapi\.yaml$/, '');

  it('generates byte-identical files twice in a row, and from an absolute path', async () => {
    const first = await contentsOf(spec);
    // The validators come as one module per channel beside the fixed files.
    expect(
      Object.keys(first)
        .filter((f) => !f.startsWith('validators/'))
        .sort(),
    ).toEqual([...GENERATED_FILES, ...GENERATED_DOCS].sort());
    expect(Object.keys(first)).toContain('validators/shared.gen.js');
    expect(await contentsOf(spec)).toEqual(first);
    expect(await contentsOf(path.resolve(spec))).toEqual(first);
    expect(await contentsOf(`./${spec}`)).toEqual(first);
  });

  it('writes nothing the second time, and the bytes on disk stay the same', async () => {
    const out = path.join(dir, `${name}-twice`);
    const first = await generateInto(spec, out);
    const again = await generate(spec);
    const report = await writeFiles(out, again.files!, { check: false });
    expect(report).toEqual({ changed: [], stale: [], refused: [] });
    for (const f of Object.keys(first.files)) expect(await readFile(path.join(out, f), 'utf8')).toBe(first.files[f]);
  });
});

describe('another process, time zone and locale', () => {
  it.each(['test/fixtures/hostile/hostile.asyncapi.yaml', 'test/fixtures/foreign/status-feed.asyncapi.yaml'])(
    '%s: the CLI writes what the library wrote',
    async (spec) => {
      const name = path.basename(spec).replace(/\.asyncapi\.yaml$/, '');
      const library = await generateInto(spec, path.join(dir, `${name}-library`));
      const out = path.join(dir, `${name}-cli`);
      await promisify(execFile)(process.execPath, [path.resolve('bin/streamwright.js'), 'generate', spec, '--out', path.relative(process.cwd(), out)], {
        env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      });
      for (const f of Object.keys(library.files)) expect([f, await readFile(path.join(out, f), 'utf8')]).toEqual([f, library.files[f]]);
    },
  );
});
