/**
 * Client connections for replay and probes: a WebSocket (`ws`) or an SSE stream (`node:http`),
 * each recording what arrives with its time since the request started, and exposing promises to
 * await ("n frames have arrived", "closed") instead of sleeping.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import https from 'node:https';
import WebSocket from 'ws';
import { SseParser } from '../../../runtime/protocol/index.ts';

export interface Received {
  t: number;
  text: string;
  binary?: boolean;
  /** SSE fields of the event. */
  sse?: { id?: string; event?: string };
}

export interface Opened {
  /** HTTP status of the handshake (101 for an upgrade) or undefined when the socket failed. */
  status?: number;
  protocol?: string;
  headers: Record<string, string>;
  /** Network-level failure before any answer. */
  error?: string;
}

export interface Ended {
  t: number;
  by: 'client' | 'server';
  code?: number;
  reason?: string;
}

export interface Connection {
  readonly frames: Received[];
  /** When the request started (ms since the epoch): a frame's `t` counts from it. */
  readonly start: number;
  /** When each client frame left (ms since the epoch): a rate limit counts them all. */
  readonly sentAt: number[];
  /** SSE `retry:` values as they arrived (a block without data is no event, but its retry counts). */
  readonly retries: number[];
  readonly opened: Promise<Opened>;
  readonly ended: Promise<Ended>;
  /** Resolves true when `check()` holds, false after `timeoutMs`; re-checked on every frame and at the end. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean>;
  send(text: string | Buffer): void;
  close(code?: number, reason?: string): void;
  readonly isOpen: boolean;
  onFrame?: (frame: Received) => void;
}

export interface ConnectOptions {
  headers?: Record<string, string>;
  subprotocols?: string[];
  /** Bound on one handshake. */
  timeoutMs?: number;
  maxPayload?: number;
}

abstract class BaseConnection implements Connection {
  readonly frames: Received[] = [];
  readonly sentAt: number[] = [];
  readonly retries: number[] = [];
  readonly start = Date.now();
  protected waiters = new Set<() => void>();
  protected endInfo: Ended | undefined;
  opened!: Promise<Opened>;
  ended!: Promise<Ended>;
  onFrame?: (frame: Received) => void;
  protected resolveEnded!: (e: Ended) => void;

  constructor() {
    this.ended = new Promise((r) => (this.resolveEnded = r));
  }

  protected push(frame: Received) {
    this.frames.push(frame);
    this.onFrame?.(frame);
    this.wake();
  }

  protected finish(e: Omit<Ended, 't'>) {
    if (this.endInfo) return;
    this.endInfo = { t: Date.now() - this.start, ...e };
    this.resolveEnded(this.endInfo);
    this.wake();
  }

  protected wake() {
    for (const w of [...this.waiters]) w();
  }

  get isOpen() {
    return this.endInfo === undefined;
  }

  until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(test);
        resolve(v);
      };
      const test = () => {
        if (check()) done(true);
        else if (this.endInfo) done(check());
      };
      const timer = setTimeout(() => done(check()), timeoutMs);
      this.waiters.add(test);
      if (this.endInfo) test();
    });
  }

  abstract send(text: string | Buffer): void;
  abstract close(code?: number, reason?: string): void;
}

class WsConnection extends BaseConnection {
  private readonly ws: WebSocket;

