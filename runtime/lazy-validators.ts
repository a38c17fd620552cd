import { StreamwrightError } from './errors.ts';

/**
 * Validators given at once, or imported on first use: the generated server and client pass
 * `() => import('./validators/<Channel>.gen.js')`, so that opening one channel loads that channel's
 * validators only (dynamic `import()` works in Node and in browsers). The import runs once and is
 * kept; a failure is SW_VALIDATORS_UNAVAILABLE and is tried again on the next call.
 */
export class LazyValidators<T> {
  private value: T | undefined;
  private pending: Promise<T> | undefined;

  /** `value`: the validators given at once; otherwise `loader` imports them. */
  constructor(
    private readonly channel: string,
    value: T | undefined,
    private readonly loader?: () => Promise<T>,
  ) {
    this.value = value;
  }

  /** The validators, when loaded. */
  get current(): T | undefined {
    return this.value;
  }

  load(): Promise<T> {
    if (this.value !== undefined) return Promise.resolve(this.value);
    if (!this.loader) return Promise.reject(new StreamwrightError('SW_VALIDATORS_UNAVAILABLE', `channel ${this.channel} was given no validators`));
    this.pending ??= Promise.resolve()
      .then(this.loader)
      .then(
        (v) => {
          this.value = v;
          this.pending = undefined;
          return v;
        },
        (e: unknown) => {
          this.pending = undefined;
          // A loader that is itself lazy (the API client's cache, under a channel's) already said it.
          if (e instanceof StreamwrightError && e.code === 'SW_VALIDATORS_UNAVAILABLE') throw e;
          throw new StreamwrightError(
            'SW_VALIDATORS_UNAVAILABLE',
            `the validators of channel ${this.channel} could not be loaded: ${(e as Error)?.message ?? String(e)}`,
            {
              cause: e,
            },
          );
        },
      );
    return this.pending;
  }
}
