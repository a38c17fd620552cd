import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { api } from '../../generated/agnt5/metadata.gen.ts';
import { createApiClient, type ApiClient, type WsValidators } from '../../runtime/client/index.ts';
import { nextState, until } from './helpers.ts';

// A channel whose validators come from `load` (what the generated client passes: an import of the
// channel's module): imported before the first attempt, once per client; a send made before that
// waits for them, in order; a failed import closes the channel with SW_VALIDATORS_UNAVAILABLE.
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function rawServer() {
  const frames: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => [...p][0] ?? false });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (socket) => socket.on('message', (d) => frames.push(d.toString())));
  cleanups.push(() => new Promise((r) => wss.close(r)));
  return { frames, origin: `http://127.0.0.1:${(wss.address() as { port: number }).port}` };
}

function client(origin: string): ApiClient {
  const c = createApiClient(api, { baseUrl: origin, auth: { apiKeySubprotocol: 'agnt5_key' } });
  cleanups.push(() => c.close());
  return c;
}

const accept = () => ({ ok: true });
const onlyNames = (data: unknown) =>
  typeof (data as { name?: unknown }).name === 'string'
    ? { ok: true }
    : { ok: false, errors: [{ pointer: '/name', keyword: 'type', message: 'must be string' }] };

describe('client: lazy channel validators', () => {
  it('loads once per client, before connecting; sends made before then wait, in order', async () => {
    const { frames, origin } = await rawServer();
    const c = client(origin);
    let calls = 0;
    const load = (): Promise<WsValidators> => (calls++, Promise.resolve({ inbound: accept, outbound: onlyNames }));
    const first = c.ws({ channel: 'workflow', load }, { 'x-wf-endpoint': 'e' });
    const sent = [first.send({ name: 'a' }), first.send({ name: 'b' })];
    const refused = first.send({ name: 3 });
    await expect(refused).rejects.toMatchObject({ code: 'SW_OUTBOUND_INVALID' });
    await Promise.all(sent);
    await until(() => frames.length === 2, 'two frames');
    expect(frames.map((f) => JSON.parse(f).name)).toEqual(['a', 'b']);
    // A second connection of the channel gets them synchronously: an invalid send throws at the call.
    const second = c.ws({ channel: 'workflow', load }, { 'x-wf-endpoint': 'e' });
    expect(() => second.send({ name: 4 })).toThrow(/must be string/);
    expect(calls).toBe(1);
  });

  it('a failed import closes the channel with SW_VALIDATORS_UNAVAILABLE, without retrying', async () => {
    const { origin } = await rawServer();
    const channel = client(origin).ws({ channel: 'workflow', load: () => Promise.reject(new Error('network down')) }, { 'x-wf-endpoint': 'e' });
    expect(await nextState(channel, 'closed')).toMatchObject({
      error: { code: 'SW_VALIDATORS_UNAVAILABLE', message: 'the validators of channel workflow could not be loaded: network down' },
    });
  });
});
