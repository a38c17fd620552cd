import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createReleaseOrchestratorClient } from '../../generated/release-orchestrator/client.gen.ts';
import type { StepStarted } from '../../generated/release-orchestrator/models.gen.ts';
import { createReleaseOrchestratorReference, WORKFLOW_RUN_IDS, type ReleaseOrchestratorReference } from '../../reference-server/release-orchestrator/index.ts';
import type { StreamwrightError } from '../../runtime/client/index.ts';
import { nextState, stateLog, until } from './helpers.ts';

// The generated release-orchestrator client against the reference server: query and first-message
// tokens on WebSocket, the bearer header on SSE (fetch reader), heartbeats answered, Last-Event-ID
// resume; and against tiny raw servers: a silent server, invalid frames.
const SECRET = new TextEncoder().encode('release-orchestrator-client-secret-0123456789');
const SCALE = 0.01;

let ref: ReleaseOrchestratorReference | undefined;
let origin: string;
let token: string;
const cleanups: (() => Promise<unknown> | void)[] = [];

async function start() {
  ref = createReleaseOrchestratorReference({ timeScale: SCALE, seed: 5, secrets: { jwtSecret: SECRET } });
  const { port } = await ref.listen(0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  token = await ref.token('dev-user');
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await ref?.close();
  ref = undefined;
});

function client(options: Parameters<typeof createReleaseOrchestratorClient>[0] = {}) {
  const c = createReleaseOrchestratorClient({ baseUrl: origin, timeScale: SCALE, ...options });
  cleanups.push(() => c.close());
  return c;
}

const seqOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

