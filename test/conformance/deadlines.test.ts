import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { conform, renderText } from '../../conformance/src/conform/index.ts';

// The replay's deadlines run per expected message, from the last progress, for the recording's
// own gap × slack + timeout: a server that drifts steadily behind the recording passes, one that
// stalls longer than a gap allows fails. A raw server plays the stream on a schedule of its own.
const GAP = 100; // recorded gap between messages (ms)
const FRAMES = 11;
const TIMEOUT = 200;

const worker = (i: number) =>
  JSON.stringify({ type: 'worker-status', workerId: `w-${i}`, status: 'started', currentTask: 'x', timestamp: '2026-01-10T14:00:45.600Z' });

function suite(): { transcripts: string; matchers: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-deadlines-'));
  const transcripts = path.join(dir, 'transcripts');
  const matchers = path.join(dir, 'matchers');
  mkdirSync(transcripts);
  mkdirSync(matchers);
  const lines = [
    {
      kind: 'header',
      version: 1,
      api: 'steadybase',
      spec: 'spec/steadybase.asyncapi.yaml',
      channel: 'events',
      transport: 'ws',
      address: '/ws',
      parameters: {},
      query: {},
      recordedAt: '2026-01-01T00:00:00.000Z',
      tool: 'test',
      name: 'steady-drift',
    },
    { kind: 'handshake', url: '/ws', method: 'GET', requestHeaders: {}, subprotocols: [], status: 101, responseHeaders: {} },
    ...Array.from({ length: FRAMES }, (_, i) => ({ kind: 'frame', t: i * GAP, dir: 'server', tag: 'worker-status', text: worker(i) })),
    { kind: 'close', t: FRAMES * GAP, by: 'client', code: 1000, reason: '' },
  ];
  writeFileSync(path.join(transcripts, 'steady-drift.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(
    path.join(matchers, 'steadybase.json'),
    JSON.stringify({ description: 'in order, by type', order: 'strict', fields: { '*': { '': { match: 'type' } } } }),
  );
  return { transcripts, matchers };
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.clients.forEach((c) => c.terminate());
    await new Promise((r) => s.close(r));
  }
});

/** Sends frame i at `at(i)` ms after the upgrade. */
async function scheduled(at: (i: number) => number): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (socket) => {
    const timers = Array.from({ length: FRAMES }, (_, i) => setTimeout(() => socket.send(worker(i)), at(i)));
    socket.on('close', () => timers.forEach(clearTimeout));
  });
  return `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

async function replay(target: string) {
  const { transcripts, matchers } = suite();
  return conform({
    spec: 'spec/steadybase.asyncapi.yaml',
    target,
    transcripts,
    matchersDir: matchers,
    credentials: '{}',
    timeScale: 1,
    timeoutMs: TIMEOUT,
    slack: 2,
    probes: false,
  });
}

describe('replay deadlines follow the recording’s gaps', () => {
  it('a server that runs 2.5× slower than recorded, steadily, passes (a fixed budget from the open would fail it)', async () => {
    // The last message comes 2500 ms after the open, far past its recorded 1000 ms + 200 ms;
    // each gap (250 ms) is within 100 ms × 2 + 200 ms of the previous arrival.
    const report = await replay(await scheduled((i) => i * 250));
    expect(report.summary.failed, renderText(report)).toBe(0);
    expect(report.summary.passed).toBe(1);
  });

  it('a server that stalls longer than a gap allows fails with the message it never sent in time', async () => {
    // Frames 0–4 on time; frame 5 comes 900 ms after frame 4, past 100 × 2 + 200 = 400 ms.
    const report = await replay(await scheduled((i) => (i < 5 ? i * GAP : 400 + 900 + (i - 5) * GAP)));
    expect(report.summary.failed).toBe(1);
    const text = renderText(report);
    expect(text).toContain('transcript/missing');
  });
});
