import { afterEach, describe, expect, it } from 'vitest';
import { createSteadybaseClient, type EventsConnection } from '../../generated/steadybase/client.gen.ts';
import type { WorkerStatus } from '../../generated/steadybase/models.gen.ts';
import { createSteadybaseReference, type SteadybaseReference } from '../../reference-server/steadybase/index.ts';
import WebSocket from 'ws';
import { nextState, stateLog, until } from './helpers.ts';

// The generated steadybase client against the reference server over real sockets: bearer header
// in Node (ws), the access_token query on the browser path, the HTTP endpoint, reconnection, and
// a reconnection storm.
const SECRET = new TextEncoder().encode('steadybase-client-test-secret-0123456789');
const SCALE = 0.01;

let ref: SteadybaseReference | undefined;
let origin: string;
let token: string;
const opened: { close(): Promise<unknown> }[] = [];

async function start(scale = SCALE) {
  ref = createSteadybaseReference({ timeScale: scale, seed: 3, secrets: { jwtSecret: SECRET } });
  const { port } = await ref.listen(0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  token = (await ref.credentials()).find((c) => c.scheme === 'bearerJwt')!.value;
}

function track<T extends { close(): Promise<unknown> }>(c: T): T {
  opened.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await ref?.close();
  ref = undefined;
});

describe('steadybase client', () => {
  it('receives typed events with the bearer header (Node, ws)', async () => {
    await start();
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: token }, timeScale: SCALE }));
    const events = client.events();
    const statuses: WorkerStatus[] = [];
    events.on('worker-status', (m) => statuses.push(m));
    const open = await nextState(events, 'open');
    expect(open).toEqual({ reconnected: false, scheme: 'bearerJwt' });
    await until(() => statuses.length >= 2, 'worker-status events');
    for (const s of statuses) expect(s.type).toBe('worker-status');
    expect(typeof statuses[0]!.workerId).toBe('string');
  });

  it('the browser path sends the token as access_token (the contract’s browser alternative)', async () => {
    await start();
    let url = '';
    // A WHATWG-style constructor (ws in that role) that records the URL it was given.
    const Recording = class extends WebSocket {
      constructor(u: string, protocols?: string | string[]) {
        super(u, protocols);
        url = u;
      }
    };
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: token }, environment: 'browser', WebSocket: Recording as never }));
    const events = client.events();
    const seen: string[] = [];
    events.onAny((m) => seen.push(m.type));
    expect(await nextState(events, 'open')).toEqual({ reconnected: false, scheme: 'accessTokenQuery' });
    expect(new URL(url).searchParams.get('access_token')).toBe(token);
    await until(() => seen.length >= 1, 'an event');
  });

  it('a rejected token surfaces as SW_AUTH_REJECTED, with no retry', async () => {
    await start();
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: 'not-a-jwt' }, timeScale: SCALE }));
    const events = client.events();
    const log = stateLog(events);
    const closed = await nextState(events, 'closed');
    expect(closed.error?.code).toBe('SW_AUTH_REJECTED');
    expect(closed.httpStatus).toBe(401);
    expect(log.filter((e) => e.name === 'reconnecting')).toEqual([]);
    expect(log.filter((e) => e.name === 'open')).toEqual([]);
    await expect(events.ready()).rejects.toMatchObject({ code: 'SW_AUTH_REJECTED' });
    // The iterator tells the reader why it ended.
    await expect(events.messages().next()).rejects.toMatchObject({ code: 'SW_AUTH_REJECTED' });
  });

  it('sends over the HTTP endpoint are answered on the socket (task-update)', async () => {
    await start();
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: token }, timeScale: SCALE }));
    const events = client.events();
    await events.ready();
    const update = new Promise((resolve) => events.on('task-update', (m) => m.taskId === 'task-001' && resolve(m)));
    const response = await client.taskStatus({ taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp' });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ delivered: 1 });
    expect(await update).toMatchObject({ type: 'task-update', taskId: 'task-001', status: 'completed' });
    await expect(client.taskStatus({ taskId: 'task-001', status: 'done?' } as never)).rejects.toMatchObject({ code: 'SW_OUTBOUND_INVALID' });
  });

  it('reconnects after the server drops the socket, and events flow again', async () => {
    await start();
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: () => token }, timeScale: SCALE }));
    const events = client.events();
    await events.ready();
    const reconnecting = nextState(events, 'reconnecting');
    const reopened = nextState(events, 'open');
    for (const peer of ref!.stub.events.peers()) peer.close(1001, 'going away');
    expect((await reconnecting).error.code).toBe('SW_CONNECTION_LOST');
    expect(await reopened).toMatchObject({ reconnected: true });
    const after: unknown[] = [];
    events.onAny((m) => after.push(m));
    await until(() => after.length >= 1, 'an event after reconnecting');
  });

  it('200 clients cut off at once do not reconnect in lockstep', async () => {
    // First retry of steadybase: min(1000 · 2^1, 30000) = 2000 ms, here × 0.1 = a 200 ms window.
    const scale = 0.1;
    const window = 2000 * scale;
    await start(scale);
    const client = track(createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: token }, timeScale: scale }));
    const channels: EventsConnection[] = Array.from({ length: 200 }, () => client.events());
    await Promise.all(channels.map((c) => c.ready()));
    const delays: number[] = [];
    const reopenedAt: number[] = [];
    for (const c of channels) {
      c.onState('reconnecting', (e) => delays.push(e.delayMs));
      c.onState('open', (e) => e.reconnected && reopenedAt.push(performance.now()));
    }
    const cut = performance.now();
    for (const peer of ref!.stub.events.peers()) peer.close(1001, 'going away');
    await until(() => reopenedAt.length === 200, '200 reconnections', 10_000);
    const offsets = reopenedAt.map((t) => t - cut).sort((a, b) => a - b);
    // The advised delays themselves are spread over the window…
    expect(Math.min(...delays)).toBeLessThan(window * 0.15);
    expect(Math.max(...delays)).toBeGreaterThan(window * 0.85);
    // …and so are the reconnections that happened: no 10 ms slot holds more than a fifth of them.
    expect(offsets[offsets.length - 1]! - offsets[0]!).toBeGreaterThan(window * 0.6);
    const slots = new Map<number, number>();
    for (const o of offsets) slots.set(Math.floor(o / 10), (slots.get(Math.floor(o / 10)) ?? 0) + 1);
    expect(Math.max(...slots.values())).toBeLessThanOrEqual(40);
  }, 20_000);
});
