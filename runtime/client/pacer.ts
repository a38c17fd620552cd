/**
 * Client-side pacing under a messages-per-second limit: at most `limit` sends in any window of
 * `windowMs`. The window carries a margin over the server's second, so that frames bunched by
 * the network on the way still arrive under the limit.
 */
export class Pacer {
  private readonly stamps: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
    private readonly marginMs = 60,
  ) {}

  /** Milliseconds to wait before the next send may go (0: now). */
  delay(now: number): number {
    this.expire(now);
    if (this.stamps.length < this.limit) return 0;
    return Math.max(1, this.stamps[this.stamps.length - this.limit]! + this.windowMs + this.marginMs - now);
  }

  record(now: number): void {
    this.stamps.push(now);
    // Control frames (pong, auth) are recorded even when over; the window still drains.
    if (this.stamps.length > this.limit * 2) this.stamps.splice(0, this.stamps.length - this.limit * 2);
  }

  private expire(now: number) {
    const horizon = now - this.windowMs - this.marginMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop]! <= horizon) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}

/** UTF-8 length of a string without encoding it (browser-safe, no Buffer). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
