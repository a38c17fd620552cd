import { StreamwrightError } from '../errors.ts';
import type { ChannelValidators, RuntimeServerOptions } from './types.ts';

/**
 * The validators of each channel, as the options give them: an object (eager), or a function that
 * imports the channel's generated module (lazy). A lazy channel is imported once, on its first
 * connection or outbound message, and kept; everything after that is synchronous. A failed import
 * is forgotten, so that the next connection tries again, and surfaces as SW_VALIDATORS_UNAVAILABLE.
 */
export class ChannelValidatorCache {
  private readonly ready = new Map<string, ChannelValidators>();
  private readonly loading = new Map<string, Promise<ChannelValidators>>();

  constructor(private readonly options: Pick<RuntimeServerOptions, 'validators'>) {
    for (const [id, source] of Object.entries(options.validators)) if (typeof source !== 'function') this.ready.set(id, source);
  }

  /** The channel's validators when they are loaded (always, for an eager channel or one without any). */
  get(channelId: string): ChannelValidators | undefined {
    return this.ready.get(channelId);
  }

  /** Whether the channel's validators can be used synchronously now. */
  isReady(channelId: string): boolean {
    return this.ready.has(channelId) || typeof this.options.validators[channelId] !== 'function';
  }

  /** Loads the channel's validators (once); rejects with SW_VALIDATORS_UNAVAILABLE. */
  load(channelId: string): Promise<ChannelValidators | undefined> {
    if (this.isReady(channelId)) return Promise.resolve(this.ready.get(channelId));
    let pending = this.loading.get(channelId);
    if (!pending) {
      const source = this.options.validators[channelId] as () => Promise<ChannelValidators>;
      pending = Promise.resolve()
        .then(source)
        .then(
          (validators) => {
            this.ready.set(channelId, validators);
            this.loading.delete(channelId);
            return validators;
          },
          (e: unknown) => {
            this.loading.delete(channelId);
            throw new StreamwrightError(
              'SW_VALIDATORS_UNAVAILABLE',
              `the validators of channel ${channelId} could not be loaded: ${(e as Error)?.message ?? String(e)}`,
              {
                cause: e,
              },
            );
          },
        );
      this.loading.set(channelId, pending);
    }
    return pending;
  }
}
