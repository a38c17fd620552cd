import { EventEmitter } from 'node:events';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { serveCommand } from '../../cli/serve.ts';
import { AGENT_IDS } from '../../reference-server/release-orchestrator/index.ts';
import { sink } from '../support/sink.ts';

interface Printed {
  api: string;
  origin: string;
  timeScale: number;
  credentials: { scheme: string; value: string; usage: string; principal?: string; expiresAt?: string }[];
}

const io = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
};

// The documented flow: `serve --json` saved to a file is all `conform --from-serve` needs. The
// release-orchestrator transcripts recorded as an agent (its own stream, another agent's stream,
// the dashboard refused to a non-dashboard principal) failed it when serve printed agent-01's
// query token alone.
describe('serve --json → conform --from-serve', () => {
  it('prints every principal per scheme with its expiry, and the agent transcripts pass as the principals they were recorded as', async () => {
    const out = sink(4);
    const signals = new EventEmitter();
    const exit = serveCommand(
      ['--port-base', '0', '--json', '--time-scale', '0.05', '--token-ttl', '600'],
      { stdout: out.stream, stderr: out.stream } as never,
      signals,
    );
    await out.ready;
    try {
      const printed = out.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Printed);
      const orchestrator = printed.find((p) => p.api === 'release-orchestrator')!;
      expect(orchestrator).toMatchObject({ timeScale: 0.05, origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      for (const scheme of ['queryToken', 'firstMessageToken', 'bearerHeader']) {
        const of = orchestrator.credentials.filter((c) => c.scheme === scheme);
        expect(of.map((c) => c.principal)).toEqual(['dev-user', ...AGENT_IDS]);
        for (const c of of) expect(Math.abs(Date.parse(c.expiresAt!) - (Date.now() + 600_000))).toBeLessThan(60_000);
      }

      const file = path.join(mkdtempSync(path.join(tmpdir(), 'sw-from-serve-')), 'serve.jsonl');
      writeFileSync(file, out.text);
      const dir = mkdtempSync(path.join(tmpdir(), 'sw-from-serve-rec-'));
      const suite = 'conformance/recordings/release-orchestrator';
      for (const name of [
        'agent-task-stream',
        'agent-task-invalid-message',
        'agent-task-first-message-auth',
        'agent-task-forbidden',
        'dashboard-events-forbidden',
        'dashboard-stream',
      ])
        copyFileSync(`${suite}/${name}.jsonl`, path.join(dir, `${name}.jsonl`));
      copyFileSync(`${suite}/principals.json`, path.join(dir, 'principals.json'));
      const run = io();
      const code = await main(
        [
          'conform',
          '--spec',
          'spec/release-orchestrator.asyncapi.yaml',
          '--transcripts',
          dir,
          '--from-serve',
          file,
          '--probes',
          'auth-accepted,malformed-frame',
        ],
        run.io,
      );
      expect(code, run.out.stdout + run.out.stderr).toBe(0);
      expect(run.out.stdout).toMatch(/\d+ passed, 0 failed/);
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
  });

  it('without --target, --from-serve must have the API', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-from-serve-none-'));
    const file = path.join(dir, 'serve.jsonl');
    writeFileSync(file, JSON.stringify({ api: 'agnt5', origin: 'http://127.0.0.1:1', timeScale: 1, urls: [], credentials: [] }) + '\n');
    const run = io();
    expect(await main(['conform', '--spec', 'spec/steadybase.asyncapi.yaml', '--from-serve', file, '--probes', 'none'], run.io)).toBe(2);
    expect(run.out.stderr).toMatch(/SW_CONFORM_CREDENTIALS_INVALID.*steadybase/);
  });
});
