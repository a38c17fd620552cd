import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/** A path prefix the page server forwards, with the reference server behind it. */
export interface ProxyRoute {
  prefix: string;
  /** `http://127.0.0.1:port` of the target. */
  target: string;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  upgrade: boolean;
  /** Status the target answered (for upgrades: 101 or the refusal). */
  status?: number;
  hadCookie: boolean;
  /** The Authorization header, if any (tells a good credential's request from a bad one's). */
  authorization?: string;
}

export interface PageServerOptions {
  html: string;
  /** Served at /page.js. */
  js: string;
}

/**
 * Serves the test page and forwards the API paths it routes (plain HTTP, SSE and WebSocket
 * upgrades) to the reference servers, so the page and those APIs share one origin. The runtime
 * answers no CORS preflight and sends no Access-Control-* headers, so a cross-origin SSE request
 * carrying a bearer header or a cookie could not work; same-origin needs neither.
 */
export class PageServer {
  readonly http: Server;
  /** Every request forwarded, in arrival order (retry loops show up here). */
  readonly forwarded: ProxiedRequest[] = [];
  private routes: ProxyRoute[] = [];
  private cookie: string | undefined;
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly options: PageServerOptions) {
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (_e, socket) => socket.destroy());
  }

  async listen(host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, host, () => resolve());
    });
    return `http://${host}:${(this.http.address() as { port: number }).port}`;
  }

  /** The Set-Cookie of the page's response, as a login would set it. */
  setCookie(cookie: string): void {
    this.cookie = cookie;
  }

  /** Routes are set after listening: the reference servers need this origin on their allow-list first. */
  setRoutes(routes: readonly ProxyRoute[]): void {
    this.routes = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  async close(): Promise<void> {
    for (const socket of this.upgraded) socket.destroy();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }

  private route(path: string): ProxyRoute | undefined {
    return this.routes.find((r) => path.startsWith(r.prefix));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '/';
    if (req.method === 'GET' && (path === '/' || path.startsWith('/?'))) {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        ...(this.cookie ? { 'Set-Cookie': this.cookie } : {}),
      });
      return void res.end(this.options.html);
    }
    if (req.method === 'GET' && path === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end(this.options.js);
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const route = this.route(path);
    if (!route) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`page server: nothing at ${path}`);
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      path,
      upgrade: false,
      hadCookie: req.headers.cookie !== undefined,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    this.forwarded.push(record);
    const target = new URL(route.target);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        record.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // SSE: every chunk must reach the browser as it comes, not when a buffer fills.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // The browser went away (EventSource closed, fetch aborted): so does the upstream stream.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  /** WebSocket upgrades are relayed byte for byte: handshake, frames and close. */
  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const path = req.url ?? '/';
    const route = this.route(path);
    if (!route) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const record: ProxiedRequest = { method: req.method ?? 'GET', path, upgrade: true, hadCookie: req.headers.cookie !== undefined };
    this.forwarded.push(record);
    const target = new URL(route.target);
    const upstream = connect(Number(target.port), target.hostname);
    this.upgraded.add(socket);
    this.upgraded.add(upstream);
    const forget = () => {
      this.upgraded.delete(socket);
      this.upgraded.delete(upstream);
    };
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => {
      socket.destroy();
      forget();
    });
    socket.on('close', () => {
      upstream.destroy();
      forget();
    });
    upstream.once('data', (first: Buffer) => {
      record.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(first.toString('latin1', 0, 16))?.[1] ?? 0);
    });
    upstream.on('connect', () => {
      const lines = [`${req.method} ${path} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  }
}
