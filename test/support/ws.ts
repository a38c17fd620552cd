import WebSocket from 'ws';

export interface RawWsOptions {
  protocols?: string[];
  headers?: Record<string, string>;
  ws?: WebSocket.ClientOptions;
  /**
   * Sees every frame before it is stored: `message` is the parsed JSON, or undefined when the
   * frame is binary or not JSON (such frames are not stored). Contract checks and heartbeat
   * answers go here.
   */
  onMessage?(message: unknown, frame: { text: string; binary: boolean }, ws: WebSocket): void;
}

/**
 * A `ws` client that records every JSON frame, the close, and an HTTP refusal of the upgrade
 * (status, headers, body): an independent client for server tests.
 */
export class RawWs<F extends { type?: unknown } = Record<string, unknown>> {
  readonly ws: WebSocket;
  readonly frames: F[] = [];
  closed: { code: number; reason: string } | undefined;
  refused: { status: number; headers: Record<string, unknown>; body: string } | undefined;
  /** The socket failed (refused upgrade, reset). */
  failed = false;
  private refusedStatus: number | undefined;
  pings = 0;

  constructor(url: string, options: RawWsOptions = {}) {
    this.ws = new WebSocket(url, options.protocols ?? [], { ...options.ws, ...(options.headers ? { headers: options.headers } : {}) });
    this.ws.on('message', (data, binary) => {
      const text = data.toString();
      let message: unknown;
      if (!binary) {
        try {
          message = JSON.parse(text);
        } catch {
          message = undefined;
        }
      }
      options.onMessage?.(message, { text, binary }, this.ws);
      if (message !== undefined) this.frames.push(message as F);
    });
    this.ws.on('ping', () => this.pings++);
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.ws.on('unexpected-response', (_req, res) => {
      // The status is known at once; `refused` once the body has arrived.
      this.refusedStatus = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (this.refused = { status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    this.ws.on('error', () => (this.failed = true));
  }

  /** HTTP status of a refused upgrade. */
  get status(): number | undefined {
    return this.refusedStatus;
  }

  opened(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.ws.readyState === this.ws.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error(`closed before open (refused: ${JSON.stringify(this.refused)})`)));
    });
  }

  ofType(type: string): F[] {
    return this.frames.filter((f) => f.type === type);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Polls until `check` holds; `hints` are what is awaited (a string) and a bound in ms (default 5 s); fails with what was awaited and the last frames. */
  async until(check: () => boolean, ...hints: (string | number)[]): Promise<void> {
    const what = hints.find((h): h is string => typeof h === 'string') ?? 'condition';
    const deadline = Date.now() + (hints.find((h): h is number => typeof h === 'number') ?? 5000);
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what} on ${this.ws.url}; frames ${JSON.stringify(this.frames.slice(-8))} closed ${JSON.stringify(this.closed)} refused ${JSON.stringify(this.refused)}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async closedWith(ms = 5000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, 'close', ms);
    return this.closed!;
  }

  /** Closes from this side and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close();
    await this.until(() => this.closed !== undefined, 'own close', 3000);
  }
}
