import { request, type IncomingHttpHeaders } from 'node:http';

/** One SSE event as it came over the wire (fields as text; `data` lines joined with \n). */
export interface RawSseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

export interface RawSseOptions {
  port: number;
  path: string;
  headers?: Record<string, string>;
  method?: string;
  /** Sees every event before it is stored (contract checks); may return a richer event. */
  onEvent?(event: RawSseEvent): RawSseEvent;
}

/**
 * An SSE client on raw `node:http`, independent of the project's client: the status, headers and
 * (for a refusal) body of the answer, then every event and comment line as it arrives.
 */
export class RawSse<E extends RawSseEvent = RawSseEvent> {
  readonly events: E[] = [];
  readonly comments: string[] = [];
  status: number | undefined;
  headers: IncomingHttpHeaders = {};
  /** The body of an answer that is not a stream (a refusal). */
  body = '';
  ended = false;
  failed: Error | undefined;
  private readonly req;

  constructor(options: RawSseOptions) {
    this.req = request(
      { host: '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false },
      (res) => {
        this.status = res.statusCode;
        this.headers = res.headers;
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (res.statusCode !== 200) {
            this.body += chunk;
            return;
          }
          buffer += chunk;
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const event = this.parse(buffer.slice(0, i));
            buffer = buffer.slice(i + 2);
            if (event) this.events.push((options.onEvent ? options.onEvent(event) : event) as E);
          }
        });
        res.on('end', () => (this.ended = true));
        res.on('close', () => (this.ended = true));
        res.on('error', () => (this.ended = true));
      },
    );
    this.req.on('error', (e) => {
      this.failed = e;
      this.ended = true;
    });
    this.req.end();
  }

  /** Fields per the SSE format: `name: value` (one leading space dropped), comment lines apart. */
  private parse(block: string): RawSseEvent | undefined {
    const e: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
        continue;
      }
      const c = line.indexOf(':');
      const name = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      e[name] = name === 'data' && e.data !== undefined ? `${e.data}\n${value}` : value;
    }
    return Object.keys(e).length > 0 ? e : undefined;
  }

  /** Events with an event name (not a bare `retry:`). */
  named(): E[] {
    return this.events.filter((e) => e.event !== undefined);
  }

  of(name: string): E[] {
    return this.events.filter((e) => e.event === name);
  }

  /** Polls until `check` holds; `hints` are what is awaited (a string) and a bound in ms (default 5 s); fails with what was awaited and what arrived. */
  async until(check: () => boolean, ...hints: (string | number)[]): Promise<void> {
    const what = hints.find((h): h is string => typeof h === 'string') ?? 'condition';
    const deadline = Date.now() + (hints.find((h): h is number => typeof h === 'number') ?? 5000);
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; status ${this.status}, ended ${this.ended}, events ${this.events.map((e) => e.event ?? 'retry').join(',')}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.req.destroy();
  }
}
