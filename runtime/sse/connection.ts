import type { ServerResponse } from 'node:http';
import { encodeSse, type SseFrame } from './encode.ts';

/**
 * One open event stream. Events written in one tick reach the response together at its end; a
 * client that stops reading is cut off once its unsent bytes pass `maxBufferedBytes`, so a
 * stalled reader cannot make the server hold an unbounded queue.
 *
 * A burst the server chose to send at once (a Last-Event-ID replay) is not the client's fault:
 * its bytes are allowed on top of the bound until the socket drains once.
 */
export class SseConnection {
  private closed = false;
  private burstAllowance = 0;
  /** Events written in this tick, sent together on the next. */
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    /** Told once when the client is cut off for not reading, with the bytes it left unsent. */
    private readonly onCut?: (unsent: number) => void,
  ) {
    res.on('close', () => this.finish());
    res.on('drain', () => (this.burstAllowance = 0));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Returns false when the connection is (now) closed. */
  write(frame: SseFrame, burst = false): boolean {
    return this.writeEncoded(encodeSse(frame), burst);
  }

  /**
   * Writes an event already encoded (a publish encodes once for every peer). Events written in
   * one tick leave as one write, so a burst costs one HTTP chunk and one syscall per client.
   * Returns false when the connection is (now) closed.
   */
  writeEncoded(text: string, burst = false): boolean {
    if (this.closed) return false;
    if (this.pending.length === 0) process.nextTick(() => this.flush());
    this.pending.push(text);
    // UTF-16 length: a cheap lower bound of the bytes, good enough for a cut-off.
    this.pendingLength += text.length;
    if (burst) this.burstAllowance += text.length;
    return this.withinBound();
  }

  end(): void {
    if (this.closed) return;
    this.flush();
    this.res.end();
    this.finish();
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    this.res.write(text);
    this.withinBound();
  }

  private withinBound(): boolean {
    const unsent = this.res.writableLength + this.pendingLength;
    if (unsent <= this.maxBufferedBytes + this.burstAllowance) return true;
    if (!this.closed) this.onCut?.(unsent);
    this.pending = [];
    this.res.destroy();
    this.finish();
    return false;
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeHandlers.push(fn);
  }

  private finish() {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeHandlers.splice(0)) fn();
  }
}
