import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentWorkspaceClient } from '../../generated/agent-workspace/client.gen.ts';
import type { AgentLog } from '../../generated/agent-workspace/models.gen.ts';
import { createAgentWorkspaceReference, type AgentWorkspaceReference } from '../../reference-server/agent-workspace/index.ts';
import { nextState, stateLog, until } from './helpers.ts';

// The generated agent-workspace client (SSE, session cookie) against the reference server: typed
// events, the stream's own end (max duration) resumed with Last-Event-ID without losing or
// repeating a log line, auth failure, a silent server.
// At 0.003 the poll runs every 9 ms, heartbeats every 45 ms, and the stream ends after 900 ms.
const SCALE = 0.003;

let ref: AgentWorkspaceReference | undefined;
let origin: string;
let session: string;
const cleanups: (() => Promise<unknown> | void)[] = [];

async function start() {
  ref = createAgentWorkspaceReference({ timeScale: SCALE, seed: 11 });
  const { port } = await ref.listen(0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  session = (await ref.credentials())[0]!.value;
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await ref?.close();
  ref = undefined;
});

function client(value: string) {
  const c = createAgentWorkspaceClient({ baseUrl: origin, auth: { sessionCookie: value }, timeScale: SCALE });
  cleanups.push(() => c.close());
  return c;
}

describe('agent-workspace client', () => {
  it('receives the typed snapshot, then updates and heartbeats', async () => {
    await start();
    const stream = client(session).fleetStream();
    const snapshot = new Promise<unknown[]>((resolve) => stream.on('fleet_snapshot', (runs) => resolve(runs)));
    const heartbeat = new Promise<number>((resolve) => stream.on('heartbeat', (d, meta) => meta.id && resolve(d.ts)));
    expect(await nextState(stream, 'open')).toMatchObject({ scheme: 'sessionCookie' });
    expect(Array.isArray(await snapshot)).toBe(true);
    expect(typeof (await heartbeat)).toBe('number');
  });

  it('resumes across the end of the stream with Last-Event-ID: every log line exactly once', async () => {
    await start();
    ref!.fleet.pause();
    const [runId] = ref!.fleet.activeRunIds();
    const stream = client(session).fleetStream();
    const lines: AgentLog[] = [];
    stream.on('fleet_logs', (entries) => lines.push(...entries));
    const log = stateLog(stream);
    await stream.ready();
    await until(() => lines.length > 0, 'the initial log lines');
    const initial = lines.length;
    // Write lines for longer than the stream lives (900 ms), so some are published while it is down.
    let written = 0;
    const writer = setInterval(() => {
      ref!.fleet.writeLogs(runId!, 1);
      written++;
    }, 10);
    await until(() => log.filter((e) => e.name === 'open').length >= 2, 'a resumed stream', 5000);
    const writtenAtResume = written;
    await until(() => written >= writtenAtResume + 10, 'more lines after the resume', 5000);
    clearInterval(writer);
    await until(() => lines.length - initial >= written, `${written} written lines to arrive`, 5000);
    expect(lines.length - initial).toBe(written);
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    expect(log.find((e) => e.name === 'reconnecting')).toMatchObject({ event: { error: { code: 'SW_CONNECTION_LOST' } } });
  });

  it('an unknown session surfaces as SW_AUTH_REJECTED (HTTP 401), with no retry', async () => {
    await start();
    const stream = client('no-such-session').fleetStream();
    const log = stateLog(stream);
    expect(await nextState(stream, 'closed')).toMatchObject({ httpStatus: 401, error: { code: 'SW_AUTH_REJECTED' } });
    expect(log.some((e) => e.name === 'reconnecting')).toBe(false);
  });

  it('detects a server that stops sending heartbeats and reconnects', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('retry: 5\nid: b-1\nevent: heartbeat\ndata: {"ts": 1}\n\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    cleanups.push(() => server.closeAllConnections());
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const stream = client('x').fleetStream();
    const reconnecting = await nextState(stream, 'reconnecting');
    expect(reconnecting.error.code).toBe('SW_SERVER_SILENT');
    // `retry: 5` is honoured: the wait is at least 5 ms.
    expect(reconnecting.delayMs).toBeGreaterThanOrEqual(5);
    await until(() => requests >= 2, 'a second request');
  });
});
