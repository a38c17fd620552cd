import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../runtime/client/queue.ts';

function queue(bound = 3) {
  const seen = { overflows: 0, returns: 0 };
  const q = new MessageQueue<number>(
    bound,
    () => seen.overflows++,
    () => seen.returns++,
  );
  return { q, seen };
}

describe('MessageQueue', () => {
  it('hands buffered items out in order, then a pending read gets the next push', async () => {
    const { q } = queue();
    q.push(1);
    q.push(2);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    const pending = q.next();
    q.push(3);
    expect(await pending).toEqual({ value: 3, done: false });
  });

  it('drops the oldest past the bound and says so once per dropped item', async () => {
    const { q, seen } = queue(2);
    for (const n of [1, 2, 3, 4]) q.push(n);
    expect(seen.overflows).toBe(2);
    expect([(await q.next()).value, (await q.next()).value]).toEqual([3, 4]);
  });

  it('end() lets buffered items out first, then ends; later pushes are ignored', async () => {
    const { q } = queue();
    q.push(1);
    q.end();
    q.push(2);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('end(error) rejects a waiting reader, or the next read after the buffered items, once', async () => {
    const a = queue().q;
    const waiting = a.next();
    a.end(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');

    const b = queue().q;
    b.push(1);
    b.end(new Error('later'));
    expect((await b.next()).value).toBe(1);
    await expect(b.next()).rejects.toThrow('later');
    expect(await b.next()).toEqual({ value: undefined, done: true });
  });

  it('return() (a for-await that breaks) empties the buffer and tells the owner', async () => {
    const { q, seen } = queue();
    q.push(1);
    for await (const n of q) {
      expect(n).toBe(1);
      break;
    }
    expect(seen.returns).toBe(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
