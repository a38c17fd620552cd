import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../../runtime/ws/rate.ts';

describe('RateWindow', () => {
  it('takes `limit` events in a window and refuses the next', () => {
    const w = new RateWindow(3, 1000);
    expect([0, 10, 20, 30].map((t) => w.take(t))).toEqual([true, true, true, false]);
  });

  it('takes again once the oldest counted event has left the window, and not before', () => {
    const w = new RateWindow(2, 1000);
    expect([w.take(0), w.take(500)]).toEqual([true, true]);
    expect(w.take(999)).toBe(false);
    expect(w.take(1000)).toBe(true);
    // Now 500 and 1000 are counted: 1499 is too early, 1500 is not.
    expect(w.take(1499)).toBe(false);
    expect(w.take(1500)).toBe(true);
  });

  it('does not count a refused event', () => {
    const w = new RateWindow(1, 100);
    expect(w.take(0)).toBe(true);
    for (let t = 1; t < 100; t++) expect(w.take(t)).toBe(false);
    // Had the refusals counted, the window would still be full.
    expect(w.take(100)).toBe(true);
  });

  it('keeps a sliding count over many windows', () => {
    const w = new RateWindow(5, 1000);
    let taken = 0;
    // One event every 50 ms for 10 s: 5 per rolling second.
    for (let t = 0; t < 10_000; t += 50) if (w.take(t)) taken++;
    expect(taken).toBe(50);
  });
});
