import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectWs } from '../../conformance/src/conform/connect.ts';
import { watchStalls } from '../../conformance/src/conform/stalls.ts';

// What keeps conform's verdicts true on a loaded machine (see test/conformance/stress.test.ts
// for the whole suite under CPU hogs).

const block = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchStalls', () => {
  it('measures how long the event loop was blocked, and little when it was not', async () => {
    const idle = watchStalls();
    await tick(120);
    const busy = watchStalls();
    await tick(30);
    block(250);
    await tick(30);
    expect(busy()).toBeGreaterThanOrEqual(200);
    expect(busy()).toBeLessThan(1000);
    // Stopped once: a second call gives the same figure.
    expect(busy()).toBe(busy());
    expect(idle()).toBeGreaterThanOrEqual(200); // it was watching during the block too
    const quiet = watchStalls();
    await tick(100);
    expect(quiet()).toBeLessThan(200);
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

    const writes = vi.spyOn(Socket.prototype, '_writeGeneric' as never);
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