describe('release-orchestrator client', () => {
  it('receives a workflow run’s typed events with the query token', async () => {
    await start();
    const run = client({ auth: { queryToken: token } }).workflowRunStream({ id: WORKFLOW_RUN_IDS[0]! });
    const started: StepStarted[] = [];
    run.on('step_started', (m) => started.push(m));
    const done = new Promise((resolve) => run.on('workflow_completed', resolve));
    expect(await nextState(run, 'open')).toMatchObject({ scheme: 'queryToken' });
    expect(await done).toMatchObject({ type: 'workflow_completed' });
    expect(started.length).toBeGreaterThan(0);
    expect(started.every((s) => s.type === 'step_started')).toBe(true);
  });

  it('authenticates with the first message when only that credential is given', async () => {
    await start();
    const dashboard = client({ auth: { firstMessageToken: token } }).dashboardStream();
    const metric = new Promise((resolve) => dashboard.on('metric_update', resolve));
    expect(await nextState(dashboard, 'open')).toMatchObject({ scheme: 'firstMessageToken' });
    expect(await metric).toMatchObject({ type: 'metric_update' });
  });

  it('a rejected token (error + close 4401) surfaces as SW_AUTH_REJECTED, with no retry', async () => {
    await start();
    const dashboard = client({ auth: { firstMessageToken: 'nope' } }).dashboardStream();
    const log = stateLog(dashboard);
    const closed = await nextState(dashboard, 'closed');
    expect(closed).toMatchObject({ code: 4401, error: { code: 'SW_AUTH_REJECTED', status: 4401 } });
    expect(closed.error!.message).toContain('unauthorized');
    // Refused after the upgrade: `open` never came, so no caller saw a connection that was not there.
    expect(log.map((e) => e.name)).toEqual(['error', 'closed']);
  });

  it('a rejected query token: no open, closed with the server’s reason, one attempt only', async () => {
    await start();
    const run = client({ auth: { queryToken: 'nope' } }).workflowRunStream({ id: WORKFLOW_RUN_IDS[0]! });
    const log = stateLog(run);
    const closed = await nextState(run, 'closed');
    expect(closed).toMatchObject({ code: 4401, error: { code: 'SW_AUTH_REJECTED', status: 4401 } });
    expect(closed.reason).toMatch(/^invalid token/);
    expect(log.map((e) => e.name)).toEqual(['error', 'closed']);
    await expect(run.ready()).rejects.toMatchObject({ code: 'SW_AUTH_REJECTED' });
  });

  it('first-message auth: `open` comes with the first frame after the credential, before that frame is delivered', async () => {
    await start();
    const dashboard = client({ auth: { firstMessageToken: token } }).dashboardStream();
    const order: string[] = [];
    dashboard.onState('open', () => order.push('open'));
    dashboard.onAny((m) => order.push((m as { type: string }).type));
    await dashboard.ready();
    await until(() => order.length >= 2, 'a first message');
    expect(order[0]).toBe('open');
    expect(order[1]).toBe('metric_update');
  });

  it('answers every heartbeat with the contract’s pong, so the server keeps the connection', async () => {
    await start();
    const dashboard = client({ auth: { queryToken: token } }).dashboardStream();
    const log = stateLog(dashboard);
    let heartbeats = 0;
    dashboard.on('heartbeat', () => heartbeats++);
    await dashboard.ready();
    // Heartbeat every 150 ms, closed with 4408 after 300 ms without a pong: 6 heartbeats span 3 timeouts.
    await until(() => heartbeats >= 6, 'six heartbeats', 5000);
    expect(dashboard.state).toBe('open');
    expect(log.filter((e) => e.name !== 'open')).toEqual([]);
    expect(ref!.stub.dashboardStream.peers()).toHaveLength(1);
  });

  it('SSE with the bearer header resumes with Last-Event-ID: nothing lost, nothing twice', async () => {
    await start();
    const c = client({ auth: { bearerHeader: token } });
    // The one that is cut waits 150 ms (no jitter) before coming back, so it misses several events.
    const cut = c.dashboardEvents({}, { reconnect: { initialDelayMs: 15_000, jitter: 'none' } });
    const cutIds: string[] = [];
    cut.onAny((e) => e.id !== undefined && cutIds.push(e.id));
    await cut.ready();
    await until(() => cutIds.length >= 1, 'a first event');
    const steady = c.dashboardEvents();
    const steadyIds: string[] = [];
    steady.onAny((e) => e.id !== undefined && steadyIds.push(e.id));
    await steady.ready();
    await until(() => steadyIds.length >= 2, 'the steady reader');
    const reconnecting = nextState(cut, 'reconnecting');
    const reopened = nextState(cut, 'open');
    const [cutPeer] = ref!.stub.runtime.connections('dashboardEvents').sse;
    const lastBefore = cut.lastEventId;
    cutPeer!.end();
    expect((await reconnecting).delayMs).toBeGreaterThanOrEqual(150);
    expect(await reopened).toMatchObject({ reconnected: true });
    const missedFrom = steadyIds.length;
    await until(() => steadyIds.length >= missedFrom + 6, 'events after the reconnection');
    const last = seqOf(steadyIds[steadyIds.length - 1]!);
    await until(() => seqOf(cut.lastEventId) >= last, 'the cut reader to catch up');
    expect(new Set(cutIds).size).toBe(cutIds.length);
    // Every published event the steady reader saw after the cut reached the cut reader too (its
    // first event, metric_update on connect, is its own and not published).
    const published = steadyIds.slice(1).filter((id) => seqOf(id) > seqOf(lastBefore) && seqOf(id) <= last);
    expect(published.length).toBeGreaterThan(2);
    expect(published.filter((id) => !cutIds.includes(id))).toEqual([]);
  });

  it('SSE without a credential: HTTP 401 surfaces as SW_AUTH_REJECTED, with no retry', async () => {
    await start();
    const events = client({ auth: {} }).dashboardEvents();
    const log = stateLog(events);
    const closed = await nextState(events, 'closed');
    expect(closed).toMatchObject({ httpStatus: 401, error: { code: 'SW_AUTH_REJECTED' } });
    expect(log.some((e) => e.name === 'reconnecting')).toBe(false);
  });
});

