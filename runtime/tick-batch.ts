/**
 * Writes made during one event-loop tick, sent at its end: a burst of broadcasts costs one socket
 * write per connection, not one per message. Both transports use it (WebSocket sessions for
 * broadcast frames, SSE connections for events).
 *
 * Fan-out is the case it is shaped for: every connection of a channel gets the same messages in
 * the same order, so the bytes one connection sends at the end of a tick are, buffer for buffer,
 * the bytes the next one sends. `joinParts` concatenates such a run once and hands the same
 * Buffer to every connection that queued the same parts, so the per-connection cost is one
 * identity comparison per message and one write, with no allocation.
 */

/** A connection with writes queued for the end of the tick. */
export interface TickFlushable {
  /** Sends what was queued; must not throw for a connection that closed meanwhile. */
  flushTick(): void;
}

const queue: TickFlushable[] = [];
let lastParts: Buffer[] = [];
let lastJoined: Buffer | undefined;

/**
 * Queues `connection` to be flushed at the end of the current tick (once per tick: a connection
 * calls this when its first write of the tick is queued). One `process.nextTick` serves every
 * connection, so a broadcast allocates no callback per recipient.
 */
export function flushAtTickEnd(connection: TickFlushable): void {
  if (queue.length === 0) process.nextTick(flushQueue);
  queue.push(connection);
}

function flushQueue(): void {
  let failure: unknown;
  // A flush may queue another connection (an event handler that writes): the loop takes it too.
  for (let i = 0; i < queue.length; i++) {
    try {
      queue[i]!.flushTick();
    } catch (e) {
      // One connection's failure must not keep the others' messages back; it is rethrown after.
      failure ??= e;
    }
  }
  queue.length = 0;
  lastParts = [];
  lastJoined = undefined;
  if (failure !== undefined) throw failure;
}

/**
 * The concatenation of `parts`, shared with the previous caller whose parts were the same
 * Buffers in the same order (the next recipient of the same burst). `parts` is not kept, so the
 * caller may reuse its array.
 */
export function joinParts(parts: readonly Buffer[]): Buffer {
  if (parts.length === 1) return parts[0]!;
  if (lastJoined !== undefined && sameParts(parts, lastParts)) return lastJoined;
  lastParts = parts.slice();
  lastJoined = Buffer.concat(parts);
  return lastJoined;
}

function sameParts(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
