import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createContractValidator } from '../../generator/src/validate/contract-validator.ts';
import { loadSpec } from '../../generator/src/load/load.ts';
import {
  applyFaults,
  createMockServer,
  isStreamwrightErrorFrame,
  loadContract,
  streamedMessages,
  subSeed,
  type FaultOptions,
  type MockOptions,
  type MockServer,
} from '../../mock/index.ts';
import { Inbox, openSse, openWs, type Frame } from './client.ts';

// The mock over real sockets on 127.0.0.1, checked with independent clients (`ws`, raw HTTP)
// and the in-memory contract validator (not the validators the mock itself compiled).

const DOCUMENTS = [
  'test/fixtures/foreign/chat-rtm.asyncapi.yaml',
  'test/fixtures/foreign/market-data.asyncapi.yaml',
  'test/fixtures/foreign/pubsub-channels.asyncapi.yaml',
  'test/fixtures/foreign/status-feed.asyncapi.yaml',
  'spec/steadybase.asyncapi.yaml',
  'spec/release-orchestrator.asyncapi.yaml',
  'spec/agnt5.asyncapi.yaml',
  'spec/agent-workspace.asyncapi.yaml',
];

const running: MockServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.close()));
});

async function start(file: string, options: MockOptions = {}) {
  const loaded = await loadContract(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const mock = createMockServer(loaded.contract, { timeScale: 0.01, ...options });
  running.push(mock);
  const { port } = await mock.listen(0, '127.0.0.1');
  const channels = await mock.channels(`http://127.0.0.1:${port}`);
  return { mock, channels, contract: loaded.contract };
}

const validators = new Map<string, ReturnType<typeof createContractValidator>>();
async function contractValidator(file: string) {
  let v = validators.get(file);
  if (!v) {
    const loaded = await loadSpec(file, { rules: 'schema' });
    v = createContractValidator(loaded.document);
    validators.set(file, v);
  }
  return v;
}

function tagOf(frame: Frame, tagProperty: string | null): unknown {
  if (frame.event !== undefined) return frame.event;
  return tagProperty && typeof frame.payload === 'object' && frame.payload !== null ? (frame.payload as Record<string, unknown>)[tagProperty] : undefined;
}

describe('every server-sent message of every channel arrives and validates', () => {
  for (const file of DOCUMENTS) {
    for (const data of ['examples', 'generated'] as const) {
      it(`${file} (${data})`, async () => {
        const { mock, channels, contract } = await start(file, { rate: 2000, count: 60, data });
        const validator = await contractValidator(file);
        for (const channel of channels) {
          const ir = contract.ir.channels.find((c) => c.id === channel.id)!;
          const streamed = streamedMessages(ir);
          if (channel.transport === 'http') continue;
          const { inbox, close } =
            channel.transport === 'ws'
              ? await openWs(mock, channel).then(({ ws, inbox }) => ({ inbox, close: () => ws.close() }))
              : await openSse(mock, channel).then(({ inbox, abort }) => ({ inbox, close: abort }));
          const want = Math.max(streamed.length * 2, 1);
          const frames = (await inbox.waitFor(want)).slice();
          close();
          if (streamed.length === 0) continue;
          expect(frames.length, `${channel.id}: frames`).toBeGreaterThanOrEqual(want);
          for (const frame of frames) {
            const verdict = validator.validate(channel.id, 'send', { payload: frame.payload, ...(frame.event !== undefined ? { event: frame.event } : {}) });
            expect(verdict, `${channel.id}: ${JSON.stringify(frame).slice(0, 300)}`).toMatchObject({ ok: true });
          }
          const tags = new Set(frames.map((f) => tagOf(f, ir.tagProperty)));
          const expected = ir.send.messages.filter((cm) => streamed.includes(cm.message)).map((cm) => cm.tag);
          for (const tag of expected) if (tag !== null) expect(tags, `${channel.id} sent ${String(tag)}`).toContain(tag);
        }
      });
    }
  }

  it('HTTP channels answer with their declared response (steadybase POST /api/tasks/status → 202 {delivered})', async () => {
    const { mock, channels } = await start('spec/steadybase.asyncapi.yaml');
    const http = channels.find((c) => c.transport === 'http')!;
    const token = (await mock.credentials()).find((c) => c.scheme === 'bearerJwt')!.value;
    const post = (body: string, auth = `Bearer ${token}`) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = request(http.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text ? (JSON.parse(text) as unknown) : undefined }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const ok = await post(JSON.stringify({ taskId: 't-1', status: 'completed', message: 'done' }));
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ delivered: expect.any(Number) });
    expect((await post('{"taskId": 1}')).status).toBe(400);
    // Shape check: a bearer that is not a JWT is refused by a JWT scheme.
    expect((await post(JSON.stringify({ taskId: 't-1', status: 'completed', message: 'done' }), 'Bearer not-a-jwt')).status).toBe(401);
  });
});

