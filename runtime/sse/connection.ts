import type { ServerResponse } from 'node:http';
import { encodeSse, type SseFrame } from './encode.ts';

/**
 * One open event stream. Writes go straight to the response; a client that stops reading is
 * cut off once its unsent bytes pass `maxBufferedBytes`, so a stalled reader cannot make the
 * server hold an unbounded queue.
 *
 * A burst the server chose to send at once (a Last-Event-ID replay) is not the client's fault:
 * its bytes are allowed on top of the bound until the socket drains once.
 */
export class SseConnection {
  private closed = false;
  private burstAllowance = 0;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
  ) {
    res.on('close', () => this.finish());
    res.on('drain', () => (this.burstAllowance = 0));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Returns false when the connection is (now) closed. */
  write(frame: SseFrame, burst = false): boolean {
    if (this.closed) return false;
    const text = encodeSse(frame);
    this.res.write(text);
    if (burst) this.burstAllowance += Buffer.byteLength(text);
    if (this.res.writableLength > this.maxBufferedBytes + this.burstAllowance) {
      this.res.destroy();
      this.finish();
      return false;
    }
    return true;
  }

  end(): void {
    if (this.closed) return;
    this.res.end();
    this.finish();
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
