import { request, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { DEFAULT_TAG_PROPERTY, SseParser, type SseItem } from '../../runtime/protocol/index.ts';

/**
 * Plain clients the suite drives through the recording proxy: they know nothing of the proxy or
 * of the contract, and wait on events (a frame arrived, the socket closed), never on sleeps.
 */

type Waiter = { check: () => boolean; resolve: () => void };

class Waiters {
  private readonly list = new Set<Waiter>();
  poke() {
    for (const w of [...this.list]) {
      if (w.check()) {
        this.list.delete(w);
        w.resolve();
      }
    }
  }
  /** Resolves once `check` holds; rejects after `ms` with `what` and `context()` in the message. */
  until(check: () => boolean, ms: number, what: string, context: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.list.delete(w);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; ${context()}`));
      }, ms);
      this.list.add(w);
    });
  }
}

export type Json = Record<string, unknown>;

export interface WsClient {
  readonly ws: WebSocket;
  readonly messages: Json[];
  readonly status: number | undefined;
  readonly closed: { code: number; reason: string } | undefined;
  readonly protocol: string;
  ofType(type: string): Json[];
  send(value: unknown): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  opened(): Promise<void>;
  /** Resolves with the close the peer sent (or the refused upgrade's status). */
  ended(ms?: number): Promise<void>;
  close(code?: number, reason?: string): Promise<void>;
}

export function wsClient(
  url: string,
  o: { protocols?: string[]; headers?: Record<string, string>; pong?: (m: Json) => unknown; tagProperty?: string } = {},
): WsClient {
  const ws = new WebSocket(url, o.protocols ?? [], { headers: o.headers ?? {}, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  const waiters = new Waiters();
  const messages: Json[] = [];
  let status: number | undefined;
  let closed: { code: number; reason: string } | undefined;
  let isOpen = false;
  const tag = o.tagProperty ?? DEFAULT_TAG_PROPERTY;
  ws.on('open', () => {
    isOpen = true;
    waiters.poke();
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    try {
      const m = JSON.parse(data.toString()) as Json;
      messages.push(m);
      const answer = o.pong?.(m);
      if (answer !== undefined && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(answer));
    } catch {
      // Not JSON: nothing to collect.
    }
    waiters.poke();
  });
  ws.on('unexpected-response', (req, res: IncomingMessage) => {
    status = res.statusCode;
    res.resume();
    res.once('end', () => {
      // A refused upgrade never opens: it ends as an abnormal closure (1006) would.
      closed ??= { code: 1006, reason: '' };
      req.destroy();
      waiters.poke();
    });
    waiters.poke();
  });
  ws.on('close', (code, reason) => {
    closed ??= { code, reason: reason.toString() };
    waiters.poke();
  });
  ws.on('error', () => undefined);
  const context = () => `status ${status}, closed ${JSON.stringify(closed)}, last messages ${JSON.stringify(messages.slice(-3)).slice(0, 600)}`;
  const until = (check: () => boolean, what: string, ms = 20_000) => waiters.until(check, ms, what, context);
  return {
    ws,
    messages,
    get status() {
      return status;
    },
    get closed() {
      return closed;
    },
    get protocol() {
      return ws.protocol;
    },
    ofType: (type) => messages.filter((m) => m[tag] === type),
    send: (value) => ws.send(JSON.stringify(value)),
    sendRaw: (data, binary = false) => ws.send(data, { binary }),
    until,
    opened: () =>
      until(() => isOpen || closed !== undefined, 'open').then(() => {
        if (!isOpen) throw new Error(`not opened: ${context()}`);
      }),
    ended: (ms) => until(() => closed !== undefined, 'the end of the connection', ms),
    async close(code = 1000, reason = 'done') {
      if (closed) return;
      ws.close(code, reason);
      await until(() => closed !== undefined, 'own close');
    },
  };
}

export interface SseClient {
  readonly events: Extract<SseItem, { kind: 'event' }>[];
  readonly comments: string[];
  readonly status: number | undefined;
  readonly ended: boolean;
  named(event: string): Extract<SseItem, { kind: 'event' }>[];
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  /** Waits for the server to end the response. */
  end(ms?: number): Promise<void>;
  /** Disconnects and waits until the socket is gone. */
  close(): Promise<void>;
}

export function sseClient(url: string, headers: Record<string, string> = {}): SseClient {
  const waiters = new Waiters();
  const events: Extract<SseItem, { kind: 'event' }>[] = [];
  const comments: string[] = [];
  let status: number | undefined;
  let ended = false;
  const parser = new SseParser();
  const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
    status = res.statusCode;
    res.on('data', (chunk: Buffer) => {
      for (const item of parser.push(chunk)) {
        if (item.kind === 'comment') comments.push(item.text);
        else if (item.kind === 'event') events.push(item);
      }
      waiters.poke();
    });
    const done = () => {
      ended = true;
      waiters.poke();
    };
    res.once('end', done);
    res.once('close', done);
    waiters.poke();
  });
  req.once('error', () => {
    ended = true;
    waiters.poke();
  });
  req.end();
  const context = () => `status ${status}, ended ${ended}, events ${JSON.stringify(events.slice(-3)).slice(0, 600)}`;
  const until = (check: () => boolean, what: string, ms = 20_000) => waiters.until(check, ms, what, context);
  return {
    events,
    comments,
    get status() {
      return status;
    },
    get ended() {
      return ended;
    },
    named: (event) => events.filter((e) => e.event === event),
    until,
    end: (ms) => until(() => ended, 'the end of the stream', ms),
    async close() {
      req.destroy();
      await until(() => ended, 'own disconnect');
    },
  };
}

/** A JSON body over raw node:http (the HTTP channels the suite triggers broadcasts with). */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.once('error', reject);
    req.end(text);
  });
}
