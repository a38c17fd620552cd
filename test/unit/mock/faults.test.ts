import { describe, expect, it } from 'vitest';
import { applyFaults, FaultPipeline, FaultPlan, FaultyLink } from '../../../mock/faults.ts';

const messages = Array.from({ length: 200 }, (_, i) => i);

describe('FaultPlan', () => {
  it('is deterministic per seed, and one fault turned on does not reshuffle another', () => {
    const drops = (options: ConstructorParameters<typeof FaultPlan>[0], seed: number) => {
      const plan = new FaultPlan(options, seed);
      return messages.map(() => plan.next().drop);
    };
    expect(drops({ drop: 0.3 }, 7)).toEqual(drops({ drop: 0.3 }, 7));
    expect(drops({ drop: 0.3 }, 7)).not.toEqual(drops({ drop: 0.3 }, 8));
    expect(drops({ drop: 0.3, duplicate: 0.5, reorder: 0.2 }, 7)).toEqual(drops({ drop: 0.3 }, 7));
  });

  it('delays fall in the range, both ends included', () => {
    const plan = new FaultPlan({ delayMs: { min: 5, max: 7 } }, 1);
    const delays = new Set(messages.map(() => plan.next().delayMs));
    expect([...delays].sort()).toEqual([5, 6, 7]);
    expect(new FaultPlan({}, 1).next()).toEqual({ drop: false, duplicate: false, reorder: false, delayMs: 0 });
  });
});

describe('applyFaults and FaultPipeline', () => {
  it('no faults: every message once, in order', () => {
    expect(applyFaults(messages, {}, 3)).toEqual(messages);
  });

  it('drop 1 drops all; duplicate 1 sends each twice in a row', () => {
    expect(applyFaults(messages, { drop: 1 }, 3)).toEqual([]);
    expect(applyFaults([1, 2], { duplicate: 1 }, 3)).toEqual([1, 1, 2, 2]);
  });

  it('reorder 1 swaps pairs: a held message goes right after the next, the last one at the end', () => {
    expect(applyFaults([1, 2, 3, 4, 5], { reorder: 1 }, 3)).toEqual([2, 1, 4, 3, 5]);
  });

  it('the stats add up: sent = offered - dropped + duplicated', () => {
    const p = new FaultPipeline<number>(new FaultPlan({ drop: 0.2, duplicate: 0.2, reorder: 0.2 }, 11));
    const out = [...messages.flatMap((m) => p.push(m).out), ...p.flush()];
    const s = p.stats;
    expect(s.offered).toBe(messages.length);
    expect(s.sent).toBe(out.length);
    expect(s.sent).toBe(s.offered - s.dropped + s.duplicated);
    expect(s.dropped).toBeGreaterThan(0);
    expect(new Set(out).size).toBe(messages.length - s.dropped);
  });
});

describe('FaultyLink', () => {
  it('without delay delivers at once, and cuts the link after N frames', () => {
    const delivered: number[] = [];
    let cuts = 0;
    const link = new FaultyLink<number>(
      { disconnectAfter: { frames: 3 } },
      1,
      (m) => delivered.push(m),
      () => cuts++,
    );
    for (const m of [1, 2, 3, 4, 5]) link.push(m);
    link.finish();
    expect(delivered).toEqual([1, 2, 3]);
    expect(cuts).toBe(1);
  });

  it('a held message goes out on finish; stop() sends nothing more', () => {
    const delivered: number[] = [];
    const link = new FaultyLink<number>(
      { reorder: 1 },
      1,
      (m) => delivered.push(m),
      () => {},
    );
    link.push(1);
    expect(delivered).toEqual([]);
    link.finish();
    expect(delivered).toEqual([1]);
    link.stop();
    link.push(2);
    expect(delivered).toEqual([1]);
    expect(link.stats.offered).toBe(1);
  });
});
