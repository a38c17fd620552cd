/**
 * Documents that use only standard AsyncAPI (no x-sw-*): the generated server and client find
 * transport and authentication in the standard objects, authenticate over a real socket and
 * exchange every message of the contract, both ways.
 */
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleCases, generateInto, importGenerated, tempDir, type Generated } from './harness.ts';

const SECRET = new TextEncoder().encode('foreign-roundtrip-secret-0123456789');
const jwt = () => new SignJWT({ sub: 'ann' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(SECRET);

interface Case {
  /** Server auth verifiers (what the generated options require). */
  auth: Record<string, unknown>;
  /** Client credentials by scheme id. */
  credentials: () => Promise<Record<string, string>>;
  /** A credential the server must refuse. */
  wrong: Record<string, string>;
  params?: Record<string, string>;
}

const CASES: [string, Case][] = [
  [
    'kraken-style',
    {
      auth: { apiKey: (k: string) => (k === 'read-token' ? 'reader' : undefined) },
      credentials: async () => ({ readToken: 'read-token' }),
      wrong: { readToken: 'nope' },
    },
  ],
  ['gemini-style', { auth: { jwtSecret: SECRET }, credentials: async () => ({ bearer: await jwt() }), wrong: { bearer: 'not-a-jwt' } }],
  [
    'orders-discriminator',
    {
      auth: { password: (user: string, password: string) => (user === 'op' && password === 's3cret' ? user : undefined) },
      credentials: async () => ({ operator: Buffer.from('op:s3cret').toString('base64') }),
      wrong: { operator: Buffer.from('op:wrong').toString('base64') },
    },
  ],
  [
    'mercure-hub',
    { auth: { jwtSecret: SECRET }, credentials: async () => ({ subscriberJwt: await jwt() }), wrong: { subscriberJwt: 'not-a-jwt' }, params: { bookId: '1' } },
  ],
];

type Conn = {
  onAny(fn: (item: unknown) => void): void;
  onState(state: string, fn: (e: { httpStatus?: number; code?: number }) => void): void;
  send?(message: unknown): Promise<void>;
  close(): void;
};

describe.each(CASES)('standard-only document %s', (name, c) => {
  let dir: string;
  let gen: Generated;
  beforeAll(async () => {
    dir = await tempDir(`roundtrip-${name}`);
    gen = await generateInto(path.join('test/fixtures/foreign', `${name}.asyncapi.yaml`), dir);
  });
  afterAll(() => cleanup(dir));

  it('has no x-sw-* extension at all', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path.join('test/fixtures/foreign', `${name}.asyncapi.yaml`), 'utf8')).not.toMatch(/x-sw-/);
  });

  it('authenticates and exchanges every message both ways over a real socket', async () => {
    const server = await importGenerated<Record<string, (o: unknown) => Record<string, unknown>>>(dir, 'server.gen.ts');
    const client = await importGenerated<Record<string, (o: unknown) => Record<string, (p?: unknown) => Conn>>>(dir, 'client.gen.ts');
    const createServer = Object.entries(server).find(([k]) => /^create.*Server$/.test(k))![1]!;
    const createClient = Object.entries(client).find(([k]) => /^create.*Client$/.test(k))![1]!;
    const channel = gen.ir.channels.find((x) => x.stubless === undefined)!;
    const received: unknown[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const recorder = new Proxy({ open: () => opened() } as Record<string, unknown>, {
      get: (target, key) =>
        typeof key === 'string' && key in target
          ? target[key]
          : typeof key === 'string' && key.startsWith('on')
            ? (_peer: unknown, m: unknown) => received.push(m)
            : undefined,
      has: (target, key) => key in target || (typeof key === 'string' && key.startsWith('on')),
    });
    const instance = createServer({ auth: c.auth, handlers: { [channel.id]: recorder } }) as {
      listen(p: number): Promise<{ port: number }>;
      close(): Promise<void>;
    } & Record<string, Record<string, (...a: unknown[]) => number>>;
    const { port } = await instance.listen(0);
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}`, auth: await c.credentials() });
    try {
      const conn = api[channel.id]!(c.params);
      const got: unknown[] = [];
      conn.onAny((item) => got.push(item));
      await open;
      const sent = exampleCases(gen.ir).filter((x) => x.channel.id === channel.id && x.direction === 'send');
      const toSend = exampleCases(gen.ir).filter((x) => x.channel.id === channel.id && x.direction === 'receive');
      // Every message of the contract has at least one example, so every message goes over the wire.
      expect(new Set([...sent, ...toSend].map((x) => x.message.id)).size).toBe(channel.send.messages.length + channel.receive.messages.length);
      const channelApi = instance[channel.id]!;
      for (const s of sent) {
        const delivered = channel.transport === 'sse' ? channelApi.publish!(s.tag ?? 'message', s.payload, c.params) : channelApi.broadcast!(s.payload);
        expect(delivered).toBe(1);
      }
      for (const r of toSend) await conn.send!(r.payload);
      await until(() => got.length >= sent.length && received.length >= toSend.length);
      const data = got.map((g) => (channel.transport === 'sse' ? (g as { data: unknown }).data : g));
      expect(data).toEqual(sent.map((s) => s.payload));
      expect(received).toEqual(toSend.map((r) => r.payload));
      conn.close();
    } finally {
      await (api as unknown as { close(): Promise<void> }).close();
      await instance.close();
    }
  });

  it('refuses a wrong credential with 401', async () => {
    const server = await importGenerated<Record<string, (o: unknown) => Record<string, unknown>>>(dir, 'server.gen.ts');
    const client = await importGenerated<Record<string, (o: unknown) => Record<string, (p?: unknown, o?: unknown) => Conn>>>(dir, 'client.gen.ts');
    const createServer = Object.entries(server).find(([k]) => /^create.*Server$/.test(k))![1]!;
    const createClient = Object.entries(client).find(([k]) => /^create.*Client$/.test(k))![1]!;
    const channel = gen.ir.channels.find((x) => x.stubless === undefined)!;
    const instance = createServer({ auth: c.auth, handlers: {} }) as { listen(p: number): Promise<{ port: number }>; close(): Promise<void> };
    const { port } = await instance.listen(0);
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}`, auth: c.wrong, reconnect: false });
    try {
      const conn = api[channel.id]!(c.params);
      const closed = await new Promise<{ httpStatus?: number }>((resolve) => conn.onState('closed', resolve));
      expect(closed.httpStatus).toBe(401);
    } finally {
      await (api as unknown as { close(): Promise<void> }).close();
      await instance.close();
    }
  });
});

/** Resolves once `done()` holds; checks on every macrotask turn (no fixed sleep). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 400 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}
