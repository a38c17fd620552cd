/**
 * The clock of the reference servers and the mock: timestamps start at a fixed instant and
 * advance with (scaled) real time, so traffic looks the same from run to run and fast tests still
 * see time pass at the contract's pace.
 */
export interface Clock {
  /** Milliseconds since the epoch, on the server's timeline. */
  now(): number;
  /** `now()` as RFC 3339 (`2026-01-10T14:23:45.000Z`). */
  iso(): string;
}

export const DEFAULT_START = Date.parse('2026-01-10T14:00:00Z');

export function createClock(options: { start?: number; timeScale?: number; realNow?: () => number } = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  const origin = realNow();
  const start = options.start ?? DEFAULT_START;
  const scale = options.timeScale ?? 1;
  const now = () => start + Math.round((realNow() - origin) / scale);
  return { now, iso: () => new Date(now()).toISOString() };
}
