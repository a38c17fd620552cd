import { describe, expect, it } from 'vitest';
import type { ChannelDescription } from '../../../runtime/contract.ts';
import { memoryBus } from '../../../runtime/bus/memory.ts';
import { ConnectionLimits } from '../../../runtime/server/connection-limits.ts';

const channel = (per?: { query?: string; jwtClaim?: string }) =>
  ({ id: 'c', limits: { maxConnections: { limit: 2, ...(per ? { per } : {}), onExceed: { action: 'reject' } } } }) as unknown as ChannelDescription;
const url = new URL('http://x/?tenant=a');

describe('ConnectionLimits', () => {
  it('keys a connection by channel, query value or JWT claim; none without a limit', () => {
    const limits = new ConnectionLimits(memoryBus());
    expect(limits.keyOf(channel(), url, undefined)).toBe('c\0all');
    expect(limits.keyOf(channel({ query: 'tenant' }), url, undefined)).toBe('c\0q\0a');
    expect(limits.keyOf(channel({ jwtClaim: 'sub' }), url, { subject: 'ann', claims: { sub: 'ann' } } as never)).toBe('c\0c\0ann');
    expect(limits.keyOf(channel({ jwtClaim: 'sub' }), url, undefined)).toBeUndefined();
    expect(limits.keyOf({ id: 'c' } as ChannelDescription, url, undefined)).toBeUndefined();
  });

  it('counts taken connections through the bus until they are released, once each', async () => {
    const limits = new ConnectionLimits(memoryBus());
    const [a, b, c] = [{}, {}, {}];
    expect(await limits.take(a, 'k', 2)).toBe(true);
    expect(await limits.full('k', 2)).toBe(false);
    expect(await limits.take(b, 'k', 2)).toBe(true);
    expect(await limits.full('k', 2)).toBe(true);
    expect(await limits.take(c, 'k', 2)).toBe(false);
    limits.release(c);
    limits.release(a);
    limits.release(a);
    expect(await limits.full('k', 2)).toBe(false);
    expect(await limits.full('k', 1)).toBe(true);
    expect(await limits.full(undefined, 0)).toBe(false);
    expect(await limits.take(c, undefined, 0)).toBe(true);
  });
});
