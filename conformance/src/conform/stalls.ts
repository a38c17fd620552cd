/**
 * How long this process itself stalled while it watched a connection. A frame is timestamped when
 * the event loop gets to it, so a loop that stalled for 300 ms may stamp a punctual heartbeat
 * 300 ms late: timing rules allow the stalls measured over the connection's life on top of the
 * jitter, and a loaded machine is not read as a late implementation. An idle loop adds nothing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/** Starts measuring; the returned function stops and gives the longest stall in ms. */
export function watchStalls(): () => number {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let result: number | undefined;
  return () => {
    if (result === undefined) {
      h.disable();
      // The histogram holds the time between ticks due every RESOLUTION_MS: what exceeds it is the stall.
      result = h.count > 0 ? Math.max(0, Math.ceil(h.max / 1e6 - RESOLUTION_MS)) : 0;
    }
    return result;
  };
}
