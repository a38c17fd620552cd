import { describe, expect, it } from 'vitest';
import { Listeners } from '../../../runtime/client/listeners.ts';

describe('Listeners', () => {
  it('calls every handler of a name, in order, and only that name', () => {
    const calls: string[] = [];
    const l = new Listeners<{ a: number; b: string }>(() => {});
    l.add('a', (n) => calls.push(`first ${n}`));
    l.add('a', (n) => calls.push(`second ${n}`));
    l.add('b', (s) => calls.push(`b ${s}`));
    l.emit('a', 1);
    expect(calls).toEqual(['first 1', 'second 1']);
    expect(l.has('b')).toBe(true);
  });

  it('a handler that throws is reported and the others still run', () => {
    const failures: unknown[] = [];
    const calls: number[] = [];
    const l = new Listeners<{ a: number }>((e) => failures.push(e));
    l.add('a', () => {
      throw new Error('boom');
    });
    l.add('a', (n) => calls.push(n));
    l.emit('a', 7);
    expect(calls).toEqual([7]);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('boom');
  });

  it('the function add returns removes that handler; a handler removed during emit still ran this time', () => {
    const calls: string[] = [];
    const l = new Listeners<{ a: void }>(() => {});
    let offSecond = () => {};
    l.add('a', () => {
      calls.push('first');
      offSecond();
    });
    offSecond = l.add('a', () => calls.push('second'));
    l.emit('a', undefined);
    l.emit('a', undefined);
    expect(calls).toEqual(['first', 'second', 'first']);
    expect(l.has('a')).toBe(true);
  });

  it('has() is false for a name with no handlers left', () => {
    const l = new Listeners<{ a: void }>(() => {});
    const off = l.add('a', () => {});
    off();
    expect(l.has('a')).toBe(false);
  });
});
