/**
 * The contract's `maxConnections`: counted per channel, per query value or per JWT claim, on every
 * instance that shares the bus. Only connections that got through authentication and
 * authorisation count.
 */
import type { Principal } from '../auth/authenticate.ts';
import type { Bus } from '../bus/types.ts';
import type { ChannelDescription } from '../contract.ts';

export class ConnectionLimits {
  private readonly counted = new WeakMap<object, string>();

  constructor(private readonly bus: Bus) {}

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

  /** Whether the counter `key` is at `limit` already, across instances. */
  async full(key: string | undefined, limit: number): Promise<boolean> {
    return key !== undefined && (await this.bus.count(key)) >= limit;
  }

  /**
   * Takes one of `limit` slots of `key` for `connection` until `release(connection)`; false when
   * every slot is taken. No key: nothing to count, always true.
   */
  async take(connection: object, key: string | undefined, limit: number): Promise<boolean> {
    if (key === undefined) return true;
    if (!(await this.bus.acquire(key, limit))) return false;
    this.counted.set(connection, key);
    return true;
  }

  release(connection: object): void {
    const key = this.counted.get(connection);
    if (key === undefined) return;
    this.counted.delete(connection);
    this.bus.release(key);
  }
}