describe('invalid frames are answered and the connection stays up', () => {
  it.each([
    ['test/fixtures/foreign/chat-rtm.asyncapi.yaml', 'rtm'],
    ['test/fixtures/foreign/pubsub-channels.asyncapi.yaml', 'socket'],
  ])('%s: the streamwright error frame, with details', async (file, channelId) => {
    const { mock, channels } = await start(file, { rate: 0 });
    const channel = channels.find((c) => c.id === channelId)!;
    const { ws, inbox } = await openWs(mock, channel);
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'nope', event: 'nope' }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const frames = await inbox.waitFor(3);
    expect(frames.map((f) => f.payload)).toEqual([
      expect.objectContaining({ $streamwright: 'error', code: 'SW_FRAME_NOT_JSON' }),
      expect.objectContaining({
        $streamwright: 'error',
        code: 'SW_FRAME_INVALID',
        details: expect.arrayContaining([expect.objectContaining({ keyword: 'tag' })]),
      }),
      expect.objectContaining({ $streamwright: 'error', code: 'SW_FRAME_BINARY' }),
    ]);
    expect(frames.every((f) => isStreamwrightErrorFrame(f.payload))).toBe(true);
    expect(ws.readyState).toBe(ws.OPEN);
    // Still served: a valid frame is accepted without an answer, then another bad one is answered.
    if (channelId === 'rtm') ws.send(JSON.stringify({ type: 'ping', id: 1 }));
    ws.send('{');
    await inbox.waitFor(4);
    expect(inbox.frames).toHaveLength(4);
    await vi.waitFor(() => expect(mock.connections()[0]).toMatchObject({ refused: 4, received: channelId === 'rtm' ? 1 : 0 }));
    ws.close();
  });

  it.each([
    ['spec/steadybase.asyncapi.yaml', 'events', 'invalid_message'],
    ['spec/agnt5.asyncapi.yaml', 'workflow', 'invalid_message'],
    ['spec/release-orchestrator.asyncapi.yaml', 'agentTaskStream', 'invalid_message'],
  ])("%s %s: the contract's own error message (%s)", async (file, channelId, code) => {
    const { mock, channels } = await start(file, { rate: 0 });
    const validator = await contractValidator(file);
    const channel = channels.find((c) => c.id === channelId)!;
    const { ws, inbox } = await openWs(mock, channel);
    ws.send('not json');
    const [frame] = await inbox.waitFor(1);
    expect(validator.validate(channelId, 'send', { payload: frame!.payload })).toMatchObject({ ok: true });
    expect(JSON.stringify(frame!.payload)).toContain(`"${code}"`);
    ws.send('[]');
    await inbox.waitFor(2);
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });

  it('steadybase: a JSON object frame gets `unsupported_message`, as the contract says (the channel takes no client messages)', async () => {
    const file = 'spec/steadybase.asyncapi.yaml';
    const { mock, channels } = await start(file, { rate: 0 });
    const validator = await contractValidator(file);
    const { ws, inbox } = await openWs(
      mock,
      channels.find((c) => c.id === 'events')!,
    );
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'all' }));
    ws.send('42');
    const [object, number] = await inbox.waitFor(2);
    for (const frame of [object, number]) expect(validator.validate('events', 'send', { payload: frame!.payload })).toMatchObject({ ok: true });
    expect([(object!.payload as { code?: string }).code, (number!.payload as { code?: string }).code]).toEqual(['unsupported_message', 'invalid_message']);
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });
});

