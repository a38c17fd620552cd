import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { compileAddress, type AddressMatcher } from '../address.ts';
import type { Principal } from '../auth/authenticate.ts';
import type { ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { SseConnection } from '../sse/connection.ts';
import { answerPreflight, applyCors, isPreflight } from './cors.ts';
import { Fanout, type SseStream, type StreamReader } from './fanout.ts';
import { authenticateRequest, schemesFor } from './security.ts';
import {
  CLOSE,
  type ConnectionInfo,
  type HttpChannelHandlers,
  type RuntimeServerOptions,
  type SseChannelHandlers,
  type SsePeer,
  type WsChannelHandlers,
} from './types.ts';
import { WsSession } from './ws-session.ts';

export * from './types.ts';

interface Route {
  channel: ChannelDescription;
  matcher: AddressMatcher;
}

const MAX_HTTP_BODY = 1 << 20;

/**
 * A node:http server that serves every channel of one API as its contract says: WebSocket
 * upgrades, SSE streams and plain HTTP endpoints, with authentication, limits, validation and
 * heartbeats taken from the contract's metadata.
 */
export class RuntimeServer {
  readonly http: Server;
  private readonly options: RuntimeServerOptions;
  private readonly routes: Route[];
  private readonly wss = new Map<string, WebSocketServer>();
  private readonly sessions = new Set<WsSession>();
  /** Broadcasts, SSE streams and connection counts, through the bus (runtime/server/fanout.ts). */
  private readonly fanout: Fanout;
  private readonly sseTimers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  private closing = false;

  constructor(options: RuntimeServerOptions) {
    this.options = options;
    this.fanout = new Fanout(options.api.name, options.bus, () => this.sessions, (e) => this.report(e));
    this.routes = Object.values(options.api.channels).map((channel) => ({ channel, matcher: compileAddress(channel.address) }));
    for (const { channel } of this.routes) {
      if (channel.transport !== 'ws') continue;
      this.wss.set(
        channel.id,
        new WebSocketServer({
          noServer: true,
          maxPayload: channel.limits?.maxMessageBytes?.limit ?? 1 << 20,
          handleProtocols: (_protocols, req) => (req as RequestWithProtocol)[ACCEPTED_PROTOCOL] ?? false,
          perMessageDeflate: false,
        }),
      );
    }
    this.http = createServer((req, res) => void this.onRequest(req, res).catch((e: unknown) => this.fail(res, e)));
    this.http.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head).catch((e: unknown) => this.failUpgrade(socket, e)));
    this.http.on('clientError', (err, socket) => {
      // Oversized headers get their status (as Node's default handler would), anything else a cut.
      if ((err as { code?: string }).code === 'HPE_HEADER_OVERFLOW' && socket.writable) socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<{ port: number }> {
    await this.fanout.start();
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve({ port: (this.http.address() as { port: number }).port });
      });
    });
  }

  /**
   * Validates once, serialises once, and sends to every open WebSocket on the channel (and
   * matching parameters) on every instance of the bus. Returns the connections reached on this
   * instance.
   */
  broadcast(channelId: string, message: unknown, params?: Readonly<Record<string, string>>): number {
    this.validateOutbound(channelId, message);
    return this.fanout.broadcast({ channel: channelId, ...(params ? { params } : {}), text: JSON.stringify(message) });
  }

  /** Validates and sends to one WebSocket connection, on whichever instance holds it (see address()). */
  sendTo(channelId: string, address: string, message: unknown): number {
    this.validateOutbound(channelId, message);
    return this.fanout.broadcast({ channel: channelId, to: address, text: JSON.stringify(message) });
  }

  /** A connection's address on the bus, valid on every instance, for sendTo(). */
  address(peer: { readonly id: number }): string {
    return this.fanout.address(peer.id);
  }

  /**
   * Publishes an SSE event on a stream (kept for Last-Event-ID replay) to its readers on every
   * instance of the bus. Returns the readers on this instance.
   */
  publish(channelId: string, event: string, data: unknown, params: Readonly<Record<string, string>> = {}): number {
    const validate = this.options.validators[channelId]?.send;
    if (this.options.validateOutbound !== false && validate) {
      const verdict = validate(event, data);
      if (!verdict.ok) throw new StreamwrightError('SW_OUTBOUND_INVALID', `refusing to publish an invalid ${event} on ${channelId}`, { details: verdict.errors ?? [] });
    }
    return this.fanout.publish(this.stream(channelId, params), event, JSON.stringify(data));
  }

  /** Open WebSocket sessions and SSE peers of this instance, for applications that address clients one by one. */
  connections(channelId: string): { ws: WsSession[]; sse: SsePeer[] } {
    return {
      ws: [...this.sessions].filter((s) => s.channel === channelId && s.isOpen),
      sse: this.fanout.channelStreams(channelId).flatMap((s) => [...s.peers] as SsePeerImpl[]),
    };
  }

  /** Graceful shutdown: WebSockets closed with 1001, SSE streams ended, timers cleared. */
  async close(): Promise<void> {
    this.closing = true;
    for (const session of this.sessions) session.shutdown();
    for (const peer of this.fanout.readers()) (peer as SsePeerImpl).end();
    for (const t of this.sseTimers) clearTimeout(t);
    this.sseTimers.clear();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Give close frames a moment, then cut whatever is left. Not unref'd: a caller awaiting close()
    // must see it settle even when nothing else keeps the event loop alive.
    await new Promise((r) => setTimeout(r, 50));
    for (const wss of this.wss.values()) for (const client of wss.clients) client.terminate();
    this.http.closeAllConnections();
    await closed;
    await this.fanout.stop();
  }

  // ---- routing ----

  private route(req: IncomingMessage): { route: Route; params: Record<string, string>; url: URL } | undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of this.routes) {
      const params = route.matcher.match(url.pathname);
      if (params) {
        const wantsUpgrade = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
        // A WebSocket and an SSE channel may share an address; the request says which one it wants.
        if (wantsUpgrade !== (route.channel.transport === 'ws')) continue;
        return { route, params, url };
      }
    }
    return undefined;
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    if (this.closing) return rejectUpgrade(socket, 503, 'shutting down');
    const found = this.route(req);
    if (!found) {
      this.report(new StreamwrightError('SW_NOT_FOUND', `no WebSocket channel at ${req.url}`, { status: 404 }));
      return rejectUpgrade(socket, 404, 'no WebSocket channel at this address');
    }
    const { route, params, url } = found;
    const channel = route.channel;
    const missing = requiredQuery(channel).filter((name) => !url.searchParams.get(name));
    if (missing.length > 0) return rejectUpgrade(socket, 400, `missing query parameter ${missing.join(', ')}`);
    const schemes = schemesFor(this.options.api, channel);
    // A credential in the query is judged by authentication (401), not by its schema (400).
    const credentials = new Set(schemes.flatMap((s) => {
      const credential = s.auth?.credential;
      if (credential?.in === 'query' && credential.name) return [credential.name];
      return s.in === 'query' && s.name ? [s.name] : [];
    }));
    const malformed = malformedQuery(channel, url.searchParams).filter((name) => !credentials.has(name));
    if (malformed.length > 0) return rejectUpgrade(socket, 400, `malformed query parameter ${malformed.join(', ')}`);

    const outcome = await authenticateRequest(req, url, schemes, this.options.auth);
    if (outcome.kind === 'rejected' && outcome.onFailure.action === 'http-status') {
      this.report(outcome.error, channel.id);
      return rejectUpgrade(socket, outcome.onFailure.httpStatus ?? 401, outcome.error.message);
    }
    const principal = outcome.kind === 'accepted' ? outcome.principal : undefined;
    const limitKey = this.connectionKey(channel, url, principal);
    const maxConnections = channel.limits?.maxConnections;
    const overLimit = maxConnections !== undefined && limitKey !== undefined && (await this.fanout.bus.count(limitKey)) >= maxConnections.limit;
    if (overLimit && maxConnections.onExceed.action === 'reject') {
      this.report(new StreamwrightError('SW_TOO_MANY_CONNECTIONS', undefined, { status: maxConnections.onExceed.httpStatus ?? 429 }), channel.id);
      return rejectUpgrade(socket, maxConnections.onExceed.httpStatus ?? 429, 'too many connections');
    }
    const handlers = (this.options.handlers[channel.id] ?? {}) as WsChannelHandlers;
    // With the principal known now, the application can refuse before the upgrade (e.g. 404).
    const early = outcome.kind === 'accepted' ? await handlers.authorize?.(this.info(req, url, channel, params, principal)) : undefined;
    if (early && 'httpStatus' in early) return rejectUpgrade(socket, early.httpStatus, 'refused');
    if (outcome.kind === 'accepted' && outcome.protocol) (req as RequestWithProtocol)[ACCEPTED_PROTOCOL] = outcome.protocol;

    this.wss.get(channel.id)!.handleUpgrade(req, socket, head, (ws) => {
      const session = new WsSession({
        id: this.nextId++,
        ws,
        socket,
        channel,
        params,
        url,
        request: req,
        principal,
        pendingScheme: outcome.kind === 'pending' ? outcome.scheme : undefined,
        handlers,
        options: this.options,
        authorize: async (s) => {
          const refuse = (errorCode: string | undefined, closeCode: number, message: string) => {
            if (errorCode) s.sendError(errorCode, message);
            s.close(closeCode, message);
            return false;
          };
          if (outcome.kind === 'rejected') {
            this.report(outcome.error, channel.id);
            return refuse(outcome.onFailure.errorCode, outcome.onFailure.closeCode ?? CLOSE.policy, outcome.error.message);
          }
          const key = this.connectionKey(channel, url, s.principal);
          const tooMany = () => {
            this.report(new StreamwrightError('SW_TOO_MANY_CONNECTIONS'), channel.id);
            return refuse(maxConnections!.onExceed.errorCode, maxConnections!.onExceed.closeCode ?? CLOSE.policy, 'too many connections');
          };
          if (maxConnections && key !== undefined && (overLimit || (await this.fanout.bus.count(key)) >= maxConnections.limit)) return tooMany();
          const refusal = outcome.kind === 'accepted' ? early : await handlers.authorize?.(s);
          if (refusal) return 'errorCode' in refusal ? refuse(refusal.errorCode, refusal.closeCode, refusal.message) : refuse(undefined, CLOSE.policy, 'refused');
          // Only connections that got through count towards the limit (on every instance of the bus).
          if (maxConnections && key !== undefined) {
            if (!(await this.fanout.bus.acquire(key, maxConnections.limit))) return tooMany();
            // The socket may have closed while the count was taken (onClosed has run: nothing to release then).
            if (!this.sessions.has(s)) {
              this.fanout.bus.release(key);
              return false;
            }
            countedKeys.set(s, key);
          }
          return true;
        },
        onClosed: (s) => {
          this.sessions.delete(s);
          const key = countedKeys.get(s);
          if (key !== undefined) this.fanout.bus.release(key);
        },
      });
      this.sessions.add(session);
    });
  }

  private pageAt(req: IncomingMessage): (() => Promise<string>) | undefined {
    const pages = this.options.pages;
    if (!pages || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const path = (req.url ?? '').split('?')[0]!;
    return Object.hasOwn(pages, path) ? pages[path] : undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse) {
    if (this.closing) return json(res, 503, { error: 'shutting down' });
    const page = this.pageAt(req);
    if (page) return servePage(res, await page());
    const found = this.route(req);
    if (!found) {
      this.report(new StreamwrightError('SW_NOT_FOUND', `nothing at ${req.method} ${req.url}`, { status: 404 }));
      return json(res, 404, { error: 'not found' });
    }
    const { route, params, url } = found;
    const channel = route.channel;
    const method = channel.send.operations[0]?.httpMethod ?? channel.receive.operations[0]?.httpMethod ?? (channel.transport === 'sse' ? 'GET' : 'POST');
    // A WebSocket address answered over plain HTTP is no resource a page may read.
    if (channel.transport !== 'ws') {
      if (isPreflight(req)) return answerPreflight(req, res, this.options.cors, channel, method, schemesFor(this.options.api, channel));
      applyCors(req, res, this.options.cors);
    }
    if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
      res.setHeader('Allow', method);
      return json(res, 405, { error: `use ${method}` });
    }
    const outcome = await authenticateRequest(req, url, schemesFor(this.options.api, channel), this.options.auth);
    if (outcome.kind !== 'accepted') {
      const error = outcome.kind === 'rejected' ? outcome.error : new StreamwrightError('SW_AUTH_MISSING');
      this.report(error, channel.id);
      const status = outcome.kind === 'rejected' ? (outcome.onFailure.httpStatus ?? 401) : 401;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return json(res, status, { error: status === 403 ? 'forbidden' : 'unauthorized', message: error.message });
    }
    const info = this.info(req, url, channel, params, outcome.principal);
    if (channel.transport === 'sse' && req.method === 'HEAD') {
      // The headers a GET would get; no stream, no handler, no connection counted.
      res.writeHead(200, { ...(channel.sse?.headers ?? { 'Content-Type': 'text/event-stream' }) });
      return res.end();
    }
    if (channel.transport === 'sse') return this.openSse(req, res, channel, info);
    return this.serveHttp(req, res, channel, info);
  }

  private async serveHttp(req: IncomingMessage, res: ServerResponse, channel: ChannelDescription, info: ConnectionInfo) {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') return json(res, 415, { error: 'send application/json' });
    let text: string;
    try {
      text = await readBody(req, MAX_HTTP_BODY);
    } catch {
      // The client is told why, then the connection closes: the rest of the body is not read.
      res.shouldKeepAlive = false;
      res.once('finish', () => req.socket.destroySoon?.());
      return json(res, 413, { error: `body over ${MAX_HTTP_BODY} bytes` });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return json(res, 400, { error: 'invalid_json', details: [{ pointer: '', keyword: 'json', message: 'the body is not JSON' }] });
    }
    const verdict = this.options.validators[channel.id]?.receive?.(body);
    if (verdict && !verdict.ok) return json(res, 400, { error: 'invalid_body', details: verdict.errors });
    const handler = this.options.handlers[channel.id] as HttpChannelHandlers | undefined;
    if (!handler?.request) return json(res, 501, { error: 'not implemented' });
    const result = await handler.request(body, info);
    return json(res, result.status, result.body);
  }

  private openSse(req: IncomingMessage, res: ServerResponse, channel: ChannelDescription, info: ConnectionInfo) {
    const spec = channel.sse;
    const scale = this.options.timeScale ?? 1;
    const handlers = (this.options.handlers[channel.id] ?? {}) as SseChannelHandlers;
    const start = async () => {
      const refusal = await handlers.authorize?.(info);
      if (refusal) return json(res, refusal.httpStatus, { error: 'refused' });
      res.writeHead(200, { ...(spec?.headers ?? { 'Content-Type': 'text/event-stream' }) });
      res.flushHeaders();
      const stream = this.stream(channel.id, info.params);
      const connection = new SseConnection(res, this.options.maxBufferedBytes ?? 1 << 20, (unsent) =>
        this.report(new StreamwrightError('SW_SLOW_CONSUMER', `connection ${info.id} has ${unsent} bytes unsent`), channel.id, info.id),
      );
      const lastEventId = spec?.resume?.lastEventId ? headerValue(req.headers['last-event-id']) : undefined;
      const peer = new SsePeerImpl(info, connection, stream, this.fanout, this);
      if (spec?.retryMs !== undefined) connection.write({ retry: Math.round(spec.retryMs * scale) });
      const joining = this.fanout.join(stream, peer, lastEventId);
      peer.resumed = await joining;
      if (!connection.isOpen) return this.fanout.leave(stream, peer);

      const timers: NodeJS.Timeout[] = [];
      const every = (ms: number, fn: () => void) => {
        const t = setInterval(fn, Math.max(1, ms * scale));
        t.unref();
        timers.push(t);
      };
      const hb = channel.heartbeat;
      if (hb?.mode === 'sse-event') {
        every(hb.intervalMs, () => {
          const payload = this.options.heartbeatMessage?.(channel.id);
          if (payload !== undefined) peer.send(hb.message, payload);
        });
      } else if (spec?.keepAliveCommentMs) {
        every(spec.keepAliveCommentMs, () => connection.write({ comment: 'keep-alive' }));
      }
      const maxDuration = channel.limits?.maxStreamDurationMs;
      if (maxDuration) {
        const t = setTimeout(() => peer.end(), Math.max(1, maxDuration.limit * scale));
        t.unref();
        timers.push(t);
      }
      connection.onClose(() => {
        for (const t of timers) clearTimeout(t);
        this.fanout.leave(stream, peer);
        try {
          handlers.close?.(peer);
        } catch (e) {
          this.report(new StreamwrightError('SW_HANDLER_FAILED', (e as Error).message, { cause: e }), channel.id);
        }
      });
      try {
        handlers.open?.(peer);
      } catch (e) {
        this.report(new StreamwrightError('SW_HANDLER_FAILED', (e as Error).message, { cause: e }), channel.id);
      }
    };
    return start();
  }

  /** Validates an outbound SSE event for one peer; used by SsePeerImpl. */
  validateEvent(channelId: string, event: string, data: unknown): void {
    const validate = this.options.validators[channelId]?.send;
    if (this.options.validateOutbound === false || !validate) return;
    const verdict = validate(event, data);
    if (!verdict.ok) throw new StreamwrightError('SW_OUTBOUND_INVALID', `refusing to send an invalid ${event} on ${channelId}`, { details: verdict.errors ?? [] });
  }

  private validateOutbound(channelId: string, message: unknown) {
    const validate = this.options.validators[channelId]?.send;
    if (this.options.validateOutbound === false || !validate) return;
    const verdict = validate(message);
    if (!verdict.ok) throw new StreamwrightError('SW_OUTBOUND_INVALID', `refusing to broadcast an invalid message on ${channelId}`, { details: verdict.errors ?? [] });
  }

  private stream(channelId: string, params: Readonly<Record<string, string>>): SseStream {
    return this.fanout.stream(channelId, params, this.options.api.channels[channelId]?.sse?.resume?.bufferSize ?? 0);
  }

  private connectionKey(channel: ChannelDescription, url: URL, principal: Principal | undefined): string | undefined {
    const per = channel.limits?.maxConnections?.per;
    if (!channel.limits?.maxConnections) return undefined;
    if (per?.query) return `${channel.id}\0q\0${url.searchParams.get(per.query) ?? ''}`;
    if (per?.jwtClaim) {
      const value = principal?.claims?.[per.jwtClaim];
      return value === undefined ? undefined : `${channel.id}\0c\0${String(value)}`;
    }
    return `${channel.id}\0all`;
  }

  private info(req: IncomingMessage, url: URL, channel: ChannelDescription, params: Record<string, string>, principal: Principal | undefined): ConnectionInfo {
    return { id: this.nextId++, channel: channel.id, params, query: url.searchParams, principal, request: req };
  }

  private report(error: Error, channel?: string, connection?: number) {
    try {
      this.options.onError?.(error, channel === undefined ? undefined : { channel, ...(connection !== undefined ? { connection } : {}) });
    } catch {
      // ignore
    }
  }

  private fail(res: ServerResponse, e: unknown) {
    this.report(e as Error);
    if (!res.headersSent) json(res, 500, { error: 'internal_error' });
    else res.destroy();
  }

  private failUpgrade(socket: Duplex, e: unknown) {
    this.report(e as Error);
    rejectUpgrade(socket, 500, 'internal error');
  }
}

