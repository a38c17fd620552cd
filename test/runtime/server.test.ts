import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/src/generate.ts';
import { writeFiles } from '../../generator/src/write/write.ts';
import type { ApiDescription } from '../../runtime/contract.ts';
import { signJwt, verifyJwt } from '../../runtime/auth/jwt.ts';
import {
  createRuntimeServer,
  type ChannelValidator,
  type ConnectionInfo,
  type RuntimeServer,
  type RuntimeServerOptions,
  type SsePeer,
  type WsPeer,
} from '../../runtime/server/index.ts';
import { answerHead } from '../support/http.ts';
import { RawSse } from '../support/sse.ts';
import { RawWs } from '../support/ws.ts';

// The runtime is exercised over real sockets on 127.0.0.1 with independent clients (`ws`, raw
// HTTP), on code generated from a small contract that uses every behaviour it implements.
const SPEC = 'test/fixtures/runtime/echo.asyncapi.yaml';
const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret!');
const SCALE = 0.05;

let dir: string;
let api: ApiDescription;
let validators: Record<string, ChannelValidator>;
let server: RuntimeServer;
let port: number;
const errors: Error[] = [];

const token = (sub: string, extra: { exp?: number; nbf?: number; alg?: string } = {}) => {
  const jwt = new SignJWT({ sub }).setProtectedHeader({ alg: extra.alg ?? 'HS256' }).setIssuedAt();
  if (extra.exp !== undefined) jwt.setExpirationTime(extra.exp);
  else jwt.setExpirationTime('1h');
  if (extra.nbf !== undefined) jwt.setNotBefore(extra.nbf);
  return jwt.sign(SECRET);
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(process.cwd(), '.tmp-runtime-'));
  const result = await generate(SPEC, { name: 'echo' });
  if (!result.files) throw new Error(JSON.stringify(result.diagnostics));
  await writeFiles(dir, result.files, { check: false });
  api = ((await import(pathToFileURL(path.join(dir, 'metadata.gen.ts')).href)) as { api: ApiDescription }).api;
  validators = (await import(pathToFileURL(path.join(dir, 'validators.gen.js')).href)) as Record<string, ChannelValidator>;
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const infos: { error: Error & { code?: string }; info?: { channel?: string; connection?: number } }[] = [];

async function start(overrides: Partial<RuntimeServerOptions> = {}) {
  errors.length = 0;
  infos.length = 0;
  server = createRuntimeServer({
    api,
    validators: {
      room: { send: validators.validateRoomServerMessage!, receive: validators.validateRoomClientMessage! },
      feed: { send: validators.validateFeedServerEvent! },
    },
    handlers: {
      room: {
        authorize: (peer: ConnectionInfo) =>
          peer.params.room === 'missing' ? { errorCode: 'not_found', message: 'no such room', closeCode: 4404 } : undefined,
        message: (peer: WsPeer, message: unknown) => {
          const text = (message as { text: string }).text;
          server.broadcast('room', { type: 'said', from: peer.principal?.subject ?? '?', text }, { room: peer.params.room! });
        },
      },
      feed: { open: (peer: SsePeer) => peer.send('item', { n: peer.resumed ? -1 : 0 }) },
    },
    auth: { jwtSecret: SECRET, session: (id) => (id === 'good-session' ? 'ann' : undefined), allowedOrigins: ['http://app.test'] },
    errorMessage: (_channel, code, message) => ({ type: 'error', code, message }),
    heartbeatMessage: (channel) => (channel === 'room' ? { type: 'heartbeat', timestamp: new Date().toISOString() } : { ts: Date.now() }),
    invalidFrameErrorCode: () => 'invalid_message',
    timeScale: SCALE,
    onError: (e, info) => {
      errors.push(e);
      infos.push({ error: e as Error & { code?: string }, info });
    },
    ...overrides,
  });
  ({ port } = await server.listen(0));
}

afterEach(async () => {
  await server?.close();
});

/** A `ws` client that records every frame, the close and a refused upgrade. */
const connect = (pathAndQuery: string, protocols?: string[]) => new RawWs(`ws://127.0.0.1:${port}${pathAndQuery}`, protocols ? { protocols } : {});

