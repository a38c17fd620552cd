import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { suiteCredentials } from '../../conformance/scripts/record-suite.ts';
import { connectWs } from '../../conformance/src/conform/connect.ts';
import { watchStalls } from '../../conformance/src/conform/stalls.ts';
import { startSuiteServer } from './suite.ts';

// What keeps conform's verdicts true on a loaded machine (see test/conformance/stress.test.ts
// for the whole suite under CPU hogs).

const block = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchStalls', () => {
  it('allows twice how long the event loop was blocked, and little when it was not', async () => {
    const idle = watchStalls();
    await tick(120);
    const busy = watchStalls();
    await tick(30);
    block(250);
    await tick(30);
    expect(busy()).toBeGreaterThanOrEqual(2 * 200);
    expect(busy()).toBeLessThan(2 * 1000);
    // Stopped once: a second call gives the same figure.
    expect(busy()).toBe(busy());
    expect(idle()).toBeGreaterThanOrEqual(2 * 200); // it was watching during the block too
    const quiet = watchStalls();
    await tick(100);
    expect(quiet()).toBeLessThan(2 * 200);
  });
});

describe('a burst of client frames', () => {
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('leaves in one write, as recorded, so that a loaded machine does not spread it past a rate window', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const received: string[] = [];
    server.on('connection', (ws) => ws.on('message', (d) => received.push(String(d))));
    const conn = connectWs(`ws://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect((await conn.opened).status).toBe(101);

    // Where every write of a net.Socket goes, single or gathered (`_write` and `_writev` both call it).
    const writes = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown }, '_writeGeneric');
    for (let i = 0; i < 50; i++) conn.send(`{"n":${i}}`);
    await new Promise((r) => setImmediate(r));
    // One write of the whole burst (a frame per write would be 50).
    expect(writes.mock.calls.length).toBe(1);
    await conn.until(() => received.length === 50, 2000);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => `{"n":${i}}`));
    conn.close();
    await conn.ended;
  });
});

describe('a reference server on a stalled event loop', () => {
  it('reads a first-message credential that arrived in time before it judges the auth deadline', async () => {
    // Time scale 0.01: a 50 ms deadline. The credential is sent at once; then the loop stalls past
    // the deadline, so the deadline's timer is due when the loop wakes, with the credential
    // waiting unread in the socket.
    const target = await startSuiteServer('release-orchestrator', 0.01);
    try {
      const { firstMessageToken } = await suiteCredentials('release-orchestrator', 'agent-task-first-message-auth');
      const ws = new WebSocket(`${target.origin.replace('http', 'ws')}/api/v1/agents/agent-02/task-stream`);
      const first = new Promise<string>((resolve) => {
        ws.once('message', (d) => resolve(`message ${JSON.parse(String(d)).type}`));
        ws.once('close', (code) => resolve(`close ${code}`));
      });
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'auth', token: firstMessageToken }));
      block(200);
      expect(await first).toBe('message task_assigned');
      ws.close();
    } finally {
      await target.server.close();
    }
  });
});
