/** One dispatched Server-Sent Event. */
export interface ParsedSseEvent {
  event: string;
  data: string;
  /** The last event id in force when it was dispatched ('' for none). */
  id: string;
  /** Whether the event's own block carried an `id:` line (else `id` is inherited). */
  ownId: boolean;
}

export interface SseParserSink {
  event(e: ParsedSseEvent): void;
  retry(ms: number): void;
  /** A comment line (keep-alive); also any other bytes show the server is alive. */
  comment(text: string): void;
}

/**
 * Incremental parser of the WHATWG `text/event-stream` format: lines end in CRLF, LF or CR
 * (a CR at the end of a chunk may be the first half of a CRLF), `data:` lines join with LF,
 * an `id` with NUL is ignored, `retry` takes digits only, a blank line dispatches.
 */
export class SseParser {
  private buffer = '';
  private pendingCR = false;
  private data: string[] = [];
  private eventName = '';
  private lastId = '';
  private idInBlock = false;
  private first = true;

  constructor(
    private readonly sink: SseParserSink,
    initialLastId = '',
  ) {
    this.lastId = initialLastId;
  }

  get lastEventId(): string {
    return this.lastId;
  }

  push(chunk: string): void {
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let text = chunk;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.sink.comment(line.slice(1));
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastId = value;
          this.idInBlock = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.sink.retry(Number(value));
        break;
      default:
        break;
    }
  }

  private dispatch() {
    const data = this.data;
    const eventName = this.eventName;
    const ownId = this.idInBlock;
    this.data = [];
    this.eventName = '';
    this.idInBlock = false;
    if (data.length === 0) return;
    this.sink.event({ event: eventName || 'message', data: data.join('\n'), id: this.lastId, ownId });
  }
}
