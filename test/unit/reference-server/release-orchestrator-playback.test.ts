import { afterEach, describe, expect, it } from 'vitest';
import { Playback } from '../../../reference-server/release-orchestrator/playback.ts';
import { Timers } from '../../../reference-server/release-orchestrator/timers.ts';

// A plan's steps are due at fixed offsets from its start. When the process stalls (a busy
// machine), the steps that fell due meanwhile are emitted together as soon as it runs again, as
// the server's other timers (heartbeats, the pong deadline) fire; a chain of one timer per step
// fell one loop turn further behind with every step, so a long run ended after the pong timeout.
const errors: Error[] = [];
let timers: Timers;
afterEach(() => {
  timers.clear();
  expect(errors).toEqual([]);
  errors.length = 0;
});

/** Busy-waits: a stall of the event loop, as a starved process sees one. */
function stall(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('Playback', () => {
  it('after a stall, every step already due is emitted in the same turn of the event loop', async () => {
    timers = new Timers(1, (e) => errors.push(e));
    const plan = Array.from({ length: 10 }, (_, i) => ({ afterMs: 10, build: () => i }));
    const playback = new Playback('run', plan, timers, (e) => errors.push(e));
    let turn = 0;
    const turns: number[] = [];
    const done = new Promise<void>((resolve) =>
      playback.subscribe({
        event: (n) => {
          turns.push(turn);
          setImmediate(() => (turn += 1));
          if (n === 0) stall(150); // steps 1–9 (due 20–100 ms after the start) are all late after it
          if (n === 9) resolve();
        },
        failed: (e) => errors.push(e),
      }),
    );
    await done;
    expect(playback.history).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(playback.state).toBe('finished');
    // Steps 1–9 arrive in one turn: no step waits for the one before it to have fired.
    expect(new Set(turns.slice(1)).size).toBe(1);
  });

  it('steps keep their order through timers, none before its offset, and a failing step ends the plan', async () => {
    timers = new Timers(1, (e) => errors.push(e));
    const failures: Error[] = [];
    const plan = [
      { afterMs: 5, build: () => 'a' },
      { afterMs: 5, build: () => 'b' },
      {
        afterMs: 5,
        build: (): string => {
          throw new Error('bad plan');
        },
      },
      { afterMs: 5, build: () => 'never' },
    ];
    const seen: string[] = [];
    const at: number[] = [];
    const start = performance.now();
    const playback = new Playback('run', plan, timers, () => undefined);
    await new Promise<void>((resolve) =>
      playback.subscribe({
        event: (m) => {
          seen.push(m);
          at.push(performance.now() - start);
        },
        failed: (e) => {
          failures.push(e);
          resolve();
        },
      }),
    );
    expect(seen).toEqual(['a', 'b']);
    // Due at 5 and 10 ms from the start (a stalled process may deliver both later, never earlier;
    // 1 ms for the timer clock's rounding).
    expect(at[0]).toBeGreaterThanOrEqual(4);
    expect(at[1]).toBeGreaterThanOrEqual(9);
    expect(failures.map((e) => e.message)).toEqual(['bad plan']);
    expect(playback.state).toBe('failed');
  });

  it('stops when its timers are cleared', async () => {
    timers = new Timers(1, (e) => errors.push(e));
    const seen: number[] = [];
    const playback = new Playback(
      'run',
      Array.from({ length: 5 }, (_, i) => ({ afterMs: 5, build: () => i })),
      timers,
      (e) => errors.push(e),
    );
    await new Promise<void>((resolve) =>
      playback.subscribe({
        event: (n) => {
          seen.push(n);
          if (n === 1) {
            timers.clear();
            setTimeout(resolve, 30);
          }
        },
        failed: (e) => errors.push(e),
      }),
    );
    expect(seen).toEqual([0, 1]);
  });
});
