import { describe, expect, it } from 'vitest';
import { flushAtTickEnd, joinParts } from '../../runtime/tick-batch.ts';

describe('tick batch', () => {
  it('joins a burst once and shares it with every connection that queued the same buffers', async () => {
    const [a, b, c] = ['a', 'bb', 'ccc'].map((t) => Buffer.from(t));
    let first: Buffer | undefined;
    let second: Buffer | undefined;
    let other: Buffer | undefined;
    flushAtTickEnd({ flushTick: () => void (first = joinParts([a!, b!, c!])) });
    flushAtTickEnd({ flushTick: () => void (second = joinParts([a!, b!, c!])) });
    // Same contents, different buffers: not the same burst.
    flushAtTickEnd({ flushTick: () => void (other = joinParts([a!, b!, Buffer.from('ccc')])) });
    expect(first).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(first!.toString()).toBe('abbccc');
    expect(second).toBe(first);
    expect(other!.toString()).toBe('abbccc');
    expect(other).not.toBe(first);
    expect(joinParts([a!])).toBe(a);
  });

  it('flushes every queued connection once, in order, including one queued while flushing', async () => {
    const order: string[] = [];
    const late = { flushTick: () => order.push('late') };
    flushAtTickEnd({ flushTick: () => order.push('one') });
    flushAtTickEnd({
      flushTick: () => {
        order.push('two');
        flushAtTickEnd(late);
      },
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['one', 'two', 'late']);
  });
});
