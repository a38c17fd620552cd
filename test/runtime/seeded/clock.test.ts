import { describe, expect, it } from 'vitest';
import { createClock, DEFAULT_START } from '../../../runtime/seeded/clock.ts';

describe('createClock', () => {
  it('starts at the fixed instant, whatever the real time', () => {
    let real = 1_000_000;
    const clock = createClock({ realNow: () => real });
    expect(clock.now()).toBe(DEFAULT_START);
    expect(clock.iso()).toBe('2026-01-10T14:00:00.000Z');
    real += 1500;
    expect(clock.now()).toBe(DEFAULT_START + 1500);
  });

  it('a time scale stretches real time to the contract pace', () => {
    let real = 0;
    const clock = createClock({ start: 0, timeScale: 0.01, realNow: () => real });
    real += 10;
    // 10 ms of real time at 100× is one second on the server's timeline.
    expect(clock.now()).toBe(1000);
  });
});
