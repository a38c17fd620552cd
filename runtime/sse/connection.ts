import type { ServerResponse } from 'node:http';
import { flushAtTickEnd, joinParts, type TickFlushable } from '../tick-batch.ts';
import { encodeSse, type SseFrame } from './encode.ts';

/**
 * One open event stream. Events written in one tick reach the response together at its end; a
 * client that stops reading is cut off once its unsent bytes pass `maxBufferedBytes`, so a
 * stalled reader cannot make the server hold an unbounded queue.
 *
 * A burst the server chose to send at once (a Last-Event-ID replay) is not the client's fault:
 * its bytes are allowed on top of the bound until the socket drains once.
 */
export class SseConnection implements TickFlushable {
  private closed = false;
  private burstAllowance = 0;
  /** Events written in this tick, sent together at its end (see tick-batch.ts). */
  private readonly pending: Buffer[] = [];
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
    return this.writeEncoded(Buffer.from(encodeSse(frame)), burst);
  }

  /**
   * Writes an event already encoded (a publish encodes once for every peer, and every peer
   * queues the same Buffer). Events written in one tick leave as one write, so a burst costs one
   * HTTP chunk and one syscall per client. Returns false when the connection is (now) closed.
   */
  writeEncoded(event: Buffer, burst = false): boolean {
    if (this.closed) return false;
    if (this.pending.length === 0) flushAtTickEnd(this);
    this.pending.push(event);
    this.pendingLength += event.length;
    if (burst) this.burstAllowance += event.length;
    return this.withinBound();
  }

  end(): void {
    if (this.closed) return;
    this.flushTick();
    this.res.end();
    this.finish();
  }

  flushTick(): void {
    if (this.closed || this.pending.length === 0) return;
    const bytes = joinParts(this.pending);
    this.pending.length = 0;
    this.pendingLength = 0;
    this.res.write(bytes);
    this.withinBound();
  }

  private withinBound(): boolean {
    const unsent = this.res.writableLength + this.pendingLength;
    if (unsent <= this.maxBufferedBytes + this.burstAllowance) return true;
    if (!this.closed) this.onCut?.(unsent);
    this.pending.length = 0;
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
