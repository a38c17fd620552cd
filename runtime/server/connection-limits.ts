/**
 * The contract's `maxConnections`: counted per channel, per query value or per JWT claim. Only
 * connections that got through authentication and authorisation count.
 */
import type { Principal } from '../auth/authenticate.ts';
import type { ChannelDescription } from '../contract.ts';

export class ConnectionLimits {
  private readonly counts = new Map<string, number>();
  private readonly counted = new WeakMap<object, string>();

  /** The counter a connection belongs to, or undefined when the channel has no limit for it. */
  keyOf(channel: ChannelDescription, url: URL, principal: Principal | undefined): string | undefined {
    const per = channel.limits?.maxConnections?.per;
    if (!channel.limits?.maxConnections) return undefined;
    if (per?.query) return `${channel.id}\0q\0${url.searchParams.get(per.query) ?? ''}`;
    if (per?.jwtClaim) {
      const value = principal?.claims?.[per.jwtClaim];
      return value === undefined ? undefined : `${channel.id}\0c\0${String(value)}`;
    }
    return `${channel.id}\0all`;
  }

  /** Whether the counter `key` is at `limit` already. */
  full(key: string | undefined, limit: number): boolean {
    return key !== undefined && (this.counts.get(key) ?? 0) >= limit;
  }

  /** Counts `connection` under `key` until `release(connection)`. */
  take(connection: object, key: string | undefined): void {
    if (key === undefined) return;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.counted.set(connection, key);
  }

  release(connection: object): void {
    const key = this.counted.get(connection);
    if (key === undefined) return;
    this.counted.delete(connection);
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}
