/**
 * How much a timing rule must allow for a loaded machine, from how long this process itself
 * stalled while it watched a connection. A frame is timestamped when the event loop gets to it,
 * so a loop that stalled for 300 ms may stamp a punctual heartbeat 300 ms late; and a loop that
 * stalls that long says the machine is overcommitted, so an implementation sharing it may have
 * fired its timer as late again. Timing rules allow twice the longest stall on top of the jitter;
 * an idle loop (and so any unloaded run) adds nothing, and a missing heartbeat is missing whatever
 * the allowance.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/** Starts measuring; the returned function stops and gives the allowance in ms (twice the longest stall). */
export function watchStalls(): () => number {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let result: number | undefined;
  return () => {
    if (result === undefined) {
      h.disable();
      // The histogram holds the time between ticks due every RESOLUTION_MS: what exceeds it is the stall.
      result = h.count > 0 ? 2 * Math.max(0, Math.ceil(h.max / 1e6 - RESOLUTION_MS)) : 0;
    }
    return result;
  };
}
