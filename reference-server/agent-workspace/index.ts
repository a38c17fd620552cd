import type { RuntimeEventInfo } from '../../runtime/index.ts';
import { randomBytes } from 'node:crypto';
import { api } from '../../generated/agent-workspace/metadata.gen.ts';
import type { HeartbeatData, StreamErrorData } from '../../generated/agent-workspace/models.gen.ts';
import { createAgentWorkspaceServer, type FleetStreamPeer } from '../../generated/agent-workspace/server.gen.ts';
import { createClock, Random } from '../../runtime/seeded/index.ts';
import type { DevCredential, ReferenceOptions, ReferenceServer } from '../shared/types.ts';
import { createFingerprint } from './fingerprint.ts';
import { FleetPoller, type PollLimits } from './poller.ts';
import { FleetSimulation } from './simulation.ts';
import { FleetStore, StoreUnavailableError, type FinalStatus } from './store.ts';

const CHANNEL = api.channels.fleetStream;
const STREAM_PATH = CHANNEL.address;
/** The contract's example text of the `error` event. */
const LOAD_FAILED = 'Failed to load initial state';
export interface AgentWorkspaceReferenceOptions extends ReferenceOptions {
  /** Active runs the simulated fleet keeps (default 8; over 50 exercises the snapshot limit). */
  activeRuns?: number;
  /** Log lines each run has written before the server starts, [min, max] (default [20, 60]). */
  initialLogLines?: readonly [number, number];
  /**
   * Start with a failing store: every connection gets the contract's `error` event instead of
   * fleet_snapshot, then the stream ends; polls publish nothing. `fleet.setStoreFailing` toggles it.
   */
  failingStore?: boolean;
}

/** Drives the simulated fleet from outside (tests, demos). Changes show on the next poll. */
export interface FleetControl {
  /** Stops / restarts the simulation's own changes (polls and heartbeats go on). */
  pause(): void;
  resume(): void;
  /** Makes every load of the store fail (or succeed again). */
  setStoreFailing(failing: boolean): void;
  /** Ids of the runs that are active now, newest first. */
  activeRunIds(): string[];
  /** Queues a new run; returns its id. */
  startRun(): string;
  /** Ends a run: it is not sent again. */
  finishRun(id: string, outcome: FinalStatus): void;
  /** Makes a run write `count` log lines at once. */
  writeLogs(id: string, count: number): void;
  /** Adds a pending intervention (changes the fingerprint). */
  addIntervention(id: string): void;
  /** Resolves one pending intervention and adds another (same fingerprint); false without one. */
  swapIntervention(id: string): boolean;
}

export interface AgentWorkspaceReference extends ReferenceServer {
  readonly fleet: FleetControl;
}

/**
 * The Agent Workspace fleet stream (SSE, session cookie): a simulated fleet of pipeline runs,
 * polled every 3 s (scaled) as the contract's x-sw-poll says; fleet_update and fleet_logs are
 * published (kept for Last-Event-ID replay), fleet_snapshot and its fleet_logs are sent per
 * connection.
 */
