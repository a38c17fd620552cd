/** Counts events in a sliding one-second window (a ring of timestamps; O(1) per event). */
export class RateWindow {
  private readonly stamps: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
  ) {
    this.stamps = new Float64Array(Math.max(1, limit));
  }

  /** Records an event at `now`; false when it is over the limit (it is then not recorded). */
  take(now: number): boolean {
    if (this.filled < this.limit) {
      this.stamps[this.next] = now;
      this.next = (this.next + 1) % this.limit;
      this.filled++;
      return true;
    }
    // The oldest of the last `limit` events must have left the window.
    if (now - this.stamps[this.next]! < this.windowMs) return false;
    this.stamps[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    return true;
  }
}
