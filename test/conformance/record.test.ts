import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import http, { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { loadRecordingContract, RecordingProxy, writeTranscript, type RecordedConnection, type RecordingContract } from '../../conformance/src/record/index.ts';
import { parseTranscript, type TranscriptFrame } from '../../conformance/src/transcript.ts';
import { main } from '../../cli/main.ts';
import { createReleaseOrchestratorReference, WORKFLOW_RUN_IDS } from '../../reference-server/release-orchestrator/index.ts';
import { signJwt } from '../../runtime/auth/jwt.ts';

// The recording proxy between independent clients (`ws`, raw node:http) and real servers on
// 127.0.0.1: what a client sees through the proxy must equal what it sees directly, and the
// transcript must say what went through, with credentials redacted and violations marked.

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'agnt5_test_key_0123456789abcdef';
const VALID_STARTED =
  '{"type":"execution_started","data":{"timestamp":"2026-01-10T14:00:01.900Z","details":{"workflow":"search-candidates","endpoint":"talent-scout-4f1a9c02","parameters":{}},"execution_id":"exec_was98kwzp9qr"}}';

interface Seen {
  status?: number;
  headers?: Record<string, unknown>;
  body?: string;
  protocol?: string;
  events: (string | { binary: string })[];
  close?: { code: number; reason: string };
}

/** Connects, runs `script` once open, and collects everything the client observes until the end. */
function observe(url: string, protocols: string[], script: (ws: WebSocket) => void = () => undefined): Promise<Seen> {
  return new Promise((resolve) => {
    const seen: Seen = { events: [] };
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    ws.on('open', () => {
      seen.protocol = ws.protocol;
      script(ws);
    });
    ws.on('message', (data, isBinary) => seen.events.push(isBinary ? { binary: (data as Buffer).toString('base64') } : data.toString()));
    ws.on('unexpected-response', (req, res) => {
      seen.status = res.statusCode;
      seen.headers = { 'content-type': res.headers['content-type'], 'www-authenticate': res.headers['www-authenticate'] };
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        seen.body = Buffer.concat(chunks).toString();
        req.destroy();
        resolve(seen);
      });
    });
    ws.on('close', (code, reason) => {
      seen.close = { code, reason: reason.toString() };
      resolve(seen);
    });
    ws.on('error', () => undefined);
  });
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function contractOf(api: string): Promise<RecordingContract> {
  const loaded = await loadRecordingContract(path.join(ROOT, 'spec', `${api}.asyncapi.yaml`));
  if ('diagnostics' in loaded) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.contract;
}

/**
 * A scripted WebSocket upstream at /ws (the agnt5 channel's address): API key as subprotocol,
 * 401 with a body without it; on open it sends a valid frame, a frame missing its data, a frame
 * with an unknown tag and a binary frame; it echoes every client frame; `close-me` makes it close
 * with 4000.
 */
