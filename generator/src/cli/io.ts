/** The streams a command writes to; tests pass their own. */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Exit codes: 0 success, 1 the input has problems, 2 the command line is wrong. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/**
 * Resolves on the first SIGINT or SIGTERM. A command calls it before it starts listening, so a
 * signal that arrives while servers start up still ends in a graceful stop instead of the
 * default action killing the process. `release()` removes both listeners.
 */
export function stopSignal(signals: NodeJS.EventEmitter): { stopped: Promise<void>; release(): void } {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);
  return {
    stopped,
    release: () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
    },
  };
}
