import { describe, expect, it } from 'vitest';
import { SseHistory } from '../../../runtime/sse/hub.ts';

describe('SseHistory', () => {
  it('ids are <boot>-<seq>, increasing; after(id) replays what came later', () => {
    const h = new SseHistory(10);
    const a = h.next('tick', '1');
    const b = h.next('tick', '2');
    const c = h.next('tick', '3');
    expect(a.id).toMatch(/^[0-9a-f]{8}-1$/);
    expect([b.seq, c.seq]).toEqual([2, 3]);
    expect(h.after(a.id)?.map((e) => e.data)).toEqual(['2', '3']);
    expect(h.after(c.id)).toEqual([]);
  });

  it('an event not stored takes a seq but is never replayed', () => {
    const h = new SseHistory(10);
    const a = h.next('tick', '1');
    h.next('hello', 'private', false);
    const c = h.next('tick', '3');
    expect(c.seq).toBe(3);
    expect(h.after(a.id)?.map((e) => e.data)).toEqual(['3']);
  });

  it('an id older than the buffer, from another run, from the future or malformed cannot be resumed', () => {
    const h = new SseHistory(2);
    const first = h.next('t', '1');
    const second = h.next('t', '2');
    h.next('t', '3');
    h.next('t', '4');
    expect(h.after(first.id)).toBeUndefined();
    expect(h.after(second.id)?.map((e) => e.data)).toEqual(['3', '4']);
    const boot = first.id.split('-')[0]!;
    const other = boot === '00000000' ? '11111111' : '00000000';
    expect(h.after(`${other}-2`)).toBeUndefined();
    expect(h.after(`${boot}-99`)).toBeUndefined();
    expect(h.after('nonsense')).toBeUndefined();
    expect(h.after(`${boot}-1e3`)).toBeUndefined();
  });

  it('two histories have different boots, so ids do not cross', () => {
    const a = new SseHistory(5);
    const b = new SseHistory(5);
    const id = a.next('t', 'x').id;
    b.next('t', 'y');
    expect(b.after(id)).toBeUndefined();
  });

  it('capacity 0 keeps nothing: a client that missed an event is told it cannot resume, one that missed none gets nothing', () => {
    const h = new SseHistory(0);
    const a = h.next('t', '1');
    const b = h.next('t', '2');
    expect(h.after(a.id)).toBeUndefined();
    expect(h.after(b.id)).toEqual([]);
  });
});
