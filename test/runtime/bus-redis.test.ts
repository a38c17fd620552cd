import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/src/generate.ts';
import { writeFiles } from '../../generator/src/write/write.ts';
import { redisBus } from '../../runtime/bus/redis.ts';
import type { ApiDescription } from '../../runtime/contract.ts';
import type { StreamwrightError } from '../../runtime/errors.ts';
import { createRuntimeServer, type ChannelValidator, type RuntimeServer } from '../../runtime/server/index.ts';
import { TestRedis, redisSkipReason } from '../support/redis.ts';
import { RawSse } from '../support/sse.ts';
import { RawWs } from '../support/ws.ts';

// Several runtime servers (instances) of one API share a real redis-server: broadcasts, SSE
// resumption and connection limits must behave as if they were one server.
const SPEC = 'test/fixtures/runtime/echo.asyncapi.yaml';
const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret!');
const skip = redisSkipReason();
if (skip) console.warn(skip);

let dir: string;
let api: ApiDescription;
let validators: Record<string, ChannelValidator>;
const redis = new TestRedis();
const started: RuntimeServer[] = [];
let prefix = 0;

interface Instance {
  server: RuntimeServer;
  port: number;
  errors: Error[];
}

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(path.join(process.cwd(), '.tmp-bus-'));
  const result = await generate(SPEC, { name: 'echo' });
  if (!result.files) throw new Error(JSON.stringify(result.diagnostics));
  await writeFiles(dir, result.files, { check: false });
  api = ((await import(pathToFileURL(path.join(dir, 'metadata.gen.ts')).href)) as { api: ApiDescription }).api;
  validators = (await import(pathToFileURL(path.join(dir, 'validators.gen.js')).href)) as Record<string, ChannelValidator>;
  await redis.start();
  // Generating the test API under a loaded machine can take a while.
}, 60_000);

