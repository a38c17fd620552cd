import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createContractValidator } from '../../generator/src/validate/contract-validator.ts';
import { loadSpec } from '../../generator/src/load/load.ts';
import { answerHead } from '../support/http.ts';
import { Inbox } from './client.ts';

// `streamwright serve <spec>` as a user runs it: a real process, its --json line, a `ws` client.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function serve(args: string[]): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, ['bin/streamwright.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, line: JSON.parse(line) as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

describe('streamwright serve <spec>', () => {
  it('serves a foreign document: --port 0 --json, frames over ws validate, SIGTERM stops it', async () => {
    const file = 'test/fixtures/foreign/market-data.asyncapi.yaml';
    const { child, line } = await serve([file, '--port', '0', '--json', '--rate', '200', '--count', '6', '--seed', '3']);
    expect(line).toMatchObject({ api: 'market-data', mock: true, port: expect.any(Number) });
    const channels = line.channels as { id: string; transport: string; url: string }[];
    expect(channels.map((c) => [c.id, c.transport])).toEqual([
      ['feed', 'ws'],
      ['candles', 'ws'],
    ]);
    expect(channels[1]!.url).toBe(`ws://127.0.0.1:${line.port as number}/ws/v2/candles/BTC-USD`);
    const validator = createContractValidator((await loadSpec(file, { rules: 'schema' })).document);
    const ws = new WebSocket(channels[0]!.url);
    const inbox = new Inbox();
    ws.on('message', (d) => inbox.push({ payload: JSON.parse(d.toString()) as unknown }));
    ws.on('close', (code) => inbox.close(code));
    const frames = await inbox.waitFor(6);
    expect(frames).toHaveLength(6);
    for (const f of frames) expect(validator.validate('feed', 'send', { payload: f.payload })).toMatchObject({ ok: true });
    ws.send('{"type": "subscribe"}');
    const [, , , , , , answer] = await inbox.waitFor(7);
    expect(answer!.payload).toMatchObject({ $streamwright: 'error', code: 'SW_FRAME_INVALID' });
    ws.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('--cors: a page on that origin may read an SSE channel; other origins get no CORS headers', async () => {
    const { child, line } = await serve(['test/fixtures/foreign/status-feed.asyncapi.yaml', '--port', '0', '--json', '--cors', 'http://app.test']);
    const sse = (line.channels as { transport: string; url: string }[]).find((c) => c.transport === 'sse')!;
    const allowed = await answerHead(sse.url, 'GET', { origin: 'http://app.test' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': 'http://app.test', vary: 'Origin' });
    expect((await answerHead(sse.url, 'GET', { origin: 'http://other.test' })).headers).not.toHaveProperty('access-control-allow-origin');
    child.kill('SIGTERM');
  });

  it.each([
    [['--cors', '*'], /--cors takes an origin/],
    [['--drop', '2'], /--drop must be a probability/],
    [['--delay', '9-3'], /--delay must be/],
    [['--disconnect-after', 'soon'], /--disconnect-after must be/],
    [['--port-base', '3000'], /--port-base is for the reference servers/],
  ])('refuses bad flags %j with exit 2', (flags, message) => {
    const r = spawnSync(process.execPath, ['bin/streamwright.js', 'serve', 'test/fixtures/foreign/chat-rtm.asyncapi.yaml', ...flags], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('mock flags without a document are a usage error (the reference servers keep their flags)', () => {
    const r = spawnSync(process.execPath, ['bin/streamwright.js', 'serve', '--rate', '5'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--rate applies to a mock/);
  });

  it('a document with errors: its diagnostics and exit 1', () => {
    const r = spawnSync(process.execPath, ['bin/streamwright.js', 'serve', 'test/fixtures/invalid-documents/dangling-ref.yaml', '--port', '0'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/sw\/ref-dangling/);
    expect(r.stderr).toMatch(/cannot mock/);
  });
});
