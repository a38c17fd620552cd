/**
 * An async iterator fed by the connection: items wait in a bounded buffer until read (the oldest
 * are dropped past the bound, so a reader that stopped cannot grow memory without end).
 */
export class MessageQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void }[] = [];
  private done = false;
  private failure: unknown;

  constructor(
    private readonly bound: number,
    private readonly onOverflow: () => void,
    private readonly onReturn: () => void,
  ) {}

  push(item: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter.resolve({ value: item, done: false });
    this.items.push(item);
    if (this.items.length > this.bound) {
      this.items.shift();
      this.onOverflow();
    }
  }

  /** Ends the iteration after the buffered items; with an error, the reader gets it after them. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    for (const w of this.waiting.splice(0)) {
      if (error === undefined) w.resolve({ value: undefined, done: true });
      else w.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.done) {
      if (this.failure !== undefined) {
        const e = this.failure;
        this.failure = undefined;
        return Promise.reject(e);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.end();
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