async function scriptedWsUpstream() {
  const server = http.createServer();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => [...offered].find((p) => p === `x-api-key.${KEY}`) ?? false,
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(`x-api-key.${KEY}`)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nwww-authenticate: Bearer\r\ncontent-length: 24\r\n\r\n{"error":"unauthorized"}',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(VALID_STARTED);
      ws.send('{"type":"execution_started"}');
      ws.send('{"type":"bogus"}');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      ws.on('message', (data, isBinary) => {
        if (!isBinary && data.toString() === 'close-me') ws.close(4000, 'bye from server');
        else ws.send(data, { binary: isBinary });
      });
    });
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('WebSocket pass-through', () => {
  let upstream: Awaited<ReturnType<typeof scriptedWsUpstream>>;
  let proxy: RecordingProxy;
  let proxyPort: number;
  beforeAll(async () => {
    upstream = await scriptedWsUpstream();
    proxy = new RecordingProxy({ contract: await contractOf('agnt5'), upstream: `http://127.0.0.1:${upstream.port}` });
    ({ port: proxyPort } = await proxy.listen(0));
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  const script = (ws: WebSocket) => {
    ws.once('message', () => {
      ws.send('{"name":"search-candidates"}');
      ws.send(Buffer.from([9, 8, 7]), { binary: true });
      ws.send('{"name":"ünïcode ✓"}');
      ws.send('close-me');
    });
  };

  it('relays frames both ways, the subprotocol and the server close code and reason unchanged', async () => {
    const direct = await observe(`ws://127.0.0.1:${upstream.port}/ws?x-wf-endpoint=e1`, ['json', `x-api-key.${KEY}`], script);
    const proxied = await observe(`ws://127.0.0.1:${proxyPort}/ws?x-wf-endpoint=e1`, ['json', `x-api-key.${KEY}`], script);
    expect(direct.close).toEqual({ code: 4000, reason: 'bye from server' });
    expect(direct.events).toHaveLength(7);
    expect(proxied).toEqual(direct);
    await proxy.settled();
    const [c] = proxy.take() as [RecordedConnection];
    const t = c.transcript;
    expect(t.handshake).toMatchObject({
      status: 101,
      subprotocols: ['json', 'x-api-key.<credential:apiKeySubprotocol>'],
      protocol: 'x-api-key.<credential:apiKeySubprotocol>',
      url: '/ws?x-wf-endpoint=e1',
    });
    expect(t.header).toMatchObject({
      api: 'agnt5',
      channel: 'workflow',
      transport: 'ws',
      address: '/ws',
      query: { 'x-wf-endpoint': 'e1' },
      spec: 'spec/agnt5.asyncapi.yaml',
    });
    const frames = t.events as TranscriptFrame[];
    // Each direction keeps its order; how the two interleave depends on timing.
    const of = (dir: string) => frames.filter((f) => f.dir === dir).map((f) => [f.tag ?? null, f.binary ? `b64:${f.text}` : f.text]);
    expect(of('client')).toEqual([
      [null, '{"name":"search-candidates"}'],
      [null, `b64:${Buffer.from([9, 8, 7]).toString('base64')}`],
      [null, '{"name":"ünïcode ✓"}'],
      [null, 'close-me'],
    ]);
    expect(of('server')).toEqual([
      ['execution_started', VALID_STARTED],
      ['execution_started', '{"type":"execution_started"}'],
      ['bogus', '{"type":"bogus"}'],
      [null, `b64:${Buffer.from([1, 2, 3]).toString('base64')}`],
      [null, '{"name":"search-candidates"}'],
      [null, `b64:${Buffer.from([9, 8, 7]).toString('base64')}`],
      [null, '{"name":"ünïcode ✓"}'],
    ]);
    expect(t.close).toMatchObject({ by: 'server', code: 4000, reason: 'bye from server' });
    expect(t.events.every((e, i) => i === 0 || e.t >= t.events[i - 1]!.t)).toBe(true);
  });

  it('marks the frames that break the contract and reports them with their line', async () => {
    await observe(`ws://127.0.0.1:${proxyPort}/ws?x-wf-endpoint=e1`, [`x-api-key.${KEY}`], script);
    await proxy.settled();
    const [c] = proxy.take() as [RecordedConnection];
    const frames = c.transcript.events as TranscriptFrame[];
    expect(frames[0]!.violations).toBeUndefined();
    expect(frames[1]!.violations).toEqual([expect.objectContaining({ rule: 'schema', pointer: '/data' })]);
    expect(frames[2]!.violations).toEqual([expect.objectContaining({ rule: 'unknown-tag', pointer: '/type' })]);
    expect(frames[3]!.violations).toEqual([expect.objectContaining({ rule: 'binary' })]);
    // The client's first frame is a valid InvokeWorkflow; "close-me" is not JSON.
    const client = (text: string) => frames.find((f) => f.dir === 'client' && f.text === text)!;
    expect(client('{"name":"search-candidates"}').violations).toBeUndefined();
    expect(client('close-me').violations).toEqual([expect.objectContaining({ rule: 'not-json' })]);
    expect(c.violations.map((v) => [v.line, v.dir, v.rule])).toEqual(
      expect.arrayContaining([
        [4, 'server', 'schema'],
        [5, 'server', 'unknown-tag'],
        [6, 'server', 'binary'],
        [3 + frames.indexOf(client('close-me')), 'client', 'not-json'],
      ]),
    );
  });

  it('relays a refused upgrade with its status, headers and body, and records it without frames', async () => {
    const direct = await observe(`ws://127.0.0.1:${upstream.port}/ws?x-wf-endpoint=e1`, ['x-api-key.wrong-key-123456789']);
    const proxied = await observe(`ws://127.0.0.1:${proxyPort}/ws?x-wf-endpoint=e1`, ['x-api-key.wrong-key-123456789']);
    expect(direct).toMatchObject({ status: 401, body: '{"error":"unauthorized"}' });
    expect(proxied).toEqual(direct);
    await proxy.settled();
    const [c] = proxy.take() as [RecordedConnection];
    expect(c.transcript.handshake).toMatchObject({ status: 401, body: '{"error":"unauthorized"}', responseHeaders: { 'www-authenticate': 'Bearer' } });
    // Rejected the way the scheme's onFailure says: a replay must present a wrong key, not the real one.
    expect(c.transcript.handshake.subprotocols).toEqual(['x-api-key.<invalid-credential:apiKeySubprotocol>']);
    expect(c.transcript.events).toEqual([]);
    expect(c.transcript.close).toBeUndefined();
  });

  it('relays a close the client starts, with its code and reason', async () => {
    const seenByServer = new Promise<{ code: number; reason: string }>((resolve) => {
      const server = http.createServer();
      const wss = new WebSocketServer({ server, perMessageDeflate: false });
      wss.on('connection', (ws) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      void listen(server).then(async (port) => {
        const p = new RecordingProxy({ contract: await contractOf('agnt5'), upstream: `ws://127.0.0.1:${port}` });
        const { port: pp } = await p.listen(0);
        const ws = new WebSocket(`ws://127.0.0.1:${pp}/ws`);
        ws.on('open', () => ws.close(4321, 'client leaves'));
        ws.on(
          'close',
          () =>
            void p.close().then(() => {
              wss.close();
              server.close();
            }),
        );
      });
    });
    expect(await seenByServer).toEqual({ code: 4321, reason: 'client leaves' });
  });
});

describe("against the release-orchestrator reference: close codes are the server's", () => {
  const SECRET = new TextEncoder().encode('record-test-secret-0123456789abcdef');
  let ref: ReturnType<typeof createReleaseOrchestratorReference>;
  let proxy: RecordingProxy;
  let port: number;
  let proxyPort: number;
  beforeAll(async () => {
    ref = createReleaseOrchestratorReference({ seed: 3, timeScale: 0.01, secrets: { jwtSecret: SECRET } });
    ({ port } = await ref.listen(0, '127.0.0.1'));
    proxy = new RecordingProxy({ contract: await contractOf('release-orchestrator'), upstream: `http://127.0.0.1:${port}` });
    ({ port: proxyPort } = await proxy.listen(0));
  });
  afterAll(async () => {
    await proxy.close();
    await ref.close();
  });

  const shape = (s: Seen) => ({
    status: s.status,
    close: s.close,
    types: s.events
      .map((e) => (typeof e === 'string' ? (JSON.parse(e) as { type: string; code?: string }) : e))
      .map((m) => ('type' in m ? `${m.type}:${m.code ?? ''}` : 'binary')),
  });

  it.each([
    [
      'a forged token: unauthorized and 4401',
      async () =>
        `${'/api/v1/workflow-runs/'}${WORKFLOW_RUN_IDS[0]}/stream?token=${await signJwt({ sub: 'dev-user' }, new TextEncoder().encode('another-secret-0123456789abcdef0'), { expiresIn: '1h' })}`,
      undefined,
      { code: 4401, error: 'error:unauthorized' },
    ],
    [
      'an unknown run: not_found and 4404',
      async () => `/api/v1/workflow-runs/nope/stream?token=${await ref.token('dev-user')}`,
      undefined,
      { code: 4404, error: 'error:not_found' },
    ],
    [
      'a frame over 65536 bytes: 1009',
      async () => `/api/v1/dashboard/stream?token=${await ref.token('dev-user')}`,
      (ws: WebSocket) => ws.send('x'.repeat(65537)),
      { code: 1009, error: undefined as string | undefined },
    ],
  ])('%s, directly and through the proxy', async (_name, pathOf, script, want) => {
    const p = await pathOf();
    const direct = await observe(`ws://127.0.0.1:${port}${p}`, [], script);
    const proxied = await observe(`ws://127.0.0.1:${proxyPort}${p}`, [], script);
    expect(direct.close?.code).toBe(want.code);
    if (want.error) expect(shape(direct).types).toContain(want.error);
    expect(shape(proxied).close).toEqual(shape(direct).close);
    // The dashboard's own metrics, alerts and promotions come as they happen; the errors must match.
    const errors = (s: Seen) => shape(s).types.filter((t) => t.startsWith('error:'));
    expect(errors(proxied)).toEqual(errors(direct));
    await proxy.settled();
    const recorded = proxy.take();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.transcript.close).toMatchObject({ by: 'server', code: want.code });
  });

  it('writes no credential: query tokens and first-message tokens become placeholders', async () => {
    const token = await ref.token('dev-user');
    await observe(`ws://127.0.0.1:${proxyPort}/api/v1/workflow-runs/${WORKFLOW_RUN_IDS[0]}/stream?token=${token}`, [], (ws) => ws.close(1000));
    await observe(`ws://127.0.0.1:${proxyPort}/api/v1/workflow-runs/${WORKFLOW_RUN_IDS[0]}/stream`, [], (ws) => {
      ws.send(JSON.stringify({ type: 'auth', token }));
      ws.once('message', () => ws.close(1000));
    });
    await proxy.settled();
    const dir = await mkdtemp(path.join(tmpdir(), 'sw-record-'));
    try {
      const [a, b] = proxy.take() as [RecordedConnection, RecordedConnection];
      const files = [await writeTranscript({ kind: 'dir', dir }, a.seq, a.transcript), await writeTranscript({ kind: 'dir', dir }, b.seq, b.transcript)];
      const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
      for (const text of texts) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[1]!);
        expect(parseTranscript(text), text.slice(0, 2000)).toHaveProperty('transcript');
      }
      expect(texts[0]).toContain('?token=<credential:queryToken>');
      expect(texts[1], texts[1]).toContain('{\\"type\\":\\"auth\\",\\"token\\":\\"<credential:firstMessageToken>\\"}');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SSE pass-through', () => {
  // Chunks cut inside a CRLF and inside a multi-byte character, to check bytes go through as they come.
  const CHUNKS = [
    Buffer.from('retry: 3000\n\n: keep-alive\r'),
    Buffer.from('\nid: 1\nevent: heartbeat\ndata: {"ts":1768053617800}\n\n'),
    Buffer.from('event: bogus\ndata: {"x":"\xc3'.replace('\xc3', ''), 'utf8'),
    Buffer.from([0xc3]),
    Buffer.concat([Buffer.from([0xa9]), Buffer.from('"}\n\nid: 2\nevent: fleet_logs\ndata: {"lines":\ndata: 1}\n\n')]),
  ];
  let server: http.Server;
  let port: number;
  let upstreamGone: Promise<void>;
  let markGone: () => void;
  beforeAll(async () => {
    upstreamGone = new Promise((r) => (markGone = r));
    server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/forever')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
        req.on('close', () => markGone());
        return;
      }
      if (req.headers.cookie !== 'session=secret-session-value-1') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-custom': 'kept' });
      let i = 0;
      const next = () => {
        if (i === CHUNKS.length) return res.end();
        res.write(CHUNKS[i++]!, () => setImmediate(next));
      };
      next();
    });
    port = await listen(server);
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );

  function get(p: number, pathname: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: p, path: pathname, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: { 'content-type': res.headers['content-type'], 'cache-control': res.headers['cache-control'], 'x-custom': res.headers['x-custom'] },
            bytes: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  it('relays the stream byte for byte and records its events, comments and end', async () => {
    const proxy = new RecordingProxy({ contract: await contractOf('agent-workspace'), upstream: `http://127.0.0.1:${port}` });
    const { port: pp } = await proxy.listen(0);
    try {
      const headers = { cookie: 'session=secret-session-value-1', origin: 'http://localhost:3003' };
      const direct = await get(port, '/api/agent-workspace/stream', headers);
      const proxied = await get(pp, '/api/agent-workspace/stream', headers);
      expect(direct.bytes).toEqual(Buffer.concat(CHUNKS));
      expect(proxied).toEqual(direct);
      const refusedDirect = await get(port, '/api/agent-workspace/stream', {});
      const refused = await get(pp, '/api/agent-workspace/stream', {});
      expect(refused.status).toBe(401);
      expect(refused).toEqual(refusedDirect);
      await proxy.settled();
      const [ok, no] = proxy.take() as [RecordedConnection, RecordedConnection];
      expect(ok.transcript.handshake).toMatchObject({
        status: 200,
        requestHeaders: { cookie: 'session=<credential:sessionCookie>', origin: 'http://localhost:3003' },
        responseHeaders: { 'x-custom': 'kept' },
      });
      expect(
        ok.transcript.events.map((e) =>
          e.kind === 'comment' ? { comment: e.text } : { text: e.text, tag: e.tag, sse: e.sse, rules: e.violations?.map((v) => v.rule) },
        ),
      ).toEqual([
        { text: '', tag: undefined, sse: { retry: 3000 }, rules: undefined },
        { comment: 'keep-alive' },
        { text: '{"ts":1768053617800}', tag: 'heartbeat', sse: { id: '1', event: 'heartbeat' }, rules: undefined },
        { text: '{"x":"é"}', tag: 'bogus', sse: { event: 'bogus' }, rules: ['unknown-tag'] },
        { text: '{"lines":\n1}', tag: 'fleet_logs', sse: { id: '2', event: 'fleet_logs' }, rules: expect.arrayContaining(['schema']) },
      ]);
      expect(ok.transcript.close).toMatchObject({ by: 'server' });
      expect(ok.transcript.close?.code).toBeUndefined();
      expect(no.transcript.handshake).toMatchObject({ status: 401, body: '{"error":"unauthorized"}' });
      expect(JSON.stringify(ok.transcript)).not.toContain('secret-session-value-1');
    } finally {
      await proxy.close();
    }
  });

  it('ends the upstream stream when the client disconnects, and records who ended it', async () => {
    const contract = await contractOf('agent-workspace');
    const proxy = new RecordingProxy({ contract, upstream: `http://127.0.0.1:${port}`, channel: 'fleetStream' });
    const { port: pp } = await proxy.listen(0);
    try {
      // /forever is no channel of the contract: relayed, not recorded. The client drops it after the first bytes.
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port: pp, path: '/forever', agent: false }, (res) => res.once('data', () => (req.destroy(), resolve())));
        req.end();
      });
      await upstreamGone;
      await proxy.settled();
      expect(proxy.take()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('contracts outside the repository are checked in memory, the same way', () => {
  it('gives the same verdicts as the generated validators', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sw-spec-'));
    try {
      await copyFile(path.join(ROOT, 'spec/agnt5.asyncapi.yaml'), path.join(dir, 'agnt5.asyncapi.yaml'));
      const loaded = await loadRecordingContract(path.join(dir, 'agnt5.asyncapi.yaml'));
      if ('diagnostics' in loaded) throw new Error('does not load');
      const generated = await contractOf('agnt5');
      expect([loaded.contract.validators, generated.validators]).toEqual(['in-memory', 'generated']);
      for (const [dir_, text] of [
        ['server', VALID_STARTED],
        ['server', '{"type":"execution_started"}'],
        ['server', '{"type":"bogus"}'],
        ['client', '{"name":"x"}'],
        ['client', '{"name":1}'],
      ] as const) {
        const a = loaded.contract.check('workflow', dir_, { text });
        const b = generated.check('workflow', dir_, { text });
        expect(
          a.violations.map((v) => [v.rule, v.pointer]),
          text,
        ).toEqual(b.violations.map((v) => [v.rule, v.pointer]));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers a broken spec with diagnostics, not an exception', async () => {
    const loaded = await loadRecordingContract(path.join(ROOT, 'test/fixtures/invalid-documents/broken-yaml.yaml'));
    expect('diagnostics' in loaded && loaded.diagnostics[0]?.code).toBe('sw/syntax');
  });
});

describe('streamwright record', () => {
  const run = (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
    const code = main(['record', ...args], io);
    return { code, out: () => stdout, err: () => stderr };
  };

  it('records the first connection to --out FILE, stops, and exits 1 naming the violation', async () => {
    const upstream = await scriptedWsUpstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'sw-cli-'));
    try {
      const file = path.join(dir, 'one.jsonl');
      const r = run([
        '--spec',
        'spec/agnt5.asyncapi.yaml',
        '--upstream',
        `http://127.0.0.1:${upstream.port}`,
        '--listen',
        '0',
        '--out',
        file,
        '--name',
        'cli-test',
      ]);
      let port: number | undefined;
      while (port === undefined) {
        const m = /through 127\.0\.0\.1:(\d+)/.exec(r.out());
        if (m) port = Number(m[1]);
        else await new Promise((res) => setImmediate(res));
      }
      await observe(`ws://127.0.0.1:${port}/ws?x-wf-endpoint=e1`, [`x-api-key.${KEY}`], (ws) => ws.once('message', () => ws.send('close-me')));
      expect(await r.code).toBe(1);
      expect(r.out()).toMatch(/one\.jsonl:5 {2}server bogus {2}unknown-tag/);
      expect(r.out()).toMatch(/1 transcript, \d+ contract violations\n$/);
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(KEY);
      const parsed = parseTranscript(text);
      expect('transcript' in parsed && parsed.transcript.header.name).toBe('cli-test');
    } finally {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--upstream', 'http://x', '--listen', '0', '--out', 'x'], /--spec is required/],
    [['--spec', 'spec/agnt5.asyncapi.yaml', '--upstream', 'ftp://x', '--listen', '0', '--out', 'x'], /--upstream must be/],
    [['--spec', 'spec/agnt5.asyncapi.yaml', '--upstream', 'http://x', '--listen', 'abc', '--out', 'x'], /--listen must be a port/],
    [
      ['--spec', 'spec/agnt5.asyncapi.yaml', '--upstream', 'http://x', '--listen', '0', '--out', 'x', '--channel', 'nope'],
      /no WebSocket or SSE channel "nope"/,
    ],
  ])('refuses a bad command line with exit 2: %j', async (args, message) => {
    const r = run(args);
    expect(await r.code).toBe(2);
    expect(r.err()).toMatch(message);
  });

  it('prints its help', async () => {
    const r = run(['--help']);
    expect(await r.code).toBe(0);
    expect(r.out()).toContain('Usage: streamwright record');
  });
});