  constructor(url: string, options: ConnectOptions) {
    super();
    this.ws = new WebSocket(url, options.subprotocols ?? [], {
      headers: options.headers ?? {},
      handshakeTimeout: options.timeoutMs ?? 5000,
      maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
    });
    this.opened = new Promise((resolve) => {
      this.ws.once('upgrade', (res) => {
        this.socket = res.socket;
        resolve({
          status: 101,
          headers: flatHeaders(res.headers),
          ...(res.headers['sec-websocket-protocol'] ? { protocol: String(res.headers['sec-websocket-protocol']) } : {}),
        });
      });
      this.ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers) });
        res.resume();
        this.finish({ by: 'server' });
        this.ws.terminate();
      });
      this.ws.once('error', (e) => {
        resolve({ headers: {}, error: e.message });
        this.finish({ by: 'server' });
      });
    });
    this.ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.push({ t: Date.now() - this.start, text: isBinary ? buf.toString('base64') : buf.toString('utf8'), ...(isBinary ? { binary: true } : {}) });
    });
    this.ws.on('close', (code, reason) =>
      this.finish({ by: this.closingByClient ? 'client' : 'server', ...(code !== 1005 ? { code } : {}), reason: reason.toString() }),
    );
  }

  private closingByClient = false;
  /** The upgraded TCP socket, corked while one tick's frames are sent. */
  private socket: Socket | undefined;
  private corked = false;

  send(text: string | Buffer) {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // Frames sent in one tick (a recorded burst) leave as one write, as they did when recorded:
    // sent one syscall each, a loaded machine delivers them spread over a second and a rate
    // limit the recording tripped is never reached.
    if (this.socket && !this.corked) {
      const socket = this.socket;
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    try {
      this.ws.send(text);
      this.sentAt.push(Date.now());
    } catch {
      // A send racing a close is not the implementation's fault; the close is reported instead.
    }
  }

  close(code = 1000, reason = '') {
    if (!this.isOpen) return;
    this.closingByClient = true;
    try {
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A server that never answers the close handshake must not hold the run.
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }
}

class SseConnection extends BaseConnection {
  private req: http.ClientRequest;
  private byClient = false;

  constructor(url: string, options: ConnectOptions) {
    super();
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    let resolveOpened!: (o: Opened) => void;
    this.opened = new Promise((r) => (resolveOpened = r));
    this.req = lib.request(
      u,
      { method: 'GET', headers: { accept: 'text/event-stream', ...(options.headers ?? {}) }, timeout: options.timeoutMs ?? 5000 },
      (res) => {
        resolveOpened({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers) });
        this.req.setTimeout(0);
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        const parser = new SseParser();
        // The id in force persists across events, as in a browser.
        let id: string | undefined;
        res.on('data', (chunk: Buffer) => {
          if (!ok) return;
          for (const item of parser.push(chunk)) {
            if (item.kind === 'overflow') return this.close();
            if (item.kind === 'retry') {
              this.retries.push(item.ms);
              this.wake();
              continue;
            }
            if (item.kind !== 'event') continue;
            if (item.id !== undefined) id = item.id;
            if (item.hasData)
              this.push({
                t: Date.now() - this.start,
                text: item.data,
                sse: { ...(id !== undefined ? { id } : {}), ...(item.event !== undefined ? { event: item.event } : {}) },
              });
          }
        });
        res.on('end', () => this.finish({ by: this.byClient ? 'client' : 'server' }));
        res.on('error', () => this.finish({ by: this.byClient ? 'client' : 'server' }));
        res.on('close', () => this.finish({ by: this.byClient ? 'client' : 'server' }));
      },
    );
    this.req.on('timeout', () => this.req.destroy(new Error('no answer in time')));
    this.req.on('error', (e) => {
      resolveOpened({ headers: {}, error: e.message });
      this.finish({ by: this.byClient ? 'client' : 'server' });
    });
    this.req.end();
  }

  send() {
    // SSE has no client → server frames.
  }

  close() {
    this.byClient = true;
    this.req.destroy();
    this.finish({ by: 'client' });
  }
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function connectWs(url: string, options: ConnectOptions = {}): Connection {
  return new WsConnection(url, options);
}

export function connectSse(url: string, options: ConnectOptions = {}): Connection {
  return new SseConnection(url, options);
}

/** `ws://host` for a WebSocket, `http://host` for SSE, from any of the four schemes. */
export function originFor(target: URL, transport: 'ws' | 'sse'): string {
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const scheme = transport === 'ws' ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
  return `${scheme}://${target.host}`;
}
