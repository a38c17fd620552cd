import { StringDecoder } from 'node:string_decoder';

/** One dispatched block of an event stream, with only the fields that block carried. */
export type SseItem =
  | { kind: 'event'; data: string; hasData: boolean; id?: string; event?: string; retry?: number }
  | { kind: 'comment'; text: string };

/**
 * Incremental parser of the WHATWG event-stream format: bytes in as they arrive, blocks out as a
 * blank line ends them. Lines end with CRLF, LF or CR; a CR at the end of a chunk may be the
 * first half of a CRLF, so it is held until the next byte. Bounded: a line or a block larger than
 * `maxBytes` is cut (the recorder must not grow without limit on a hostile stream).
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private pendingCR = false;
  private bom = true;
  private data: string[] = [];
  private hasData = false;
  private id: string | undefined;
  private event: string | undefined;
  private retry: number | undefined;
  private blockSize = 0;

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  push(chunk: Buffer | string): SseItem[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.bom) {
      if (text.length === 0) return [];
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      this.bom = false;
    }
    const out: SseItem[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (ch === '\r') this.pendingCR = true;
        this.line(this.buffer, out);
        this.buffer = '';
        continue;
      }
      if (this.buffer.length < this.maxBytes) this.buffer += ch;
    }
    return out;
  }

  /** The end of the stream: an unterminated block is dropped, as browsers do. */
  end(): SseItem[] {
    this.decoder.end();
    this.buffer = '';
    this.reset();
    return [];
  }

  private line(line: string, out: SseItem[]) {
    if (line === '') {
      if (this.hasData || this.id !== undefined || this.event !== undefined || this.retry !== undefined) {
        const item: SseItem = { kind: 'event', data: this.data.join('\n'), hasData: this.hasData };
        if (this.id !== undefined) item.id = this.id;
        if (this.event !== undefined) item.event = this.event;
        if (this.retry !== undefined) item.retry = this.retry;
        out.push(item);
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) {
      out.push({ kind: 'comment', text: line.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    this.blockSize += line.length;
    if (this.blockSize > this.maxBytes) return;
    switch (field) {
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value) && value.length <= 15) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private reset() {
    this.data = [];
    this.hasData = false;
    this.id = undefined;
    this.event = undefined;
    this.retry = undefined;
    this.blockSize = 0;
  }
}
