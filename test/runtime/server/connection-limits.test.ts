import { describe, expect, it } from 'vitest';
import type { ChannelDescription } from '../../../runtime/contract.ts';
import { ConnectionLimits } from '../../../runtime/server/connection-limits.ts';

const channel = (per?: { query?: string; jwtClaim?: string }) => ({ id: 'c', limits: { maxConnections: { limit: 2, ...(per ? { per } : {}), onExceed: { action: 'reject' } } } }) as unknown as ChannelDescription;
const url = new URL('http://x/?tenant=a');

describe('ConnectionLimits', () => {
  it('keys a connection by channel, query value or JWT claim; none without a limit', () => {
    const limits = new ConnectionLimits();
    expect(limits.keyOf(channel(), url, undefined)).toBe('c\0all');
    expect(limits.keyOf(channel({ query: 'tenant' }), url, undefined)).toBe('c\0q\0a');
    expect(limits.keyOf(channel({ jwtClaim: 'sub' }), url, { subject: 'ann', claims: { sub: 'ann' } } as never)).toBe('c\0c\0ann');
    expect(limits.keyOf(channel({ jwtClaim: 'sub' }), url, undefined)).toBeUndefined();
    expect(limits.keyOf({ id: 'c' } as ChannelDescription, url, undefined)).toBeUndefined();
  });

  it('counts taken connections until they are released, once each', () => {
    const limits = new ConnectionLimits();
    const [a, b] = [{}, {}];
    limits.take(a, 'k');
    expect(limits.full('k', 2)).toBe(false);
    limits.take(b, 'k');
    expect(limits.full('k', 2)).toBe(true);
    limits.release(a);
    limits.release(a);
    expect(limits.full('k', 2)).toBe(false);
    expect(limits.full('k', 1)).toBe(true);
    expect(limits.full(undefined, 0)).toBe(false);
  });
});
