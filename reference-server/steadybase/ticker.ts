/**
 * Runs a function on a fixed (scaled) period with one unref'd timer, until stopped. A failure in
 * the function is reported and the ticker keeps going.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly tick: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => {
        try {
          this.tick();
        } catch (e) {
          this.onError(e instanceof Error ? e : new Error(String(e)));
        }
      },
      Math.max(1, this.periodMs),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
