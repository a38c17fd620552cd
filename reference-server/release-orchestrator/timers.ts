/**
 * The simulation's timers: every delay is in contract milliseconds and multiplied by the time
 * scale, every timer is unref'd (a reference server never keeps the process alive by itself), a
 * failing callback is reported instead of thrown, and `clear()` stops them all at shutdown.
 */
export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly timeScale: number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Runs `fn` once after `contractMs` (scaled); returns a handle for `cancel`. */
  after(contractMs: number, fn: () => void): NodeJS.Timeout | undefined {
    return this.afterWall(this.scaled(contractMs), fn);
  }

  /** Runs `fn` once after `wallMs` real milliseconds (at least 1), for callers that keep their own schedule. */
  afterWall(wallMs: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const handle = setTimeout(
      () => {
        this.handles.delete(handle);
        this.run(fn);
      },
      Math.max(1, Math.round(wallMs)),
    );
    handle.unref();
    this.handles.add(handle);
    return handle;
  }

  /** Runs `fn` every `contractMs` (scaled) until cancelled or cleared. */
  every(contractMs: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const handle = setInterval(() => this.run(fn), this.scaled(contractMs));
    handle.unref();
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Stops every timer; later `after` / `every` calls do nothing. */
  clear(): void {
    this.stopped = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }

  /** Contract milliseconds as real milliseconds at this time scale (at least 1). */
  wallMs(contractMs: number): number {
    return this.scaled(contractMs);
  }

  /** False once `clear()` has stopped every timer. */
  get running(): boolean {
    return !this.stopped;
  }

  get active(): number {
    return this.handles.size;
  }

  private scaled(contractMs: number): number {
    return Math.max(1, Math.round(contractMs * this.timeScale));
  }

  private run(fn: () => void) {
    try {
      fn();
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