const countedKeys = new WeakMap<WsSession, string>();
const ACCEPTED_PROTOCOL = Symbol('streamwright.acceptedProtocol');
type RequestWithProtocol = IncomingMessage & { [ACCEPTED_PROTOCOL]?: string };

class SsePeerImpl implements SsePeer, StreamReader {
  readonly id: number;
  readonly channel: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly principal: Principal | undefined;
  readonly request: IncomingMessage;
  resumed = false;
  cursor: string | undefined;
  held: StreamReader['held'];
  fresh = false;

  constructor(
    info: ConnectionInfo,
    private readonly connection: SseConnection,
    private readonly stream: SseStream,
    private readonly fanout: Fanout,
    private readonly server: RuntimeServer,
  ) {
    this.id = info.id;
    this.channel = info.channel;
    this.params = info.params;
    this.query = info.query;
    this.principal = info.principal;
    this.request = info.request;
  }

  send(event: string, data: unknown): void {
    this.server.validateEvent(this.channel, event, data);
    this.write(this.fanout.sideId(this.stream, this), event, JSON.stringify(data));
  }

  writeEncoded(encoded: string): void {
    this.connection.writeEncoded(encoded);
  }

  /** `burst`: part of a replay, allowed past the slow-consumer bound until the socket drains. */
  write(id: string | undefined, event: string, data: string, burst = false): void {
    this.connection.write({ id, event, data }, burst);
  }

