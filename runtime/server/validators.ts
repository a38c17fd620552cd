import { LazyValidators } from '../lazy-validators.ts';
import type { ChannelValidators, RuntimeServerOptions } from './types.ts';

/**
 * The validators of each channel, as the options give them: an object (eager), or a function that
 * imports the channel's generated module (lazy, through LazyValidators: imported once, on the
 * channel's first connection or outbound message, and kept; everything after that is synchronous).
 */
export class ChannelValidatorCache {
  private readonly channels = new Map<string, LazyValidators<ChannelValidators>>();

  constructor(options: Pick<RuntimeServerOptions, 'validators'>) {
    for (const [id, source] of Object.entries(options.validators)) {
      if (source === undefined) continue;
      this.channels.set(id, typeof source === 'function' ? new LazyValidators(id, undefined, source) : new LazyValidators(id, source));
    }
  }

  /** The channel's validators when they are loaded (always, for an eager channel; none for a channel without any). */
  get(channelId: string): ChannelValidators | undefined {
    return this.channels.get(channelId)?.current;
  }

  /** Whether the channel's validators can be used synchronously now. */
  isReady(channelId: string): boolean {
    const channel = this.channels.get(channelId);
    return channel === undefined || channel.current !== undefined;
  }

  /** Loads the channel's validators (once); rejects with SW_VALIDATORS_UNAVAILABLE. */
  load(channelId: string): Promise<ChannelValidators | undefined> {
    return this.channels.get(channelId)?.load() ?? Promise.resolve(undefined);
  }
}
