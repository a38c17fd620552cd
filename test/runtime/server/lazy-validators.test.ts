import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, generateInto, importGenerated, tempDir } from '../../generator/harness.ts';
import type { ApiDescription } from '../../../runtime/contract.ts';
import { createRuntimeServer, type ChannelValidators, type RuntimeServer, type WsPeer } from '../../../runtime/server/index.ts';
import { RawWs } from '../../support/ws.ts';

// A channel's validators given as a function (what the generated server passes: an import of the
// channel's module) are imported on its first connection, once, before any of its frames is read;
// a broadcast before that waits for them; a failed import is SW_VALIDATORS_UNAVAILABLE, tried again.
const SPEC = 'test/fixtures/runtime/echo.asyncapi.yaml';
const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret!');

let dir: string;
let api: ApiDescription;
let roomModule: string;
let server: RuntimeServer | undefined;
let port: number;
const errors: (Error & { code?: string })[] = [];
const said: string[] = [];

const token = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(SECRET);

beforeAll(async () => {
  dir = await tempDir('lazy-validators');
  await generateInto(SPEC, dir, 'echo');
  api = (await importGenerated<{ api: ApiDescription }>(dir, 'metadata.gen.ts')).api;
  roomModule = pathToFileURL(path.join(dir, 'validators', 'Room.gen.js')).href;
});

afterAll(() => cleanup(dir));

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Starts a server whose room channel loads its validators through `load`. */
async function start(load: () => Promise<ChannelValidators>) {
  errors.length = 0;
  said.length = 0;
  server = createRuntimeServer({
    api,
    validators: { room: load },
    handlers: { room: { message: (_peer: WsPeer, message: unknown) => said.push((message as { text: string }).text) } },
    auth: { jwtSecret: SECRET },
    errorMessage: (_channel, code, message) => ({ type: 'error', code, message }),
    invalidFrameErrorCode: () => 'invalid_message',
    onError: (e) => errors.push(e),
  });
  ({ port } = await server.listen(0));
}

const connect = async (room = 'blue') => new RawWs(`ws://127.0.0.1:${port}/rooms/${room}?token=${await token('ann')}`);
const importRoom = () =>
  import(roomModule).then((v: { send: ChannelValidators['send']; receive: ChannelValidators['receive'] }) => ({ send: v.send, receive: v.receive }));

describe('lazy channel validators', () => {
  it('imports them on the first connection only, once, and validates every frame in order', async () => {
    let calls = 0;
    await start(() => (calls++, importRoom()));
    expect(calls).toBe(0);
    const a = await connect();
    const b = await connect();
    await Promise.all([a.opened(), b.opened()]);
    expect(calls).toBe(1);
    // Sent at once on open: the first frames of the connection are validated, in order.
    a.ws.send(JSON.stringify({ type: 'say', text: 'one' }));
    a.ws.send(JSON.stringify({ type: 'say', text: 2 }));
    a.ws.send(JSON.stringify({ type: 'say', text: 'three' }));
    await a.until(() => a.frames.some((f) => f.type === 'error'));
    await a.until(() => said.length === 2);
    expect(said).toEqual(['one', 'three']);
    expect(a.frames.filter((f) => f.type === 'error')).toMatchObject([{ code: 'invalid_message' }]);
  });

  it('a broadcast before any connection waits for the import: an invalid one is reported, not thrown', async () => {
    let calls = 0;
    await start(() => (calls++, importRoom()));
    expect(server!.broadcast('room', { type: 'said', from: 'x', text: 1 }, { room: 'blue' })).toBe(0);
    expect(server!.broadcast('room', { type: 'said', from: 'x', text: 2 }, { room: 'blue' })).toBe(0);
    await new Promise<void>((resolve) => {
      const wait = () => (errors.length > 1 ? resolve() : setImmediate(wait));
      wait();
    });
    expect(calls).toBe(1);
    expect(errors).toMatchObject([{ code: 'SW_OUTBOUND_INVALID', message: expect.stringMatching(/refusing to broadcast/) }, { code: 'SW_OUTBOUND_INVALID' }]);
    // Loaded now: synchronous again, and an invalid message throws at the call.
    expect(() => server!.broadcast('room', { type: 'said', from: 'x', text: 1 }, { room: 'blue' })).toThrow(/refusing to broadcast/);
  });

  it('a failed import refuses the connection with SW_VALIDATORS_UNAVAILABLE and is tried again on the next one', async () => {
    let calls = 0;
    await start(() => (++calls === 1 ? Promise.reject(new Error('module not found')) : importRoom()));
    const first = await connect();
    await first.until(() => first.status !== undefined || first.failed);
    expect(first.status).toBe(500);
    expect(errors.map((e) => e.code)).toContain('SW_VALIDATORS_UNAVAILABLE');
    const second = await connect();
    await second.opened();
    second.ws.send(JSON.stringify({ type: 'say', text: 'again' }));
    await second.until(() => said.length === 1);
    expect(calls).toBe(2);
  });
});
