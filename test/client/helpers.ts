/** Shared by the client tests: waiting for a condition or a state event without fixed sleeps. */
import type { StateEvents } from '../../runtime/client/index.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a condition the test cannot subscribe to (counts over many handlers). */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface HasState {
  onState<K extends keyof StateEvents>(name: K, handler: (event: StateEvents[K]) => void): () => void;
}

/** The next state event of this name (rejects after `ms`). */
export function nextState<K extends keyof StateEvents>(channel: HasState, name: K, ms = 5000): Promise<StateEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} within ${ms} ms`));
    }, ms);
    const off = channel.onState(name, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Records every state event of a channel, in order. */
export function stateLog(channel: HasState): { name: string; event: unknown }[] {
  const log: { name: string; event: unknown }[] = [];
  for (const name of ['open', 'reconnecting', 'closed', 'error'] as const) channel.onState(name, (event) => log.push({ name, event }));
  return log;
}
