import type { ReconnectSpec } from './contract.ts';

/**
 * Reconnection delays as a contract advises them: attempt n (0, 1, …) waits
 * min(initialDelayMs · multiplier^(n + firstExponent), maxDelayMs), with full jitter
 * (a uniform draw in [0, delay]) so that clients cut off together do not return together.
 */
export function reconnectDelay(spec: ReconnectSpec, attempt: number, random: () => number = Math.random): number {
  const exponent = attempt + (spec.firstExponent ?? 0);
  const ceiling = Math.min(spec.initialDelayMs * Math.pow(spec.multiplier, exponent), spec.maxDelayMs);
  return (spec.jitter ?? 'full') === 'full' ? Math.floor(random() * ceiling) : ceiling;
}

/** Whether attempt n (0-based) may still be made. */
export function mayRetry(spec: ReconnectSpec, attempt: number): boolean {
  return spec.maxRetries === null || attempt < spec.maxRetries;
}

/** Whether a close code, HTTP status or error code forbids reconnecting on one's own. */
export function isTerminal(spec: ReconnectSpec, failure: { closeCode?: number; httpStatus?: number; errorCode?: string }): boolean {
  const stop = spec.doNotRetry ?? {};
  return (
    (failure.closeCode !== undefined && (stop.closeCodes ?? []).includes(failure.closeCode)) ||
    (failure.httpStatus !== undefined && (stop.httpStatuses ?? []).includes(failure.httpStatus)) ||
    (failure.errorCode !== undefined && (stop.errorCodes ?? []).includes(failure.errorCode))
  );
}
