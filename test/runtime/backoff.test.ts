import { describe, expect, it } from 'vitest';
import { isTerminal, mayRetry, reconnectDelay } from '../../runtime/backoff.ts';
import type { ReconnectSpec } from '../../runtime/contract.ts';

const SPEC: ReconnectSpec = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, maxRetries: 3, jitter: 'none' };

describe('reconnectDelay', () => {
  it('grows by the multiplier from the initial delay, up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => reconnectDelay(SPEC, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts later in the series with firstExponent', () => {
    expect([0, 1].map((n) => reconnectDelay({ ...SPEC, firstExponent: 2 }, n))).toEqual([400, 800]);
  });

  it('draws uniformly in [0, delay] under full jitter, the default', () => {
    const { jitter: _none, ...fullByDefault } = SPEC;
    for (const spec of [fullByDefault, { ...SPEC, jitter: 'full' as const }]) {
      expect(reconnectDelay(spec, 2, () => 0)).toBe(0);
      expect(reconnectDelay(spec, 2, () => 0.5)).toBe(200);
      expect(reconnectDelay(spec, 2, () => 0.9999)).toBe(399);
      expect(reconnectDelay(spec, 9, () => 0.5)).toBe(500);
    }
  });

  it('never exceeds the maximum with Math.random', () => {
    for (let n = 0; n < 50; n++) {
      const d = reconnectDelay({ ...SPEC, jitter: 'full' }, n);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });
});

describe('mayRetry', () => {
  it('allows attempts below maxRetries, and every attempt when it is null', () => {
    expect([0, 1, 2, 3].map((n) => mayRetry(SPEC, n))).toEqual([true, true, true, false]);
    expect(mayRetry({ ...SPEC, maxRetries: 0 }, 0)).toBe(false);
    expect(mayRetry({ ...SPEC, maxRetries: null }, 1e6)).toBe(true);
  });
});

describe('isTerminal', () => {
  const spec: ReconnectSpec = { ...SPEC, doNotRetry: { closeCodes: [4001], httpStatuses: [401, 403], errorCodes: ['AUTH_EXPIRED'] } };

  it('stops on a listed close code, HTTP status or error code', () => {
    expect(isTerminal(spec, { closeCode: 4001 })).toBe(true);
    expect(isTerminal(spec, { httpStatus: 403 })).toBe(true);
    expect(isTerminal(spec, { errorCode: 'AUTH_EXPIRED' })).toBe(true);
    expect(isTerminal(spec, { closeCode: 1006, httpStatus: 401 })).toBe(true);
  });

  it('retries anything else, and everything when the contract lists nothing', () => {
    expect(isTerminal(spec, { closeCode: 1006 })).toBe(false);
    expect(isTerminal(spec, { httpStatus: 503, errorCode: 'BUSY' })).toBe(false);
    expect(isTerminal(spec, {})).toBe(false);
    expect(isTerminal(SPEC, { closeCode: 4001, httpStatus: 401, errorCode: 'AUTH_EXPIRED' })).toBe(false);
  });
});
