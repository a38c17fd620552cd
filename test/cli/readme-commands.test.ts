import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The commands conformance/README.md gives QA for running the recorded suite against `serve`
// are run as written: the serve line (with free ports and a shorter time scale), then every
// conform line verbatim apart from where serve.jsonl is.
const readme = readFileSync('conformance/README.md', 'utf8');
const block = /\*\*The recorded suite against the reference servers\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const lines = block
  .split('\n')
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter(Boolean);
const words = (line: string) => line.replace(/\s*&$/, '').split(/\s+/).slice(2); // drop `npx streamwright`

describe('conformance/README.md: the recorded suite, as written', () => {
  it('has one serve line and one conform line per seed API, with files that exist', () => {
    expect(lines[0]).toMatch(/^npx streamwright serve .*--json > serve\.jsonl &$/);
    // Scaled, so that every API's suite takes well under a minute (conformance/README.md).
    expect(lines[0]).toMatch(/ --time-scale 0?\.\d+ /);
    const conform = lines.slice(1);
    expect(conform.map((l) => /--spec spec\/([\w-]+)\.asyncapi\.yaml/.exec(l)?.[1])).toEqual([
      'steadybase',
      'release-orchestrator',
      'agnt5',
      'agent-workspace',
    ]);
    for (const l of conform) {
      expect(l).toMatch(/^npx streamwright conform /);
      const argv = words(l);
      for (const flag of ['--spec', '--transcripts']) expect(existsSync(argv[argv.indexOf(flag) + 1]!), `${flag} of ${l}`).toBe(true);
      expect(argv[argv.indexOf('--from-serve') + 1]).toBe('serve.jsonl');
    }
  });

  it('passes for all four APIs against one serve, each command its own process', async () => {
    // As QA runs them: `npx streamwright` is bin/streamwright.js, on free ports; the time scale
    // is the line's own (conform follows it from the JSON).
    const bin = path.resolve('bin/streamwright.js');
    const serveArgv = words(lines[0]!.replace(/\s*>.*$/, ''));
    serveArgv[serveArgv.indexOf('--port-base') + 1] = '0';
    const serve = spawn(process.execPath, [bin, ...serveArgv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    serve.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      serve.stdout.on('data', (chunk: string) => {
        printed += chunk;
        if (printed.split('\n').length > 4) resolve();
      });
      serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sw-readme-')), 'serve.jsonl');
    writeFileSync(file, printed);
    try {
      const results = await Promise.all(
        lines.slice(1).map(
          (line) =>
            new Promise<{ line: string; code: number | null; text: string }>((resolve) => {
              const argv = words(line).map((w) => (w === 'serve.jsonl' ? file : w));
              const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
              let text = '';
              child.stdout.on('data', (c) => (text += String(c)));
              child.stderr.on('data', (c) => (text += String(c)));
              child.once('exit', (code) => resolve({ line, code, text }));
            }),
        ),
      );
      for (const r of results) expect(r.code, `${r.line}\n${r.text}`).toBe(0);
    } finally {
      serve.kill('SIGTERM');
    }
  }, 400_000);
});
