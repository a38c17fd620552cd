import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { compileAddress, type AddressMatcher } from '../address.ts';
import type { Principal } from '../auth/authenticate.ts';
import type { ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { ConnectionLimits } from './connection-limits.ts';
import { answerPreflight, applyCors, isPreflight } from './cors.ts';
import { Fanout, type ParamFilter } from './fanout.ts';
import { serveHttp } from './http-endpoint.ts';
import { json, rejectUpgrade, servePage } from './http-io.ts';
import { OutboundCheck } from './outbound.ts';
import { authenticateRequest, schemesFor } from './security.ts';
import { openSse } from './sse-stream.ts';
import type { ChannelParams, ConnectionInfo, RuntimeServerOptions, SsePeer, WsPeer } from './types.ts';
import { channelSocketServer, upgrade, type UpgradeContext } from './ws-upgrade.ts';

interface Route {
  channel: ChannelDescription;
  matcher: AddressMatcher;
}

/**
 * A node:http server that serves every channel of one API as its contract says: WebSocket
 * upgrades, SSE streams and plain HTTP endpoints, with authentication, limits, validation and
 * heartbeats taken from the contract's metadata. This module routes and shuts down; each kind of
 * channel is served by its own module (ws-upgrade, sse-stream, http-endpoint), and everything
 * sent to many clients, or to one on another instance, goes through the fan-out and its bus.
 */
export class RuntimeServer {
  readonly http: Server;
  private readonly options: RuntimeServerOptions;
  private readonly routes: Route[];
  private readonly wss = new Map<string, WebSocketServer>();
  private readonly outbound: OutboundCheck;
  private readonly fanout: Fanout;
  private readonly context: UpgradeContext;
  private nextId = 1;
  private closing = false;

  constructor(options: RuntimeServerOptions) {
    this.options = options;
    this.outbound = new OutboundCheck(options);
    this.fanout = new Fanout(options.api, this.outbound, options.bus, (e) => this.report(e));
    this.context = {
      options,
      fanout: this.fanout,
      outbound: this.outbound,
      limits: new ConnectionLimits(this.fanout.bus),
      report: (error, channel, connection) => this.report(error, channel, connection),
      info: (req, url, channel, params, principal) => this.info(req, url, channel, params, principal),
    };
    this.routes = Object.values(options.api.channels).map((channel) => ({ channel, matcher: compileAddress(channel.address) }));
    for (const { channel } of this.routes) if (channel.transport === 'ws') this.wss.set(channel.id, channelSocketServer(channel));
    this.http = createServer((req, res) => void this.onRequest(req, res).catch((e: unknown) => this.fail(res, e)));
    this.http.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head).catch((e: unknown) => this.failUpgrade(socket, e)));
    this.http.on('clientError', (err, socket) => {
      // Oversized headers get their status (as Node's default handler would), anything else a cut.
      if ((err as { code?: string }).code === 'HPE_HEADER_OVERFLOW' && socket.writable)
        socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
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
  broadcast(channelId: string, message: unknown, params?: ParamFilter): number {
    return this.fanout.broadcast(channelId, message, params);
  }

  /** Validates and sends to one WebSocket connection, on whichever instance holds it (see address()). */
  sendTo(channelId: string, address: string, message: unknown): number {
    return this.fanout.sendTo(channelId, address, message);
  }

  /** A connection's address on the bus, valid on every instance, for sendTo(). */
  address(peer: { readonly id: number }): string {
    return this.fanout.address(peer.id);
  }

  /**
   * Publishes an SSE event on a stream (kept for Last-Event-ID replay) to its readers on every
   * instance of the bus. Returns the readers on this instance.
   */
  publish(channelId: string, event: string, data: unknown, params: ParamFilter = {}): number {
    return this.fanout.publish(channelId, event, data, params);
  }

  /**
   * The open WebSocket peers of a channel, typed as the generated code declares them: the
   * channel's validators, which every send goes through, are what makes the types true.
   */
  wsPeers<Out = unknown, P = ChannelParams>(channelId: string): WsPeer<Out, P>[] {
    return this.fanout.wsPeers(channelId) as WsPeer<unknown, ChannelParams>[] as WsPeer<Out, P>[];
  }

  /** The readers of an SSE channel, typed as the generated code declares them. */
  ssePeers<Events = Record<string, unknown>, P = ChannelParams>(channelId: string): SsePeer<Events, P>[] {
    return this.fanout.ssePeers(channelId) as SsePeer[] as unknown as SsePeer<Events, P>[];
  }

  /** Open WebSocket sessions and SSE peers of this instance, for applications that address clients one by one. */
  connections(channelId: string): { ws: WsPeer[]; sse: SsePeer[] } {
    return { ws: this.fanout.wsPeers(channelId), sse: this.fanout.ssePeers(channelId) };
  }

  /** Graceful shutdown: WebSockets closed with 1001, SSE streams ended, timers cleared. */
  async close(): Promise<void> {
    this.closing = true;
    for (const session of this.fanout.sessions) session.shutdown();
    for (const peer of this.fanout.readers()) peer.end();
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
    return upgrade(this.context, this.wss.get(route.channel.id)!, req, socket, head, route.channel, params, url);
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
    if (channel.transport === 'sse' && req.method === 'HEAD') {
      // The headers a GET would get; no stream, no handler, no connection counted.
      res.writeHead(200, { ...(channel.sse?.headers ?? { 'Content-Type': 'text/event-stream' }) });
      return res.end();
    }
    const info = this.info(req, url, channel, params, outcome.principal);
    if (channel.transport === 'sse') return openSse(this.context, req, res, channel, info);
    return serveHttp(this.options, req, res, channel, info, this.outbound.validators, (e) => this.report(e, channel.id, info.id));
  }

  /** A page of `options.pages` (the dev console…) asked for by exact path, before any channel. */
  private pageAt(req: IncomingMessage): (() => Promise<string>) | undefined {
    const pages = this.options.pages;
    if (!pages || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const path = (req.url ?? '').split('?')[0]!;
    return Object.hasOwn(pages, path) ? pages[path] : undefined;
  }

  private info(req: IncomingMessage, url: URL, channel: ChannelDescription, params: Record<string, string>, principal: Principal | undefined): ConnectionInfo {
    return { id: this.nextId++, channel: channel.id, params, query: url.searchParams, principal, request: req };
  }

  private report(error: Error, channel?: string, connection?: number) {
    try {
      this.options.onError?.(error, channel === undefined ? undefined : { channel, ...(connection !== undefined ? { connection } : {}) });
    } catch {
      // A failing hook must not take the server down.
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

export function createRuntimeServer(options: RuntimeServerOptions): RuntimeServer {
  return new RuntimeServer(options);
}