describe('release-orchestrator client against raw servers', () => {
  async function rawWs(onConnection: (socket: import('ws').WebSocket) => void) {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', onConnection);
    cleanups.push(() => new Promise((r) => wss.close(r)));
    cleanups.push(() => wss.clients.forEach((s) => s.terminate()));
    origin = `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
    return wss;
  }

  it('detects a silent WebSocket server (interval + tolerance) and reconnects', async () => {
    let connections = 0;
    let connectedAt = 0;
    await rawWs((socket) => {
      connections++;
      connectedAt = performance.now();
      // The first connection says one thing (so the credential counts as accepted), then nothing.
      if (connections === 1) socket.send(JSON.stringify({ type: 'heartbeat', timestamp: '2026-01-10T14:23:45Z' }));
    });
    const dashboard = client({ auth: { queryToken: 'x' } }).dashboardStream();
    const errors: StreamwrightError[] = [];
    dashboard.onState('error', (e) => errors.push(e));
    await nextState(dashboard, 'open');
    const reconnecting = await nextState(dashboard, 'reconnecting');
    // 15 s + 5 s at 0.01: 200 ms of silence.
    expect(performance.now() - connectedAt).toBeGreaterThanOrEqual(190);
    expect(reconnecting.error.code).toBe('SW_SERVER_SILENT');
    expect(errors.map((e) => e.code)).toContain('SW_SERVER_SILENT');
    // The second connection is silent from the start: never `open`, dropped as silent all the same.
    const again = await nextState(dashboard, 'reconnecting');
    expect(again.error.code).toBe('SW_SERVER_SILENT');
    expect(connections).toBeGreaterThanOrEqual(2);
  });

  it('sends the first-message credential at once, before anything else, and holds `open` until the server answers', async () => {
    const received: unknown[] = [];
    let answer: (() => void) | undefined;
    await rawWs((socket) => {
      socket.once('message', (data) => {
        received.push(JSON.parse(data.toString()));
        answer = () => socket.send(JSON.stringify({ type: 'heartbeat', timestamp: '2026-01-10T14:23:45Z' }));
      });
    });
    const dashboard = client({ auth: { firstMessageToken: 'tok' } }).dashboardStream();
    await until(() => answer !== undefined, 'the credential');
    expect(received).toEqual([{ type: 'auth', token: 'tok' }]);
    expect(dashboard.state).toBe('connecting');
    const opened = nextState(dashboard, 'open');
    answer!();
    expect(await opened).toMatchObject({ scheme: 'firstMessageToken', reconnected: false });
  });

  it("the contract's auth error frame is a refusal whatever the close code: closed, never retried", async () => {
    let connections = 0;
    await rawWs((socket) => {
      connections++;
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'Token expired', timestamp: '2026-01-10T14:23:45Z' }));
        socket.close(1011, 'bye');
      });
    });
    const dashboard = client({ auth: { firstMessageToken: 'tok' } }).dashboardStream();
    const log = stateLog(dashboard);
    const closed = await nextState(dashboard, 'closed');
    expect(closed).toMatchObject({ code: 1011, reason: 'bye', error: { code: 'SW_AUTH_REJECTED' } });
    expect(closed.error!.message).toContain('unauthorized: Token expired');
    expect(log.map((e) => e.name)).toEqual(['error', 'closed']);
    expect(connections).toBe(1);
  });

  it('a forbidden refusal after the upgrade (error + 4403) is not retried and never opens', async () => {
    let connections = 0;
    await rawWs((socket) => {
      connections++;
      socket.send(JSON.stringify({ type: 'error', code: 'forbidden', message: 'No access', timestamp: '2026-01-10T14:23:45Z' }));
      socket.close(4403, 'forbidden');
    });
    const run = client({ auth: { queryToken: 'tok' } }).workflowRunStream({ id: 'x' });
    const log = stateLog(run);
    const closed = await nextState(run, 'closed');
    expect(closed).toMatchObject({ code: 4403, error: { code: 'SW_AUTH_REJECTED', status: 4403 } });
    expect(log.map((e) => e.name)).toEqual(['error', 'closed']);
    expect(connections).toBe(1);
  });

  it('detects a silent SSE server (keep-alive comments stop) and reconnects', async () => {
    let requests = 0;
    const server: Server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': hello\n\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    cleanups.push(() => server.closeAllConnections());
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const events = client({ auth: { bearerHeader: 'x' } }).dashboardEvents();
    const reconnecting = await nextState(events, 'reconnecting');
    expect(reconnecting.error.code).toBe('SW_SERVER_SILENT');
    await until(() => requests >= 2, 'a second request');
  });

  it('reports every frame that breaks the contract as an invalid event, counts it, and drops it by default; valid ones still arrive', async () => {
    await rawWs((socket) => {
      socket.send('not json');
      socket.send(JSON.stringify({ type: 'metric_update', bogus: true }));
      socket.send(JSON.stringify({ type: 'no_such_tag' }));
      socket.send(Buffer.from([1, 2, 3]), { binary: true });
      socket.send(JSON.stringify({ type: 'heartbeat', timestamp: '2026-01-10T14:23:45Z' }));
    });
    const dashboard = client({ auth: { queryToken: 'x' } }).dashboardStream();
    const invalid: { kind: string; code: string; action: string; tag: string | null; pointer: string }[] = [];
    dashboard.onState('invalid', (e) => invalid.push({ kind: e.kind, code: e.error.code, action: e.action, tag: e.tag, pointer: e.pointer }));
    const any: unknown[] = [];
    dashboard.onAny((m) => any.push(m));
    const heartbeat = new Promise((resolve) => dashboard.on('heartbeat', resolve));
    expect(await heartbeat).toEqual({ type: 'heartbeat', timestamp: '2026-01-10T14:23:45Z' });
    expect(invalid).toEqual([
      { kind: 'invalid', code: 'SW_FRAME_NOT_JSON', action: 'dropped', tag: null, pointer: '' },
      { kind: 'invalid', code: 'SW_FRAME_INVALID', action: 'dropped', tag: 'metric_update', pointer: '/metrics' },
      { kind: 'invalid', code: 'SW_FRAME_INVALID', action: 'dropped', tag: 'no_such_tag', pointer: '/type' },
      { kind: 'invalid', code: 'SW_FRAME_BINARY', action: 'dropped', tag: null, pointer: '' },
    ]);
    expect(dashboard.invalidCounts).toEqual({ unknown: 0, invalid: 4 });
    expect(any).toHaveLength(1);
  });

  it("onInvalid 'deliver' hands a message that breaks the contract to its handlers, and still reports it", async () => {
    await rawWs((socket) => socket.send(JSON.stringify({ type: 'alert' })));
    const dashboard = client({ auth: { queryToken: 'x' }, onInvalid: 'deliver' }).dashboardStream();
    const reported = nextState(dashboard, 'invalid');
    const alert = new Promise((resolve) => dashboard.on('alert', resolve));
    expect(await alert).toEqual({ type: 'alert' });
    const event = await reported;
    expect(event).toMatchObject({ kind: 'invalid', action: 'delivered', tag: 'alert', message: { type: 'alert' }, frame: '{"type":"alert"}' });
    expect(event.error.code).toBe('SW_FRAME_INVALID');
    expect(event.problems.length).toBeGreaterThan(0);
    expect(dashboard.state).toBe('open');
  });

  it("onInvalid 'close' closes the channel for good on a frame that breaks the contract", async () => {
    await rawWs((socket) => socket.send(JSON.stringify({ type: 'alert' })));
    const dashboard = client({ auth: { queryToken: 'x' }, onInvalid: 'close' }).dashboardStream();
    const reported = nextState(dashboard, 'invalid');
    const closed = await dashboard.closed();
    expect((await reported).action).toBe('closed');
    expect(closed.error?.code).toBe('SW_FRAME_INVALID');
    expect(dashboard.state).toBe('closed');
  });
});