export function createAgentWorkspaceReference(options: AgentWorkspaceReferenceOptions = {}): AgentWorkspaceReference {
  const timeScale = options.timeScale ?? 1;
  const clock = options.clock ?? createClock({ timeScale });
  const random = new Random(options.seed ?? 1);
  const sessions: Readonly<Record<string, string>> = options.secrets?.sessions ?? { [randomBytes(24).toString('base64url')]: 'dev-user' };
  // The server's own origins join these once it knows where it listens (see listen).
  const allowedOrigins: string[] = [...(options.allowedOrigins ?? []), ...(options.cors?.origins ?? [])];
  const report = (e: unknown, info?: RuntimeEventInfo) => {
    try {
      options.onError?.(e instanceof Error ? e : new Error(String(e)), info);
    } catch {
      // never let a reporter break the server
    }
  };

  const poll = CHANNEL.poll;
  const batch = poll?.batchLimits ?? {};
  const limits: PollLimits = {
    snapshotMaxPipelines: batch.snapshotMaxPipelines ?? 50,
    snapshotLogLines: batch.snapshotLogLines ?? 300,
    logsPerPollPerPipeline: batch.logsPerPollPerPipeline ?? 50,
  };
  const store = new FleetStore();
  const simulation = new FleetSimulation(store, {
    random,
    clock,
    targetActiveRuns: options.activeRuns ?? 8,
    ...(options.initialLogLines ? { initialLogLines: options.initialLogLines } : {}),
  });
  simulation.seed();
  const poller = new FleetPoller(store, limits, createFingerprint(poll?.fingerprint ?? ['/status', '/jobs/*/status', '/pendingInterventions/length']));
  poller.prime();
  store.failing = options.failingStore ?? false;

  const server = createAgentWorkspaceServer({
    handlers: {
      fleetStream: {
        open: (peer) => openStream(peer),
      },
    },
    auth: {
      session: (id) => (Object.prototype.hasOwnProperty.call(sessions, id) ? sessions[id] : undefined),
      allowedOrigins,
      now: clock.now,
    },
    errorMessage: (_channel, _code, message): StreamErrorData => ({ message: message || LOAD_FAILED }),
    heartbeatMessage: (): HeartbeatData => ({ ts: Math.max(0, Math.floor(clock.now())) }),
    // SSE: the client sends no frames, so there is no invalid-frame error.
    invalidFrameErrorCode: () => undefined,
    timeScale,
    ...(options.pages ? { pages: options.pages } : {}),
    cors: options.cors,
    now: clock.now,
    ...(options.onError ? { onError: (e: Error, info?: RuntimeEventInfo) => report(e, info) } : {}),
    bus: options.bus,
  });

  /** fleet_snapshot (or error and the end), then at once the most recent lines as one fleet_logs. */
  function openStream(peer: FleetStreamPeer) {
    let snapshot: ReturnType<FleetPoller['snapshot']>;
    try {
      snapshot = poller.snapshot();
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) report(e);
      peer.send('error', { message: LOAD_FAILED });
      peer.end();
      return;
    }
    peer.send('fleet_snapshot', snapshot.runs);
    // A resumed client has just been replayed every line it missed: the recent lines would repeat them.
    if (!peer.resumed && snapshot.logs.length > 0) peer.send('fleet_logs', snapshot.logs);
  }

  let paused = false;
  let ticker: NodeJS.Timeout | undefined;
  const tick = () => {
    if (!paused) simulation.step();
    let output: ReturnType<FleetPoller['poll']>;
    try {
      output = poller.poll();
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) report(e);
      return;
    }
    if (options.fanOutSimulation === false) return;
    try {
      if (output.updated.length > 0) server.fleetStream.publish('fleet_update', output.updated);
      if (output.logs.length > 0) server.fleetStream.publish('fleet_logs', output.logs);
    } catch (e) {
      report(e);
    }
  };
  const start = () => {
    if (ticker) return;
    ticker = setInterval(tick, Math.max(1, (poll?.intervalMs ?? 3000) * timeScale));
    ticker.unref();
  };

  return {
    api: 'agent-workspace',
    fleet: {
      pause: () => void (paused = true),
      resume: () => void (paused = false),
      setStoreFailing: (failing) => void (store.failing = failing),
      activeRunIds: () => store.activeRunIds(),
      startRun: () => simulation.startRun(),
      finishRun: (id, outcome) => simulation.finishRun(id, outcome),
      writeLogs: (id, count) => simulation.writeLogs(id, count),
      addIntervention: (id) => simulation.addIntervention(id),
      swapIntervention: (id) => simulation.swapIntervention(id),
    },
    async listen(port, host = '127.0.0.1') {
      const bound = await server.listen(port, host);
      if (!options.allowedOrigins) {
        for (const origin of ownOrigins(host, bound.port)) if (!allowedOrigins.includes(origin)) allowedOrigins.push(origin);
      }
      start();
      return bound;
    },
    async close() {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
      await server.close();
    },
    urls: (origin) => [`${origin.replace(/\/+$/, '')}${STREAM_PATH}`],
    credentials: async (): Promise<DevCredential[]> => {
      const [session] = Object.keys(sessions);
      return session === undefined
        ? []
        : [
            {
              scheme: 'sessionCookie',
              usage: `Cookie: session=<value> (on the request to ${STREAM_PATH}; a browser's Origin must be on the allow-list)`,
              value: session,
            },
          ];
    },
  };
}

/**
 * The origins of pages this server itself serves: the address it listens on, and `localhost`
 * for a loopback or wildcard address. Any other origin must be given (allowedOrigins or --cors).
 */
export function ownOrigins(host: string, port: number): string[] {
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  const wildcard = host === '0.0.0.0' || host === '::';
  const names = wildcard
    ? ['localhost', '127.0.0.1', '[::1]']
    : loopback
      ? [host.includes(':') ? `[${host}]` : host, 'localhost']
      : [host.includes(':') ? `[${host}]` : host];
  return [...new Set(names)].map((name) => `http://${name}:${port}`);
}
