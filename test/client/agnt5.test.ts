import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createAgnt5Client } from '../../generated/agnt5/client.gen.ts';
import type { ServerError } from '../../generated/agnt5/models.gen.ts';
import { createAgnt5Reference, type Agnt5Reference } from '../../reference-server/agnt5/index.ts';
import { nextState, stateLog, until } from './helpers.ts';

// The generated agnt5 client: API key as the subprotocol, typed invocations answered, outbound
// validation and the size limit (checked on a raw server that counts frames), pacing under the
// 100 messages/s limit against the reference server.
const SCALE = 0.01;
const KEY = 'agnt5_test_key';
const ENDPOINT = 'coffee-shop-e66b8d23';

let ref: Agnt5Reference | undefined;
let origin: string;
const cleanups: (() => Promise<unknown> | void)[] = [];

async function start() {
  ref = createAgnt5Reference({ timeScale: SCALE, seed: 9, secrets: { apiKeys: [KEY] } });
  const { port } = await ref.listen(0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await ref?.close();
  ref = undefined;
});

function client(key = KEY, options: Parameters<typeof createAgnt5Client>[0] = {}) {
  const c = createAgnt5Client({ baseUrl: origin, auth: { apiKeySubprotocol: key }, timeScale: SCALE, ...options });
  cleanups.push(() => c.close());
  return c;
}

describe('agnt5 client', () => {
  it('invokes a workflow and receives its typed execution events', async () => {
    await start();
    const workflow = client().workflow({ 'x-wf-endpoint': ENDPOINT });
    const completed = new Promise<string>((resolve) => workflow.on('execution_completed', (m) => resolve(m.data.execution_id)));
    let started = '';
    workflow.on('execution_started', (m) => (started = m.data.execution_id));
    expect(await nextState(workflow, 'open')).toMatchObject({ scheme: 'apiKeySubprotocol' });
    await workflow.send({ name: 'lookup-order', parameters: { order: 'A-1' } });
    expect(await completed).toBe(started);
  });

  it('an unknown API key surfaces as SW_AUTH_REJECTED (HTTP 401), with no retry', async () => {
    await start();
    const workflow = client('wrong').workflow({ 'x-wf-endpoint': ENDPOINT });
    const log = stateLog(workflow);
    expect(await nextState(workflow, 'closed')).toMatchObject({ httpStatus: 401, error: { code: 'SW_AUTH_REJECTED' } });
    expect(log.some((e) => e.name === 'reconnecting')).toBe(false);
  });

  it('an unknown endpoint (HTTP 404, doNotRetry) surfaces as SW_CONNECTION_REFUSED', async () => {
    await start();
    const workflow = client().workflow({ 'x-wf-endpoint': 'no-such-endpoint' });
    expect(await nextState(workflow, 'closed')).toMatchObject({ httpStatus: 404, error: { code: 'SW_CONNECTION_REFUSED' } });
  });

  it('paces 150 invocations under the 100/s limit instead of being rate limited', async () => {
    await start();
    const workflow = client().workflow({ 'x-wf-endpoint': ENDPOINT });
    let started = 0;
    const errors: ServerError[] = [];
    workflow.on('execution_started', () => started++);
    workflow.on('error', (m) => errors.push(m));
    await workflow.ready();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 150 }, (_, i) => workflow.send({ name: 'lookup-order', parameters: { order: `A-${i}` } })));
    const elapsed = performance.now() - t0;
    await until(() => started + errors.length >= 150, '150 answers', 10_000);
    expect(errors).toEqual([]);
    expect(started).toBe(150);
    // The 101st frame had to wait for the first second to pass.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
  }, 15_000);

  it('the same burst without pacing is rate limited by the server (the test can tell)', async () => {
    await start();
    const workflow = client(KEY, { pace: false }).workflow({ 'x-wf-endpoint': ENDPOINT });
    const errors: ServerError[] = [];
    workflow.on('error', (m) => errors.push(m));
    await workflow.ready();
    await Promise.all(Array.from({ length: 150 }, (_, i) => workflow.send({ name: 'lookup-order', parameters: { order: `A-${i}` } })));
    await until(() => errors.length > 0, 'a rate_limited error');
    expect(errors[0]!.data.code).toBe('rate_limited');
  });
});

describe('agnt5 client outbound checks (raw server counting frames)', () => {
  async function rawServer() {
    const frames: string[] = [];
    let protocol = '';
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (socket) => {
      protocol = socket.protocol;
      socket.on('message', (d) => frames.push(d.toString()));
    });
    cleanups.push(() => new Promise((r) => wss.close(r)));
    cleanups.push(() => wss.clients.forEach((s) => s.terminate()));
    origin = `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
    return { frames, protocol: () => protocol };
  }

  it('an invalid message throws SW_OUTBOUND_INVALID and sends nothing', async () => {
    const raw = await rawServer();
    const workflow = client().workflow({ 'x-wf-endpoint': ENDPOINT });
    await workflow.ready();
    expect(raw.protocol()).toBe(`x-api-key.${KEY}`);
    expect(() => workflow.send({ name: '' })).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
    expect(() => workflow.send({ name: 'x', priority: 1 } as never)).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
    expect(() => workflow.send({ nome: 'x' } as never)).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
    await workflow.send({ name: 'lookup-order' });
    await until(() => raw.frames.length >= 1, 'the valid frame');
    expect(raw.frames).toEqual([JSON.stringify({ name: 'lookup-order' })]);
  });

  it('a message over 64 KiB throws SW_MESSAGE_TOO_LARGE and sends nothing', async () => {
    const raw = await rawServer();
    const workflow = client().workflow({ 'x-wf-endpoint': ENDPOINT });
    await workflow.ready();
    const big = { name: 'lookup-order', parameters: { blob: 'é'.repeat(33_000) } };
    let thrown: unknown;
    try {
      void workflow.send(big);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'SW_MESSAGE_TOO_LARGE', status: 1009 });
    await workflow.send({ name: 'lookup-order', parameters: { blob: 'a'.repeat(60_000) } });
    await until(() => raw.frames.length >= 1, 'the frame under the limit');
    expect(raw.frames).toHaveLength(1);
  });

  it('send after close throws SW_CLIENT_CLOSED', async () => {
    await rawServer();
    const workflow = client().workflow({ 'x-wf-endpoint': ENDPOINT });
    await workflow.ready();
    expect(await workflow.close()).toMatchObject({ code: 1000 });
    expect(() => workflow.send({ name: 'lookup-order' })).toThrow(expect.objectContaining({ code: 'SW_CLIENT_CLOSED' }));
  });
});