describe('WebSocket channel', () => {
  it('authenticates with the query token, validates, broadcasts to the room only', async () => {
    await start();
    const a = connect(`/rooms/blue?token=${await token('ann')}`);
    const b = connect(`/rooms/blue?token=${await token('bob')}`);
    const other = connect(`/rooms/red?token=${await token('cy')}`);
    await Promise.all([a.opened(), b.opened(), other.opened()]);
    a.ws.send(JSON.stringify({ type: 'say', text: 'hi' }));
    await b.until(() => b.ofType('said').length === 1);
    expect(b.ofType('said')).toEqual([{ type: 'said', from: 'ann', text: 'hi' }]);
    await a.until(() => a.ofType('said').length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(other.ofType('said')).toEqual([]);
  });

  it("keeps a tick's broadcasts and a direct send in the order the application made them", async () => {
    await start({
      handlers: {
        room: {
          message: (peer: WsPeer) => {
            // Broadcast frames wait for the end of the tick; the direct send must not overtake them.
            for (const text of ['1', '2', '3']) server.broadcast('room', { type: 'said', from: 'all', text }, { room: 'blue' });
            peer.send({ type: 'said', from: 'direct', text: '4' });
            server.broadcast('room', { type: 'said', from: 'all', text: '5' }, { room: 'blue' });
          },
        },
      },
    });
    const a = connect(`/rooms/blue?token=${await token('ann')}`);
    const b = connect(`/rooms/blue?token=${await token('bob')}`);
    await Promise.all([a.opened(), b.opened()]);
    a.ws.send(JSON.stringify({ type: 'say', text: 'go' }));
    await a.until(() => a.ofType('said').length === 5);
    await b.until(() => b.ofType('said').length === 4);
    expect(a.ofType('said').map((m) => (m as { text: string }).text)).toEqual(['1', '2', '3', '4', '5']);
    expect(b.ofType('said').map((m) => (m as { text: string }).text)).toEqual(['1', '2', '3', '5']);
  });

  it('gives one connection one id, from the check before the upgrade to the open session', async () => {
    const seen: [string, number][] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    await start({
      handlers: {
        room: {
          authorize: (info: ConnectionInfo) => void seen.push(['authorize', info.id]),
          open: (peer: WsPeer) => {
            seen.push(['open', peer.id]);
            opened();
          },
        },
      },
    });
    const a = connect(`/rooms/blue?token=${await token('ann')}`);
    await open;
    expect(seen).toEqual([
      ['authorize', seen[0]![1]],
      ['open', seen[0]![1]],
    ]);
    expect(server.wsPeers('room').map((p) => p.id)).toEqual([seen[0]![1]]);
    a.ws.close();
  });

  it('takes the token from the first message instead', async () => {
    await start();
    const c = connect('/rooms/blue');
    await c.opened();
    c.ws.send(JSON.stringify({ type: 'auth', token: await token('dee') }));
    c.ws.send(JSON.stringify({ type: 'say', text: 'after auth' }));
    await c.until(() => c.ofType('said').length === 1);
    expect(c.ofType('said')[0]).toMatchObject({ from: 'dee' });
  });

  it.each([
    ['a bad signature', async () => `?token=${(await token('x')).slice(0, -4)}AAAA`],
    ['alg none', async () => `?token=${new UnsecuredJWT({ sub: 'x' }).setIssuedAt().setExpirationTime('1h').encode()}`],
    ['an expired token', async () => `?token=${await token('x', { exp: Math.floor(Date.now() / 1000) - 60 })}`],
    ['a not-yet-valid token', async () => `?token=${await token('x', { nbf: Math.floor(Date.now() / 1000) + 600 })}`],
    ['an HS512 token (algorithm not pinned)', async () => `?token=${await token('x', { alg: 'HS512' })}`],
  ])('rejects %s with the contract error and 4401, before any data', async (_name, query) => {
    await start();
    const c = connect(`/rooms/blue${await query()}`);
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(4401);
    expect(c.frames).toEqual([{ type: 'error', code: 'unauthorized', message: expect.any(String) }]);
  });

  it('closes a connection that never authenticates, after the deadline', async () => {
    await start();
    const c = connect('/rooms/blue');
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(4401);
    expect(c.ofType('error')[0]).toMatchObject({ code: 'unauthorized' });
  });

  it('answers bad frames with the contract error and stays up', async () => {
    await start();
    const c = connect(`/rooms/blue?token=${await token('ann')}`);
    await c.opened();
    c.ws.send('not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.ws.send(JSON.stringify({ type: 'nope' }));
    c.ws.send(JSON.stringify({ type: 'say', text: 5 }));
    c.ws.send(JSON.stringify({ type: 'say', text: 'still here' }));
    await c.until(() => c.ofType('said').length === 1);
    expect(c.ofType('error').map((e) => e.code)).toEqual(['invalid_message', 'invalid_message', 'invalid_message', 'invalid_message']);
    expect(c.closed).toBeUndefined();
  });

  it('closes with 1009 on a frame over the size limit', async () => {
    await start();
    const c = connect(`/rooms/blue?token=${await token('ann')}`);
    await c.opened();
    c.ws.send(JSON.stringify({ type: 'say', text: 'x'.repeat(2000) }));
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1009);
    expect(errors.map((e) => (e as { code?: string }).code)).toContain('SW_FRAME_TOO_LARGE');
  });

  it('drops frames over the rate limit with rate_limited, keeping the connection', async () => {
    await start();
    const c = connect(`/rooms/blue?token=${await token('ann')}`);
    await c.opened();
    for (let i = 0; i < 30; i++) c.ws.send(JSON.stringify({ type: 'say', text: `m${i}` }));
    await c.until(() => c.ofType('said').length + c.ofType('error').length >= 30);
    expect(c.ofType('said')).toHaveLength(20);
    expect(c.ofType('error').every((e) => e.code === 'rate_limited')).toBe(true);
    expect(c.closed).toBeUndefined();
  });

  it('refuses the connection over the per-user limit', async () => {
    await start();
    const t = await token('ann');
    const first = [connect(`/rooms/a?token=${t}`), connect(`/rooms/b?token=${t}`), connect(`/rooms/c?token=${t}`)];
    await Promise.all(first.map((c) => c.opened()));
    const fourth = connect(`/rooms/d?token=${t}`);
    await fourth.until(() => fourth.closed !== undefined);
    expect(fourth.closed!.code).toBe(4429);
    expect(fourth.frames).toEqual([{ type: 'error', code: 'too_many', message: expect.any(String) }]);
    // Another user is not affected, and a freed slot can be used again.
    const other = connect(`/rooms/d?token=${await token('bob')}`);
    await other.opened();
    first[0]!.ws.close();
    await first[0]!.until(() => first[0]!.closed !== undefined);
    await new Promise((r) => setTimeout(r, 30));
    const again = connect(`/rooms/d?token=${t}`);
    await again.opened();
  });

  it('lets the application refuse with a contract error', async () => {
    await start();
    const c = connect(`/rooms/missing?token=${await token('ann')}`);
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(4404);
    expect(c.frames).toEqual([{ type: 'error', code: 'not_found', message: 'no such room' }]);
  });

  it('sends heartbeats; a client that answers stays, one that does not is closed with 4408', async () => {
    await start();
    const good = connect(`/rooms/blue?token=${await token('ann')}`);
    const silent = connect(`/rooms/blue?token=${await token('bob')}`);
    good.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'heartbeat') good.ws.send(JSON.stringify({ type: 'pong' }));
    });
    await silent.until(() => silent.closed !== undefined);
    expect(silent.closed).toEqual({ code: 4408, reason: 'pong timeout' });
    expect(silent.ofType('heartbeat').length).toBeGreaterThanOrEqual(1);
    expect(good.closed).toBeUndefined();
    expect(good.ofType('heartbeat').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses to send an invalid message when outbound validation is on', async () => {
    await start();
    expect(() => server.broadcast('room', { type: 'said', from: 1 })).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
  });

  it('shuts down gracefully with 1001', async () => {
    await start();
    const c = connect(`/rooms/blue?token=${await token('ann')}`);
    await c.opened();
    await server.close();
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1001);
  });

  it('answers an unknown address with 404 before upgrading', async () => {
    await start();
    const c = connect('/nowhere');
    await c.until(() => c.status !== undefined || c.closed !== undefined);
    expect(c.status).toBe(404);
  });
});

