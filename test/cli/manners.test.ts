// What every CLI user meets first: the version, and what to do when there is no config.
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../cli/generate.ts';
import { main } from '../../cli/main.ts';

function capture() {
  const io = { out: '', err: '', stdout: { write: (s: string) => (io.out += s) }, stderr: { write: (s: string) => (io.err += s) } };
  return io;
}

describe('streamwright CLI manners', () => {
  it.each([['--version'], ['-v']])('%s prints the package version', async (flag) => {
    const io = capture();
    expect(await main([flag], io)).toBe(0);
    expect(io.out).toBe(`${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);
  });

  it('generate without a spec reads streamwright.config.json from the working directory, and says what to do without one', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'sw-noconfig-'));
    try {
      const io = capture();
      expect(await generateCommand([], io, cwd)).toBe(2);
      expect(io.err).toContain(`no streamwright.config.json in ${cwd}`);
      expect(io.err).toContain('run `streamwright generate <spec> --out <dir>`, or create streamwright.config.json');
      expect(io.err).not.toContain('ENOENT');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