describe('auth', () => {
  it('accepts any credential of the right shape; a JWT scheme wants a JWT', async () => {
    const { mock, channels } = await start('spec/steadybase.asyncapi.yaml', { rate: 0 });
    const events = channels.find((c) => c.id === 'events')!;
    await expect(openWs(mock, events)).resolves.toBeDefined();
    const { default: WebSocket } = await import('ws');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(events.url, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', () => undefined);
      });
    expect(await status({})).toBe(401);
    expect(await status({ Authorization: 'Bearer not-a-jwt' })).toBe(401);
    expect(await status({ Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.anything' })).toBe(101);
  });

  it('with --jwt-secret, JWTs are verified for real', async () => {
    const { mock, channels } = await start('spec/steadybase.asyncapi.yaml', {
      rate: 0,
      jwtSecret: new TextEncoder().encode('a-secret-of-some-length-0123456789'),
    });
    const events = channels.find((c) => c.id === 'events')!;
    await expect(openWs(mock, events)).resolves.toBeDefined(); // the printed credential is signed
    const { default: WebSocket } = await import('ws');
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(events.url, { headers: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.anything' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(code).toBe(401);
  });
});

describe('faults, seeded and observable', () => {
  const N = 24;
  const SEED = 5;

  /** The frames one connection gets: on WS chat-rtm, or SSE status-feed, until the stream is over. */
  async function run(
    transport: 'ws' | 'sse',
    faults: FaultOptions,
    extra: MockOptions = {},
  ): Promise<{ frames: Frame[]; inbox: Inbox; mock: MockServer; openedAt: number }> {
    const file = transport === 'ws' ? 'test/fixtures/foreign/chat-rtm.asyncapi.yaml' : 'test/fixtures/foreign/status-feed.asyncapi.yaml';
    const { mock, channels } = await start(file, { rate: 5000, count: N, data: 'generated', seed: SEED, faults, timeScale: 1, ...extra });
    const channel = channels.find((c) => c.transport === transport)!;
    const openedAt = Date.now();
    const { inbox } = transport === 'ws' ? await openWs(mock, channel) : await openSse(mock, channel);
    const count = extra.count ?? N;
    const expected = faults.disconnectAfter ? undefined : applyFaults(Array.from({ length: count }), faults, subSeed(SEED, 1, 2)).length;
    if (expected !== undefined) {
      await inbox.waitFor(expected);
      await vi.waitFor(() => expect(mock.connections()[0]!.faults.offered).toBe(count));
      expect(mock.connections()[0]!.faults.sent).toBe(expected);
    } else await inbox.waitClose();
    return { frames: inbox.frames.slice(), inbox, mock, openedAt };
  }

  for (const transport of ['ws', 'sse'] as const) {
    describe(transport, () => {
      let baseline: Frame[];
      const base = async () => (baseline ??= (await run(transport, {})).frames);

      it('no faults: the seeded stream is the same on every run', async () => {
        const a = await base();
        expect(a).toHaveLength(N);
        expect((await run(transport, {})).frames).toEqual(a);
      });

      it('--drop 1 sends nothing; --drop 0.3 drops exactly the seeded messages', async () => {
        const b = await base();
        expect((await run(transport, { drop: 1 })).frames).toEqual([]);
        const { frames, mock } = await run(transport, { drop: 0.3 });
        expect(frames).toEqual(applyFaults(b, { drop: 0.3 }, subSeed(SEED, 1, 2)));
        const dropped = mock.connections()[0]!.faults.dropped;
        expect(dropped).toBeGreaterThan(0);
        expect(frames).toHaveLength(N - dropped);
      });

      it('--duplicate 1 sends every message twice in a row', async () => {
        const b = await base();
        expect((await run(transport, { duplicate: 1 })).frames).toEqual(b.flatMap((f) => [f, f]));
      });

      it('--reorder 1 swaps every pair', async () => {
        const b = await base();
        const swapped = b.flatMap((_, i) => (i % 2 === 0 ? [b[i + 1]!, b[i]!] : []));
        expect((await run(transport, { reorder: 1 })).frames).toEqual(swapped);
      });

      it('all of them at once: exactly the seeded outcome, twice', async () => {
        const b = await base();
        const faults = { drop: 0.2, duplicate: 0.2, reorder: 0.2 };
        const first = await run(transport, faults);
        expect(first.frames).toEqual(applyFaults(b, faults, subSeed(SEED, 1, 2)));
        expect((await run(transport, faults)).frames).toEqual(first.frames);
        expect(first.mock.connections()[0]!.faults).toMatchObject({ offered: N });
      });

      it('--delay 60 holds every message back, in order', async () => {
        const b = await base();
        const { frames, openedAt } = await run(transport, { delayMs: { min: 60, max: 60 } }, { count: 4 });
        expect(frames).toEqual(b.slice(0, 4));
        expect(Date.now() - openedAt).toBeGreaterThanOrEqual(55);
      });

      it('--disconnect-after 5 cuts the connection after 5 frames', async () => {
        const b = await base();
        const { frames, inbox } = await run(transport, { disconnectAfter: { frames: 5 } });
        expect(frames).toEqual(b.slice(0, 5));
        if (transport === 'ws') expect(inbox.closed?.code).toBe(1006);
      });

      it('--disconnect-after 80ms cuts the connection after 80 ms', async () => {
        const { openedAt, frames } = await run(transport, { disconnectAfter: { ms: 80 } }, { rate: 20, count: 1000 });
        expect(Date.now() - openedAt).toBeGreaterThanOrEqual(75);
        expect(frames.length).toBeLessThan(1000);
      });
    });
  }
});
