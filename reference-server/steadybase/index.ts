import type { RuntimeEventInfo } from '../../runtime/index.ts';
/**
 * Reference server of the steadybase API (spec/steadybase.asyncapi.yaml), on the generated stub.
 *
 * - /ws (JWT in `Authorization: Bearer`, or `?access_token=` from browsers; HTTP 401 otherwise):
 *   every connected client receives the simulation's worker-status, workflow-progress,
 *   drew-update and approval-required events and every task-update; any frame a client sends is
 *   answered with the contract's `error` (invalid_message / unsupported_message), the connection
 *   stays open. No application heartbeat (x-sw-heartbeat mode none).
 * - POST /api/tasks/status (JWT bearer; body validated by the runtime): records the task's status,
 *   broadcasts a task-update stamped with the time of receipt and answers 202 {delivered}.
 *
 * Deterministic: randomness from `new Random(seed)`, timestamps from the clock, one scaled,
 * unref'd simulation timer, stopped by close().
 */
import { randomBytes } from 'node:crypto';
import { createSteadybaseServer, type SteadybaseServer } from '../../generated/steadybase/server.gen.ts';
import type { TaskStatusRequest } from '../../generated/steadybase/models.gen.ts';
import { createClock, Random } from '../../runtime/seeded/index.ts';
import { devJwt } from '../shared/credentials.ts';
import type { CredentialOptions, DevCredential, ReferenceOptions, ReferenceServer } from '../shared/types.ts';
import { errorPayload, FrameClassifier } from './frames.ts';
import { SteadybaseSimulation } from './simulation.ts';
import { TaskStore } from './tasks.ts';
import { Ticker } from './ticker.ts';

/** Contract time between two simulation steps (scaled by timeScale). */
export const TICK_MS = 1000;

export interface SteadybaseReference extends ReferenceServer {
  /** The generated stub the reference runs on. */
  readonly stub: SteadybaseServer;
  readonly simulation: SteadybaseSimulation;
  readonly tasks: TaskStore;
}

export function createSteadybaseReference(options: ReferenceOptions = {}): SteadybaseReference {
  const timeScale = options.timeScale ?? 1;
  const clock = options.clock ?? createClock({ timeScale });
  const random = new Random(options.seed ?? 1);
  const jwtSecret = options.secrets?.jwtSecret ?? new Uint8Array(randomBytes(32));
  const report = (error: Error, info?: RuntimeEventInfo) => {
    try {
      options.onError?.(error, info);
    } catch {
      // A failing hook must not take the server down.
    }
  };

  const simulation = new SteadybaseSimulation(random, clock);
  const tasks = new TaskStore();
  const frames = new FrameClassifier();

  const stub = createSteadybaseServer({
    handlers: {
      taskStatus: {
        request: (body: TaskStatusRequest) => {
          const update = tasks.accept(body, clock.iso());
          try {
            return { status: 202, body: { delivered: stub.events.broadcast(update) } };
          } catch (e) {
            report(e as Error);
            return { status: 500, body: { error: 'internal_error' } };
          }
        },
      },
    },
    auth: { jwtSecret },
    errorMessage: (_channel, code, message) => {
      const verdict = frames.take();
      const final = verdict ?? { code: code === 'unsupported_message' ? ('unsupported_message' as const) : ('invalid_message' as const), message };
      return errorPayload(final.code, final.message, clock.iso());
    },
    invalidFrameErrorCode: (_channel, frame) => frames.note(frame),
    timeScale,
    ...(options.pages ? { pages: options.pages } : {}),
    cors: options.cors,
    onError: (error, info) => report(error, info),
    bus: options.bus,
  });

  const ticker = new Ticker(
    TICK_MS * timeScale,
    () => {
      const events = simulation.step();
      if (options.fanOutSimulation !== false) for (const event of events) stub.events.broadcast(event);
    },
    report,
  );

  return {
    api: 'steadybase',
    stub,
    simulation,
    tasks,
    async listen(port, host) {
      const address = await stub.listen(port, host);
      ticker.start();
      return address;
    },
    async close() {
      ticker.stop();
      await stub.close();
    },
    urls(origin) {
      const base = origin.replace(/\/+$/, '');
      const ws = base.replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
      return [`${ws}/ws`, `${base}/api/tasks/status`];
    },
    async credentials(options?: CredentialOptions): Promise<DevCredential[]> {
      const token = await devJwt(jwtSecret, 'dev-user', options);
      return [
        { scheme: 'bearerJwt', usage: 'Authorization: Bearer <value> (WebSocket upgrade of /ws, and POST /api/tasks/status)', ...token },
        { scheme: 'accessTokenQuery', usage: '/ws?access_token=<value> (browsers, WebSocket only)', ...token },
      ];
    },
  };
}
