/**
 * The one parser of the WHATWG `text/event-stream` format (HTML §9.2.6), shared by the client
 * runtime, the recorder and `conform`. It works on bytes, so it runs the same in Node and in a
 * browser (no Node built-ins here) and bounds memory by bytes, not by UTF-16 units.
 */
import { eventTag } from './frame.ts';

/** One block that a blank line ended, with only the fields it carried. */
export interface SseBlock {
  /** The `data:` lines joined with LF. */
  data: string;
  /** Whether any `data:` line came (an empty one counts): a browser dispatches only then. */
  hasData: boolean;
  id?: string;
  event?: string;
  retry?: number;
}

export type SseItem =
  | ({ kind: 'event' } & SseBlock)
  /** A comment line (`: keep-alive`), one leading space removed. */
  | { kind: 'comment'; text: string }
  /**
   * A valid `retry:` field, reported as soon as it is read (a browser applies it then, even if
   * the block never ends); the block's `retry` repeats it.
   */
  | { kind: 'retry'; ms: number }
  /** The block grew beyond `maxBlockBytes`: the rest of it up to the next blank line is dropped. */
  | { kind: 'overflow'; limit: number };

export interface SseParserOptions {
  /**
   * Bound on one block (its lines, including the one being read), in bytes. A hostile or broken
   * stream that never ends a line or a block cannot grow the parser past it.
   */
  maxBlockBytes?: number;
}

export const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();

/**
 * Incremental: bytes in as they arrive, items out as lines end. Lines end with CRLF, LF or CR; a
 * CR at the end of a chunk may be the first half of a CRLF, so the LF that may follow it is
 * skipped. CR and LF never occur inside a multi-byte UTF-8 sequence, so each line is split on
 * bytes and decoded whole (invalid bytes become U+FFFD, as the standard says).
 */
export class SseParser {
  private readonly maxBlockBytes: number;
  /** `ignoreBOM`: only the stream's first BOM goes; one at the start of a later line stays. */
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Pieces of the line being read (chunks may end mid-line). */
  private pieces: Uint8Array[] = [];
  private lineBytes = 0;
  private afterCR = false;
  private atStart = true;
  private blockBytes = 0;
  private overflowed = false;
  private data: string[] = [];
  private hasData = false;
  private id: string | undefined;
  private event: string | undefined;
  private retry: number | undefined;

  constructor(options: SseParserOptions = {}) {
    this.maxBlockBytes = options.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
  }

  push(chunk: Uint8Array | string): SseItem[] {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    const out: SseItem[] = [];
    let start = 0;
    if (this.afterCR && bytes.length > 0) {
      this.afterCR = false;
      if (bytes[0] === LF) start = 1;
    }
    let i = start;
    while (i < bytes.length) {
      const b = bytes[i]!;
      if (b !== LF && b !== CR) {
        i++;
        continue;
      }
      this.take(bytes.subarray(start, i), out);
      this.endLine(out);
      if (b === CR) {
        if (i + 1 === bytes.length) this.afterCR = true;
        else if (bytes[i + 1] === LF) i++;
      }
      start = ++i;
    }
    this.take(bytes.subarray(start), out);
    return out;
  }

  /** The end of the stream: an unterminated block is dropped, as browsers do. */
  end(): void {
    this.pieces = [];
    this.lineBytes = 0;
    this.afterCR = false;
    this.resetBlock();
  }

  /** Part of the current line; past the bound it is not kept. */
  private take(part: Uint8Array, out: SseItem[]) {
    if (part.length === 0) return;
    this.lineBytes += part.length;
    if (this.overflowed) return;
    if (this.blockBytes + this.lineBytes > this.maxBlockBytes) {
      this.overflow(out);
      return;
    }
    // A chunk's buffer may be reused by its producer: keep a copy.
    this.pieces.push(part.slice());
  }

  private overflow(out: SseItem[]) {
    this.overflowed = true;
    this.pieces = [];
    out.push({ kind: 'overflow', limit: this.maxBlockBytes });
  }

  private endLine(out: SseItem[]) {
    const length = this.lineBytes;
    const pieces = this.pieces;
    this.pieces = [];
    this.lineBytes = 0;
    if (length === 0) {
      this.atStart = false;
      this.dispatch(out);
      return;
    }
    if (this.overflowed) return;
    this.blockBytes += length;
    let line = this.decoder.decode(pieces.length === 1 ? pieces[0] : concat(pieces, length));
    if (this.atStart) {
      this.atStart = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line === '') return this.dispatch(out);
    }
    this.field(line, out);
  }

  private field(line: string, out: SseItem[]) {
    if (line.charCodeAt(0) === 0x3a /* : */) {
      out.push({ kind: 'comment', text: line.startsWith(': ') ? line.slice(2) : line.slice(1) });
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (name) {
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
        // Digits only; more than 15 of them is no delay anyone means, and loses precision.
        if (/^[0-9]{1,15}$/.test(value)) {
          this.retry = Number(value);
          out.push({ kind: 'retry', ms: this.retry });
        }
        break;
      default:
        break;
    }
  }

  private dispatch(out: SseItem[]) {
    if (!this.overflowed && (this.hasData || this.id !== undefined || this.event !== undefined || this.retry !== undefined)) {
      const item: SseItem = { kind: 'event', data: this.data.join('\n'), hasData: this.hasData };
      if (this.id !== undefined) item.id = this.id;
      if (this.event !== undefined) item.event = this.event;
      if (this.retry !== undefined) item.retry = this.retry;
      out.push(item);
    }
    this.resetBlock();
  }

  private resetBlock() {
    this.data = [];
    this.hasData = false;
    this.id = undefined;
    this.event = undefined;
    this.retry = undefined;
    this.blockBytes = 0;
    this.overflowed = false;
  }
}

function concat(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const all = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * What a browser's EventSource makes of the blocks: an event only when data came, named
 * `message` by default, with the last event id in force (ids persist across blocks).
 */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id in force ('' for none). */
  id: string;
  /** Whether the event's own block carried an `id:` line (else `id` is inherited). */
  ownId: boolean;
}

export class SseMessageReader {
  private lastId: string;

  constructor(initialLastId = '') {
    this.lastId = initialLastId;
  }

  get lastEventId(): string {
    return this.lastId;
  }

  /** The message a block dispatches, or undefined when it dispatches none. */
  read(block: SseBlock): SseMessage | undefined {
    if (block.id !== undefined) this.lastId = block.id;
    if (!block.hasData) return undefined;
    return { event: eventTag(block.event), data: block.data, id: this.lastId, ownId: block.id !== undefined };
  }
}
