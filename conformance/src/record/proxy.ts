import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { RecordingContract } from './contract.ts';
import { toolVersion } from './contract.ts';
import { RecordingSession, type RecordedConnection } from './session.ts';
import { SseParser } from '../../../runtime/protocol/index.ts';

export interface RecordingProxyOptions {
  contract: RecordingContract;
  /** Origin of the implementation: `http://host:port` or `ws://host:port` (https / wss for TLS). */
  upstream: string;
  /** Record only this channel id; other traffic is still relayed. */
  channel?: string;
  /** Called with every finished transcript, in the order connections end. */
  onRecorded?(connection: RecordedConnection): void;
  /** Scenario name of a connection's transcript (default `<channel>-<seq, 3 digits>`). */
  name?(c: { seq: number; channel: string }): string;
  /** Instant written as `recordedAt` (default: the wall clock). */
  now?(): Date;
  /** Recorded times are divided by it (use the server's timeScale to record contract time). */
  timeScale?: number;
  /** Frames recorded per connection at most; later ones are relayed unrecorded. */
  maxFramesPerConnection?: number;
  /** Largest refused-handshake body kept in a transcript. */
  maxBodyBytes?: number;
}

/** Why a request could not be relayed (the client got a 502). */
export interface RelayFailure {
  url: string;
  message: string;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate']);
/** Headers the `ws` client writes itself for the upstream handshake. */
const WS_HANDSHAKE = new Set([
  'host',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'connection',
  'upgrade',
]);
/** Response headers `ws` writes itself for the client handshake. */
const WS_RESPONSE = new Set(['sec-websocket-accept', 'sec-websocket-protocol', 'sec-websocket-extensions', 'connection', 'upgrade']);

/**
 * A recording proxy for WebSocket and SSE. Everything is relayed unchanged in both directions:
 * subprotocol negotiation, headers, refused upgrades with their status and body, every message
 * (text or binary, byte for byte), pings and pongs, close codes and reasons, SSE bytes as they
 * arrive. Connections on a channel of the contract are also recorded, one transcript each.
 * Compression is not negotiated on either side, so frames are compared as sent.
 */
export class RecordingProxy {
  private readonly server = http.createServer((req, res) => this.onRequest(req, res));
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    skipUTF8Validation: true,
    autoPong: false,
    clientTracking: false,
    // The protocol upstream accepted is decided before the client's upgrade is completed.
    handleProtocols: (_offered, req) => ACCEPTED.get(req) ?? false,
  });
  private readonly upstream: URL;
  private seq = 0;
  private readonly open = new Set<Promise<void>>();
  private readonly recorded: RecordedConnection[] = [];
  private readonly failures: RelayFailure[] = [];
  private readonly sockets = new Set<Duplex>();
  private readonly tool = toolVersion();

  constructor(private readonly o: RecordingProxyOptions) {
    const url = new URL(o.upstream);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw new Error(`upstream must be an http(s):// or ws(s):// URL, not ${o.upstream}`);
    this.upstream = url;
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<{ port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return { port: (this.server.address() as AddressInfo).port };
  }

  /** Resolves once every connection opened so far has ended and its transcript is finished. */
  async settled(): Promise<void> {
    while (this.open.size > 0) await Promise.all([...this.open]);
  }

  /** Transcripts finished since the last call, in the order their connections were opened. */
  take(): RecordedConnection[] {
    const out = this.recorded.splice(0).sort((a, b) => a.seq - b.seq);
    return out;
  }

  relayFailures(): RelayFailure[] {
    return [...this.failures];
  }

  /** Stops listening, ends every relayed connection and waits for their transcripts. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await this.settled();
    this.wss.close();
  }

  private track(run: (done: () => void) => void) {
    let done!: () => void;
    const p = new Promise<void>((resolve) => (done = resolve));
    this.open.add(p);
    void p.then(() => this.open.delete(p));
    run(done);
  }

  private session(req: IncomingMessage, transport: 'ws' | 'sse'): RecordingSession | undefined {
    const url = req.url ?? '/';
    let pathname: string;
    try {
      pathname = new URL(url, 'http://proxy.invalid').pathname;
    } catch {
      return undefined;
    }
    const matched = this.o.contract.match(pathname, transport);
    if (!matched || (this.o.channel !== undefined && matched.channel.id !== this.o.channel)) return undefined;
    const seq = ++this.seq;
    return new RecordingSession({
      seq,
      contract: this.o.contract,
      channel: matched.channel,
      parameters: matched.parameters,
      url,
      tool: this.tool,
      name: this.o.name?.({ seq, channel: matched.channel.id }) ?? `${matched.channel.id}-${String(seq).padStart(3, '0')}`,
      recordedAt: this.o.now?.() ?? new Date(),
      timeScale: this.o.timeScale ?? 1,
      maxFrames: this.o.maxFramesPerConnection ?? 100_000,
    });
  }

  private finish(session: RecordingSession | undefined) {
    const r = session?.finish();
    if (!r) return;
    this.recorded.push(r);
    this.o.onRecorded?.(r);
  }

  private upstreamUrl(path: string, ws: boolean): string {
    const secure = this.upstream.protocol === 'https:' || this.upstream.protocol === 'wss:';
    const scheme = ws ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
    return `${scheme}//${this.upstream.host}${path}`;
  }

  // ─── WebSocket ─────────────────────────────────────────────────────────────────────────────────

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.track((done) => {
      const session = this.session(req, 'ws');
      const offered = offeredProtocols(req);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !WS_HANDSHAKE.has(name) && !HOP_BY_HOP.has(name)) headers[name] = value;

      let up: WebSocket;
      try {
        up = new WebSocket(this.upstreamUrl(req.url ?? '/', true), offered, {
          headers,
          perMessageDeflate: false,
          skipUTF8Validation: true,
          autoPong: false,
          followRedirects: false,
          handshakeTimeout: 30_000,
          maxPayload: 256 * 1024 * 1024,
        });
      } catch (e) {
        // The client offered subprotocols no server could accept (the ws client refuses to send them).
        this.failures.push({ url: req.url ?? '/', message: (e as Error).message });
        writeRawResponse(socket, 400, 'Bad Request', [['content-type', 'text/plain']], Buffer.from(`recording proxy: ${(e as Error).message}\n`));
        done();
        return;
      }

      let clientGone = false;
      socket.once('close', () => {
        clientGone = true;
        if (up.readyState === WebSocket.CONNECTING) up.terminate();
      });
      let upgradeResponse: IncomingMessage | undefined;
      up.once('upgrade', (res) => (upgradeResponse = res));

      up.once('unexpected-response', (_r, res) => {
        readBody(res, this.o.maxBodyBytes ?? 1024 * 1024).then((body) => {
          session?.recordHandshake({
            method: req.method ?? 'GET',
            requestHeaders: req.headers,
            subprotocols: offered,
            status: res.statusCode ?? 0,
            responseHeaders: res.headers,
            body: body.toString('utf8'),
          });
          const pairs = rawHeaderPairs(res.rawHeaders).filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase()) && n.toLowerCase() !== 'content-length');
          writeRawResponse(socket, res.statusCode ?? 502, res.statusMessage ?? '', [...pairs, ['content-length', String(body.length)]], body);
          this.finish(session);
          done();
        });
      });

      up.once('error', (e) => {
        if (up.readyState === WebSocket.OPEN || upgradeResponse) return;
        if (!clientGone) {
          this.failures.push({ url: req.url ?? '/', message: e.message });
          writeRawResponse(socket, 502, 'Bad Gateway', [['content-type', 'text/plain']], Buffer.from(`recording proxy: upstream unreachable: ${e.message}\n`));
        }
        done();
      });

      // Frames upstream sends before the client's upgrade is complete wait here, in order.
      const early: [RawData, boolean][] = [];
      let client: WebSocket | undefined;
      up.on('message', (data, isBinary) => {
        const buf = toBuffer(data);
        session?.recordMessage('server', buf, isBinary);
        if (client) client.send(buf, { binary: isBinary });
        else early.push([buf, isBinary]);
      });

      up.once('open', () => {
        if (clientGone) {
          up.terminate();
          return;
        }
        session?.recordHandshake({
          method: req.method ?? 'GET',
          requestHeaders: req.headers,
          subprotocols: offered,
          protocol: up.protocol,
          status: 101,
          responseHeaders: upgradeResponse?.headers ?? {},
        });
        if (up.protocol) ACCEPTED.set(req, up.protocol);
        const extra = rawHeaderPairs(upgradeResponse?.rawHeaders ?? []).filter(([n]) => !WS_RESPONSE.has(n.toLowerCase()) && !HOP_BY_HOP.has(n.toLowerCase()));
        const addHeaders = (list: string[], r: IncomingMessage) => {
          if (r === req) for (const [n, v] of extra) list.push(`${n}: ${v}`);
        };
        this.wss.on('headers', addHeaders);
        this.wss.handleUpgrade(req, socket, head, (c) => {
          this.wss.off('headers', addHeaders);
          client = c;
          for (const [data, isBinary] of early.splice(0)) c.send(data, { binary: isBinary });
          this.pipe(c, up, session, done);
        });
      });
    });
  }

  private pipe(client: WebSocket, up: WebSocket, session: RecordingSession | undefined, done: () => void) {
    client.on('message', (data, isBinary) => {
      const buf = toBuffer(data);
      session?.recordMessage('client', buf, isBinary);
      if (up.readyState === WebSocket.OPEN) up.send(buf, { binary: isBinary });
    });
    client.on('ping', (d) => up.readyState === WebSocket.OPEN && up.ping(d));
    client.on('pong', (d) => up.readyState === WebSocket.OPEN && up.pong(d));
    up.on('ping', (d) => client.readyState === WebSocket.OPEN && client.ping(d));
    up.on('pong', (d) => client.readyState === WebSocket.OPEN && client.pong(d));
    client.on('error', () => undefined);
    up.on('error', () => undefined);

    let closed = 0;
    const ended = () => {
      if (++closed < 2) return;
      this.finish(session);
      done();
    };
    up.once('close', (code, reason) => {
      session?.recordClose('server', code, reason.toString('utf8'));
      forwardClose(client, code, reason);
      ended();
    });
    client.once('close', (code, reason) => {
      session?.recordClose('client', code, reason.toString('utf8'));
      forwardClose(up, code, reason);
      ended();
    });
  }

  // ─── SSE and plain HTTP ────────────────────────────────────────────────────────────────────────

  private onRequest(req: IncomingMessage, res: ServerResponse) {
    this.track((done) => {
      const session = req.method === 'GET' ? this.session(req, 'sse') : undefined;
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value;
      headers.host = this.upstream.host;
      const target = new URL(this.upstreamUrl(req.url ?? '/', false));
      const request = (target.protocol === 'https:' ? https : http).request(target, { method: req.method ?? 'GET', headers, agent: false });
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        this.finish(session);
        done();
      };

      request.once('error', (e) => {
        if (!res.headersSent) {
          this.failures.push({ url: req.url ?? '/', message: e.message });
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`recording proxy: upstream unreachable: ${e.message}\n`);
        } else res.destroy();
        finish();
      });
      res.once('close', () => {
        // The client went away before the stream ended: stop the upstream stream too.
        if (!res.writableFinished) {
          session?.recordClose('client');
          request.destroy();
          finish();
        }
      });

      request.once('response', (up) => {
        const status = up.statusCode ?? 502;
        const isStream = status >= 200 && status < 300 && /^text\/event-stream\b/i.test(String(up.headers['content-type'] ?? ''));
        const pairs = rawHeaderPairs(up.rawHeaders).filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase()));
        res.writeHead(status, up.statusMessage, pairs.flat());
        res.flushHeaders();
        const handshake = { method: req.method ?? 'GET', requestHeaders: req.headers, subprotocols: [] as string[], status, responseHeaders: up.headers };
        if (session && isStream) {
          session.recordHandshake(handshake);
          // The stream is relayed whole; only what is recorded is bounded.
          const parser = new SseParser({ maxBlockBytes: 4 * 1024 * 1024 });
          up.on('data', (chunk: Buffer) => {
            res.write(chunk);
            for (const item of parser.push(chunk)) {
              if (item.kind === 'comment') session.recordComment(item.text);
              else if (item.kind === 'event') session.recordSseEvent(item);
            }
          });
        } else {
          const body: Buffer[] = [];
          let size = 0;
          const max = this.o.maxBodyBytes ?? 1024 * 1024;
          up.on('data', (chunk: Buffer) => {
            res.write(chunk);
            if (session && size < max) {
              body.push(chunk);
              size += chunk.length;
            }
          });
          up.once('end', () => session?.recordHandshake({ ...handshake, body: Buffer.concat(body).subarray(0, max).toString('utf8') }));
        }
        up.once('end', () => {
          session?.recordClose('server');
          res.end();
          finish();
        });
        up.once('error', () => {
          session?.recordClose('server');
          res.destroy();
          finish();
        });
      });
      req.pipe(request);
    });
  }
}

/** Per upgrade request: the subprotocol upstream accepted, for `handleProtocols`. */
const ACCEPTED = new WeakMap<IncomingMessage, string>();

function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return (Array.isArray(raw) ? raw.join(',') : raw)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Relays a close: the same code and reason where the protocol lets one be sent, else the nearest equivalent. */
function forwardClose(ws: WebSocket, code: number, reason: Buffer) {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return;
  if (code === 1006) return ws.terminate();
  if (code === 1005 || !sendableCloseCode(code)) return ws.close();
  ws.close(code, reason);
}

function sendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

function rawHeaderPairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function writeRawResponse(socket: Duplex, status: number, message: string, headers: readonly (readonly [string, string])[], body: Buffer) {
  if (socket.destroyed) return;
  const head = [`HTTP/1.1 ${status} ${message.replace(/[\r\n]/g, ' ')}`, ...headers.map(([n, v]) => `${n}: ${v}`), 'connection: close', '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function readBody(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < max) chunks.push(c);
      size += c.length;
    });
    res.once('end', () => resolve(Buffer.concat(chunks).subarray(0, max)));
    res.once('error', () => resolve(Buffer.concat(chunks).subarray(0, max)));
  });
}