/** A raw HTTP SSE reader: headers, then parsed events as they arrive. */
/** A raw SSE client on the echo server. */
const sse = (pathname: string, headers: Record<string, string>) => new RawSse({ port, path: pathname, headers });

describe('SSE channel', () => {
  it('rejects a missing or unknown session cookie with 401, a foreign origin with 403', async () => {
    await start();
    const none = sse('/feed', {});
    const bad = sse('/feed', { cookie: 'session=nope' });
    const foreign = sse('/feed', { cookie: 'session=good-session', origin: 'http://evil.test' });
    await none.until(() => none.status !== undefined);
    await bad.until(() => bad.status !== undefined);
    await foreign.until(() => foreign.status !== undefined);
    expect([none.status, bad.status, foreign.status]).toEqual([401, 401, 403]);
  });

  it('streams with the contract headers, ids, retry and heartbeat events', async () => {
    await start();
    const s = sse('/feed', { cookie: 'session=good-session', origin: 'http://app.test' });
    await s.until(() => s.events.some((e) => e.event === 'tick'));
    expect(s.headers['content-type']).toBe('text/event-stream');
    expect(s.headers['x-accel-buffering']).toBe('no');
    expect(s.events[0]).toEqual({ retry: String(1000 * SCALE) });
    expect(s.events[1]).toMatchObject({ event: 'item', data: '{"n":0}' });
    expect(s.events.filter((e) => e.event).every((e) => /^[0-9a-f]{8}-\d+$/.test(e.id ?? ''))).toBe(true);
    s.close();
  });

  it('resumes with Last-Event-ID: nothing lost, nothing repeated', async () => {
    await start();
    const first = sse('/feed', { cookie: 'session=good-session' });
    await first.until(() => first.events.some((e) => e.event === 'item'));
    server.publish('feed', 'item', { n: 1 });
    server.publish('feed', 'item', { n: 2 });
    await first.until(() => first.events.filter((e) => e.event === 'item').length === 3);
    const lastSeen = first.events.filter((e) => e.event === 'item')[2]!.id!;
    first.close();
    await new Promise((r) => setTimeout(r, 20));
    server.publish('feed', 'item', { n: 3 });
    server.publish('feed', 'item', { n: 4 });
    const second = sse('/feed', { cookie: 'session=good-session', 'last-event-id': lastSeen });
    await second.until(() => second.events.filter((e) => e.event === 'item').length >= 3);
    server.publish('feed', 'item', { n: 5 });
    await second.until(() => second.events.filter((e) => e.event === 'item').length >= 4);
    expect(second.events.filter((e) => e.event === 'item').map((e) => JSON.parse(e.data!).n)).toEqual([3, 4, -1, 5]);
    second.close();
  });

  it('replays a Last-Event-ID backlog larger than the slow-consumer bound without cutting the client off', async () => {
    await start({ maxBufferedBytes: 512 });
    const first = sse('/feed', { cookie: 'session=good-session' });
    await first.until(() => first.events.some((e) => e.event === 'item'));
    const resumeFrom = first.events.find((e) => e.event === 'item')!.id!;
    first.close();
    await new Promise((r) => setTimeout(r, 20));
    for (let n = 1; n <= 40; n++) server.publish('feed', 'item', { n });
    const second = sse('/feed', { cookie: 'session=good-session', 'last-event-id': resumeFrom });
    await second.until(() => second.events.filter((e) => e.event === 'item').length >= 41);
    expect(
      second.events
        .filter((e) => e.event === 'item')
        .slice(0, 40)
        .map((e) => JSON.parse(e.data!).n),
    ).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(second.ended).toBe(false);
    second.close();
  });

  it('reports a slow consumer it cuts off, once, with its channel and connection (SSE and WebSocket)', async () => {
    await start({ maxBufferedBytes: 512 });
    const feed = sse('/feed', { cookie: 'session=good-session' });
    await feed.until(() => feed.events.some((e) => e.event === 'item'));
    // Forty events in one tick leave as one write: far past 512 unsent bytes.
    for (let n = 1; n <= 40; n++) server.publish('feed', 'item', { n });
    await feed.until(() => feed.ended);
    const room = connect(`/rooms/blue?token=${await token('ann')}`);
    await room.opened();
    for (let n = 0; n < 40; n++) server.broadcast('room', { type: 'said', from: 'x', text: 'y'.repeat(40) }, { room: 'blue' });
    await room.until(() => room.closed !== undefined);
    const cuts = errors.filter((e) => (e as { code?: string }).code === 'SW_SLOW_CONSUMER');
    expect(cuts.map((e) => e.message.replace(/\d+ bytes/, 'N bytes'))).toEqual([
      expect.stringMatching(/^connection \d+ has N bytes unsent$/),
      expect.stringMatching(/^connection \d+ has N bytes unsent$/),
    ]);
    expect(infos.filter((i) => i.error.code === 'SW_SLOW_CONSUMER').map((i) => i.info?.channel)).toEqual(['feed', 'room']);
  });

  it('CORS: answers preflights and marks responses for allowed origins only; off by default', async () => {
    const call = (method: string, headers: Record<string, string>) => answerHead(`http://127.0.0.1:${port}/feed`, method, headers);
    const preflight = (origin: string) =>
      call('OPTIONS', { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' });

    await start();
    expect((await preflight('http://app.test')).status).toBe(403);
    expect((await call('GET', { origin: 'http://app.test', cookie: 'session=good-session' })).headers).not.toHaveProperty('access-control-allow-origin');
    await server.close();

    await start({ cors: { origins: ['http://app.test'] } });
    const allowed = await preflight('http://app.test');
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'http://app.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD',
    });
    expect(String(allowed.headers['access-control-allow-headers']).split(', ')).toContain('Last-Event-ID');
    const foreign = await preflight('http://evil.test');
    expect(foreign.status).toBe(403);
    expect(foreign.headers).not.toHaveProperty('access-control-allow-origin');

    const stream = await call('GET', { origin: 'http://app.test', cookie: 'session=good-session' });
    expect(stream.status).toBe(200);
    expect(stream.headers).toMatchObject({
      'access-control-allow-origin': 'http://app.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
      'content-type': 'text/event-stream',
    });
    // A refusal is readable by the page too, so a client can tell it from a network failure.
    const refused = await call('GET', { origin: 'http://app.test' });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('http://app.test');
    const other = await call('GET', { origin: 'http://evil.test', cookie: 'session=good-session' });
    expect(other.status).toBe(403);
    expect(other.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('answers HEAD with the stream headers and no stream', async () => {
    await start();
    const res = await new Promise<{ status?: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/feed', method: 'HEAD', headers: { cookie: 'session=good-session' } }, (r) => {
        let body = '';
        r.on('data', (d) => (body += String(d)));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toMatchObject({ status: 200, body: '' });
    expect(res.headers['content-type']).toBe('text/event-stream');
  });

  it('ends the stream at the contract maximum duration', async () => {
    await start();
    const s = sse('/feed', { cookie: 'session=good-session' });
    await s.until(() => s.ended, 5000 * SCALE + 2000);
    expect(s.status).toBe(200);
  });

  it('refuses to publish an event that breaks the contract', async () => {
    await start();
    expect(() => server.publish('feed', 'item', { n: 'one' })).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
    expect(() => server.publish('feed', 'nope', {})).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
  });
});

describe('HTTP edge cases and dev tokens', () => {
  it('answers oversized request headers with 431 instead of cutting the connection', async () => {
    await start();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/feed', headers: { cookie: 'x'.repeat(20_000), 'x-more': 'y'.repeat(20_000) } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
  });

  it('signJwt counts iat and exp from the given clock, also for a duration string', async () => {
    const now = Date.UTC(2030, 0, 1);
    const jwt = await signJwt({ sub: 'ann' }, SECRET, { now, expiresIn: '2h' });
    const claims = await verifyJwt(jwt, { secret: SECRET, algorithms: ['HS256'], now: () => now });
    expect([claims.iat, claims.exp]).toEqual([now / 1000, now / 1000 + 7200]);
    await expect(signJwt({ sub: 'ann' }, SECRET, { expiresIn: 'soon' })).rejects.toMatchObject({ code: 'SW_CONFIG_INVALID' });
  });
});
