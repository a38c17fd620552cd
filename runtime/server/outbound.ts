import { StreamwrightError } from '../errors.ts';
import type { EventValidator, MessageValidator, RuntimeServerOptions, ValidationResult } from './types.ts';
import { ChannelValidatorCache } from './validators.ts';

/**
 * What the server sends is checked against the contract before it leaves (unless
 * `validateOutbound: false`): an application bug surfaces as SW_OUTBOUND_INVALID at the call,
 * not as a client that breaks later.
 */
export class OutboundCheck {
  /** Every channel's validators, loaded on first use (see ChannelValidatorCache). */
  readonly validators: ChannelValidatorCache;

  constructor(private readonly options: Pick<RuntimeServerOptions, 'validators' | 'validateOutbound'>) {
    this.validators = new ChannelValidatorCache(options);
  }

  /**
   * Whether a message on the channel can be checked now: true when outbound validation is off or
   * the channel's validators are loaded. Otherwise the caller defers the send to `whenReady`.
   */
  ready(channelId: string): boolean {
    return this.options.validateOutbound === false || this.validators.isReady(channelId);
  }

  /** Settles once the channel's validators are loaded (SW_VALIDATORS_UNAVAILABLE if they cannot be). */
  whenReady(channelId: string): Promise<unknown> {
    return this.validators.load(channelId);
  }

  /** A WebSocket message on `channelId`; `what` words the error ("send", "broadcast"). */
  message(channelId: string, message: unknown, what: string): void {
    if (this.options.validateOutbound === false) return;
    // The channel's transport decides the validator's form; on a WebSocket channel it is `(data)`.
    const validate = this.validatorsOf(channelId)?.send as MessageValidator | undefined;
    this.verdict(validate?.(message), `refusing to ${what} an invalid message on ${channelId}`);
  }

  /** An SSE event on `channelId`. */
  event(channelId: string, event: string, data: unknown, what: string): void {
    if (this.options.validateOutbound === false) return;
    const validate = this.validatorsOf(channelId)?.send as EventValidator | undefined;
    this.verdict(validate?.(event, data), `refusing to ${what} an invalid ${event} on ${channelId}`);
  }

  private validatorsOf(channelId: string) {
    // Peers exist only once their channel is loaded, and the fan-out defers until it is: a lazy
    // channel still loading here is a runtime bug, refused rather than sent unchecked.
    if (!this.validators.isReady(channelId))
      throw new StreamwrightError('SW_VALIDATORS_UNAVAILABLE', `the validators of channel ${channelId} are not loaded yet`);
    return this.validators.get(channelId);
  }

  private verdict(verdict: ValidationResult | undefined, message: string) {
    if (verdict && !verdict.ok) throw new StreamwrightError('SW_OUTBOUND_INVALID', `${message}: ${summary(verdict.errors)}`, { details: verdict.errors ?? [] });
  }
}

export function summary(errors: ValidationResult['errors']): string {
  return (errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.pointer || '(root)'} ${e.message}`)
    .join('; ');
}