afterAll(async () => {
  if (skip) return;
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** `count` instances on one bus (a fresh key prefix per test, so tests share nothing). */
async function instances(count: number, timeScale = 10): Promise<Instance[]> {
  const busPrefix = `t${++prefix}`;
  const out: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const errors: Error[] = [];
    const server = createRuntimeServer({
      api,
      validators: {
        room: { send: validators.validateRoomServerMessage!, receive: validators.validateRoomClientMessage! },
        feed: { send: validators.validateFeedServerEvent! },
      },
      handlers: {},
      auth: { jwtSecret: SECRET, session: (id) => (id === 'good-session' ? 'ann' : undefined) },
      errorMessage: (_channel, code, message) => ({ type: 'error', code, message }),
      heartbeatMessage: (channel) => (channel === 'room' ? { type: 'heartbeat', timestamp: new Date().toISOString() } : { ts: Date.now() }),
      timeScale,
      bus: redisBus({ url: redis.url, prefix: busPrefix, instance: `i${i}`, lookupTimeoutMs: 2000 }),
      onError: (e) => errors.push(e),
    });
    started.push(server);
    const { port } = await server.listen(0);
    out.push({ server, port, errors });
  }
  return out;
}

const token = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(SECRET);

async function joinRoom(port: number, room: string, sub = 'ann'): Promise<RawWs> {
  const ws = new RawWs(`ws://127.0.0.1:${port}/rooms/${room}?token=${await token(sub)}`);
  await ws.opened();
  return ws;
}

const said = (ws: RawWs) => ws.ofType('said').map((f) => f.text as string);
const codes = (errors: Error[]) => errors.map((e) => (e as StreamwrightError).code);

describe.skipIf(skip !== undefined)('runtime bus on Redis', () => {
  it('brings a broadcast from instance A to the clients of B and C exactly once, and a targeted send to one connection', async () => {
    const [a, b, c] = await instances(3);
    // Four users: the contract allows each three connections.
    const clients = [await joinRoom(a!.port, 'x', 'ann'), await joinRoom(b!.port, 'x', 'bob'), await joinRoom(c!.port, 'x', 'cy')];
    const elsewhere = await joinRoom(c!.port, 'y', 'dee');
    // Accepted (past the limit check, which asks Redis) once the instances list them.
    const listed = () => [a!, b!, c!].map((i) => i.server.connections('room').ws.length).join();
    await elsewhere.until(() => listed() === '1,1,2', 'four accepted connections');
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const text of texts) expect(a!.server.broadcast('room', { type: 'said', from: 'a', text }, { room: 'x' })).toBe(1);
    for (const ws of clients) await ws.until(() => said(ws).length >= texts.length, 'twenty said frames');

    // One more round trip through Redis: anything duplicated would have arrived by now.
    b!.server.broadcast('room', { type: 'said', from: 'b', text: 'last' }, { room: 'x' });
    for (const ws of clients) await ws.until(() => said(ws).includes('last'), 'the last frame');
    for (const ws of clients) expect(said(ws)).toEqual([...texts, 'last']);
    expect(said(elsewhere)).toEqual([]);

    // A send addressed to one connection of C, from A: only that connection gets it.
    const target = c!.server.connections('room').ws.find((s) => s.params.room === 'y')!;
    expect(a!.server.sendTo('room', c!.server.address(target), { type: 'said', from: 'a', text: 'just you' })).toBe(0);
    await elsewhere.until(() => said(elsewhere).includes('just you'), 'the targeted frame');
    b!.server.broadcast('room', { type: 'said', from: 'b', text: 'after' });
    for (const ws of [...clients, elsewhere]) await ws.until(() => said(ws).includes('after'), 'the frame after');
    for (const ws of clients) expect(said(ws)).not.toContain('just you');
    expect(said(elsewhere)).toEqual(['just you', 'after']);
    for (const { errors } of [a!, b!, c!]) expect(errors).toEqual([]);
    for (const ws of [...clients, elsewhere]) await ws.close();
  });

  it('validates at the publishing instance: an invalid broadcast throws there and reaches nobody', async () => {
    const [a, b] = await instances(2);
    const ws = await joinRoom(b!.port, 'x');
    await ws.until(() => b!.server.connections('room').ws.length === 1, 'the connection accepted');
    expect(() => a!.server.broadcast('room', { type: 'said', text: 'no from' })).toThrow(expect.objectContaining({ code: 'SW_OUTBOUND_INVALID' }));
    a!.server.broadcast('room', { type: 'said', from: 'a', text: 'valid' });
    await ws.until(() => said(ws).length > 0, 'the valid frame');
    expect(said(ws)).toEqual(['valid']);
    await ws.close();
  });

  it('resumes an SSE client on any instance, with an instance killed: 0 lost, 0 duplicated over 100 forced reconnects', async () => {
    const group = await instances(3, 0.05);
    const alive = [...group];
    let published = 0;
    let publishing = false;
    // Items published from every instance in turn: their order is the bus's, not one process's.
    // The contract keeps 50 events for replay; the publisher stays within 25 of what the client
    // has, so that every resumption is within the window and must be exact.
    const publish = async () => {
      while (publishing) {
        if (published - got.length >= 25) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const from = alive[published % alive.length]!;
        from.server.publish('feed', 'item', { n: ++published });
        await new Promise((r) => setImmediate(r));
        if (published % 5 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    };
    let publisher: Promise<void> | undefined;

    const got: { id: string; n: number }[] = [];
    let lastEventId: string | undefined;
    let reconnects = 0;
    let killed = false;
    const read = async (instance: Instance, until: () => boolean) => {
      const sse = new RawSse({
        port: instance.port,
        path: '/feed',
        headers: { Cookie: 'session=good-session', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
      });
      let seen = 0;
      const take = () => {
        for (; seen < sse.events.length; seen++) {
          const e = sse.events[seen]!;
          if (e.id !== undefined) lastEventId = e.id;
          if (e.event === 'item') got.push({ id: e.id!, n: (JSON.parse(e.data!) as { n: number }).n });
        }
      };
      // The stream's heartbeat starts once the reader has joined: only then do the items begin.
      if (!publishing) {
        await sse.until(() => sse.of('tick').length > 0, 'the first tick');
        publishing = true;
        publisher = publish();
      }
      await sse.until(() => (take(), until() || sse.ended), 'items', 10_000);
      take();
      return sse;
    };

    while (reconnects < 100) {
      const instance = alive[reconnects % alive.length]!;
      const before = got.length;
      const sse = await read(instance, () => got.length >= before + 2);
      if (!killed && reconnects === 50) {
        // Instance A dies under its client; the client comes back elsewhere with its Last-Event-ID.
        killed = true;
        alive.splice(alive.indexOf(instance), 1);
        await instance.server.close();
      }
      sse.close();
      reconnects++;
    }
    publishing = false;
    await publisher;
    // The contract ends a stream after a while: the client comes back until it has everything.
    for (let i = 0; got.length < published && i < 20; i++) (await read(alive[i % alive.length]!, () => got.length >= published)).close();

    // Each item once; in the order of their ids (the bus's order: instances race to Redis, so not
    // necessarily the order of the publish calls across instances).
    expect(got.map((e) => e.n).sort((x, y) => x - y)).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    const order = got.map((e) => e.id.split('-').map(Number) as [number, number]);
    for (let i = 1; i < order.length; i++)
      expect(order[i]![0] > order[i - 1]![0] || (order[i]![0] === order[i - 1]![0] && order[i]![1] > order[i - 1]![1])).toBe(true);
    expect(reconnects).toBe(100);
  }, 60_000);

  it('holds a connection limit across instances and frees the slot when a connection closes', async () => {
    const [a, b, c] = await instances(3);
    const openOn = (i: Instance) => i.server.connections('room').ws.length;
    // The contract allows 3 connections per user (jwt sub); these are accepted once the instance lists them.
    const held = [await joinRoom(a!.port, 'x'), await joinRoom(a!.port, 'x'), await joinRoom(b!.port, 'x')];
    await held[0]!.until(() => openOn(a!) === 2 && openOn(b!) === 1, 'three accepted connections');
    const fourth = new RawWs(`ws://127.0.0.1:${c!.port}/rooms/x?token=${await token('ann')}`);
    const { code } = await fourth.closedWith();
    expect(code).toBe(4429);
    expect(fourth.ofType('error').map((f) => f.code)).toEqual(['too_many']);
    expect(codes(c!.errors)).toContain('SW_TOO_MANY_CONNECTIONS');
    // Another user is not counted against ann.
    const bob = await joinRoom(c!.port, 'x', 'bob');
    await bob.until(() => openOn(c!) === 1, 'bob accepted');

    // Once A has seen the close and released the slot, C accepts ann again.
    await held[0]!.close();
    await held[1]!.until(() => openOn(a!) === 1, 'the close seen on A');
    const again = new RawWs(`ws://127.0.0.1:${c!.port}/rooms/x?token=${await token('ann')}`);
    await again.until(() => openOn(c!) === 2 || again.closed !== undefined, 'accepted or refused');
    expect(again.closed).toBeUndefined();
    for (const ws of [held[1]!, held[2]!, bob, again]) await ws.close();
  });

  it('starts while Redis is down: serves its own connections, and joins the bus when Redis comes up', async () => {
    await redis.kill();
    const got: string[] = [];
    const reported: string[] = [];
    const node = (name: string) => ({
      namespace: 'late',
      deliverWs: (m: { text: string }) => (got.push(`${name}:${m.text}`), 1),
      deliverSse: () => undefined,
      report: (e: Error) => void reported.push(`${name}:${(e as StreamwrightError).code}`),
    });
    const a = redisBus({ url: redis.url, prefix: `t${++prefix}`, instance: 'a' });
    const b = redisBus({ url: redis.url, prefix: `t${prefix}`, instance: 'b' });
    try {
      await a.start(node('A'));
      await b.start(node('B'));
      expect(a.broadcast({ channel: 'room', text: 'during' })).toBe(1);
      expect(got).toEqual(['A:during']);
      await redis.start();
      // Once back, A's held message reaches B, once, and the bus carries new ones.
      const deadline = Date.now() + 10_000;
      while (!got.includes('B:during') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      a.broadcast({ channel: 'room', text: 'after' });
      while (!got.includes('B:after') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(got.sort()).toEqual(['A:after', 'A:during', 'B:after', 'B:during']);
      expect(reported.sort()).toEqual(['A:SW_BUS_UNAVAILABLE', 'B:SW_BUS_UNAVAILABLE']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('keeps serving through a Redis crash and restart, reports it, and catches up without loss or duplicates', async () => {
    const [a, b] = await instances(2);
    const onA = await joinRoom(a!.port, 'x');
    const onB = await joinRoom(b!.port, 'x');
    const feed = new RawSse({ port: b!.port, path: '/feed', headers: { Cookie: 'session=good-session' } });
    await feed.until(() => feed.status === 200, 'the stream');
    let n = 0;
    const send = () => {
      n++;
      a!.server.broadcast('room', { type: 'said', from: 'a', text: String(n) });
      a!.server.publish('feed', 'item', { n });
    };
    for (let i = 0; i < 10; i++) send();
    await onB.until(() => said(onB).length === 10, 'ten frames before the crash');

    await redis.kill();
    for (let i = 0; i < 10; i++) send();
    // A's own client is served at once; B's waits for Redis.
    await onA.until(() => said(onA).length === 20, 'A serving its own client while Redis is down');
    await onA.until(() => codes(a!.errors).includes('SW_BUS_UNAVAILABLE'), 'the fault reported');

    await redis.start();
    for (let i = 0; i < 10; i++) send();
    const all = Array.from({ length: 30 }, (_, i) => String(i + 1));
    await onB.until(() => said(onB).length >= 30, 'every frame on B after the restart', 15_000);
    await feed.until(() => feed.of('item').length >= 30, 'every event on the stream after the restart', 15_000);
    // A last round trip, then nothing more may arrive.
    a!.server.broadcast('room', { type: 'said', from: 'a', text: 'end' });
    await onB.until(() => said(onB).includes('end'), 'the end frame');
    expect(said(onA)).toEqual([...all, 'end']);
    expect(said(onB)).toEqual([...all, 'end']);
    expect(feed.of('item').map((e) => (JSON.parse(e.data!) as { n: number }).n)).toEqual(all.map(Number));
    expect(feed.ended).toBe(false);
    expect(onB.closed).toBeUndefined();
    expect(codes(a!.errors).filter((c) => c !== 'SW_BUS_UNAVAILABLE')).toEqual([]);
    for (const ws of [onA, onB]) await ws.close();
    feed.close();
  }, 60_000);
});
