/**
 * Transcripts are untrusted files: `conform` never reads one through a symlink, never prints the
 * bytes of a file that is not a transcript, and never writes a terminal escape raw.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conform, renderText } from '../../conformance/src/conform/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sw-hostile-transcripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'root:x:0:0:secret-bytes';

// Nothing is replayed (every transcript is refused while being read), so no server is needed.
const run = (transcripts: string) => conform({ spec: 'spec/agnt5.asyncapi.yaml', target: 'http://127.0.0.1:9', transcripts, probes: false, timeoutMs: 500 });

describe('conform with hostile transcripts', () => {
  it('refuses a symlinked transcript in a folder, and one given by name, without reading it', async () => {
    const secret = path.join(dir, 'secret.txt');
    writeFileSync(secret, SECRET + '\n');
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    symlinkSync(secret, path.join(folder, 'planted.jsonl'));
    for (const where of [folder, path.join(folder, 'planted.jsonl')]) {
      const report = await run(where);
      const text = renderText(report);
      expect(report.cases.flatMap((c) => c.findings.map((f) => [f.rule, f.text]))).toEqual([
        ['replay/transcript-unreadable', `${path.join(folder, 'planted.jsonl')}: a symbolic link; transcripts are never read through one`],
      ]);
      expect(text).not.toContain('root:x');
    }
  });

  it('does not quote a file that is not JSON', async () => {
    const file = path.join(dir, 'not-json.jsonl');
    writeFileSync(file, SECRET + '\n');
    const report = await run(file);
    expect(report.cases[0]!.findings.map((f) => f.rule)).toEqual(['replay/SW_TRANSCRIPT_NOT_JSON']);
    expect(renderText(report)).not.toContain('root:x');
    expect(JSON.stringify(report)).not.toContain('root:x');
  });

  it('prints terminal escapes and carriage returns escaped', async () => {
    const file = path.join(dir, 'evil\u001b[2J\rPASS\u009b31m.jsonl');
    writeFileSync(file, '{}\n');
    const text = renderText(await run(file));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('evil\\x1b[2J\\x0dPASS\\x9b31m');
  });
});