  end(): void {
    this.connection.end();
  }
}

export function createRuntimeServer(options: RuntimeServerOptions): RuntimeServer {
  return new RuntimeServer(options);
}

function requiredQuery(channel: ChannelDescription): string[] {
  const q = channel.query as { required?: unknown } | undefined;
  return Array.isArray(q?.required) ? q.required.filter((n): n is string => typeof n === 'string') : [];
}

/** Query parameters whose value breaks the pattern or length the contract's query schema gives. */
function malformedQuery(channel: ChannelDescription, query: URLSearchParams): string[] {
  type Prop = { pattern?: unknown; minLength?: unknown; maxLength?: unknown };
  const props = (channel.query as { properties?: Record<string, Prop> } | undefined)?.properties ?? {};
  return Object.entries(props)
    .filter(([name, schema]) => {
      const value = query.get(name);
      if (value === null) return false;
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return true;
      if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) return true;
      return typeof schema.maxLength === 'number' && [...value].length > schema.maxLength;
    })
    .map(([name]) => name);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A page that runs only its own inline script, talks only to this origin, and is never framed. */
function servePage(res: ServerResponse, html: string) {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  });
  res.end(html);
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function rejectUpgrade(socket: Duplex, status: number, message: string) {
  if (!socket.writable) return socket.destroy();
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}\r\n${body}`,
  );
}

/**
 * The body, or a rejection once it passes `max` bytes (at once when Content-Length says so).
 * The request is not destroyed: that would reset the socket before the 413 could be sent.
 */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    if (Number(req.headers['content-length'] ?? 0) > max) return reject(new Error('too large'));
    req.on('data', (chunk: Buffer) => {
      if (size > max) return;
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
