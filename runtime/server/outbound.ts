import { StreamwrightError } from '../errors.ts';
import type { EventValidator, MessageValidator, RuntimeServerOptions, ValidationResult } from './types.ts';

/**
 * What the server sends is checked against the contract before it leaves (unless
 * `validateOutbound: false`): an application bug surfaces as SW_OUTBOUND_INVALID at the call,
 * not as a client that breaks later.
 */
export class OutboundCheck {
  constructor(private readonly options: Pick<RuntimeServerOptions, 'validators' | 'validateOutbound'>) {}

  /** A WebSocket message on `channelId`; `what` words the error ("send", "broadcast"). */
  message(channelId: string, message: unknown, what: string): void {
    if (this.options.validateOutbound === false) return;
    // The channel's transport decides the validator's form; on a WebSocket channel it is `(data)`.
    const validate = this.options.validators[channelId]?.send as MessageValidator | undefined;
    this.verdict(validate?.(message), `refusing to ${what} an invalid message on ${channelId}`);
  }

  /** An SSE event on `channelId`. */
  event(channelId: string, event: string, data: unknown, what: string): void {
    if (this.options.validateOutbound === false) return;
    const validate = this.options.validators[channelId]?.send as EventValidator | undefined;
    this.verdict(validate?.(event, data), `refusing to ${what} an invalid ${event} on ${channelId}`);
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
