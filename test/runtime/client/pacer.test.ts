import { describe, expect, it } from 'vitest';
import { Pacer, utf8Length } from '../../../runtime/client/pacer.ts';

describe('Pacer', () => {
  it('allows `limit` sends per window, then waits for the oldest to leave it', () => {
    const p = new Pacer(3, 1000, 50);
    for (const t of [0, 10, 20]) {
      expect(p.delay(t)).toBe(0);
      p.record(t);
    }
    expect(p.delay(30)).toBe(1020);
    expect(p.delay(1050)).toBe(0);
  });

  it('utf8Length counts like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a\ud800b']) expect([s, utf8Length(s)]).toEqual([s, new TextEncoder().encode(s).length]);
  });
});
