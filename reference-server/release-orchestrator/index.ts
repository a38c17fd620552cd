import type { RuntimeEventInfo } from '../../runtime/index.ts';
/**
 * Reference server of the release-orchestrator API (spec/release-orchestrator.asyncapi.yaml), on
 * the generated stub.
 *
 * - WS /api/v1/workflow-runs/{id}/stream and /api/v1/deployment-jobs/{id}/stream: the seeded runs
 *   and jobs (WORKFLOW_RUN_IDS, DEPLOYMENT_JOB_IDS) are played from seeded plans, starting when the
 *   first client subscribes; every client gets the events so far, then the live ones, so each sees
 *   the complete ordered sequence of its resource (see playback.ts, runs.ts, jobs.ts).
 * - WS /api/v1/agents/{id}/task-stream: the server assigns tasks (task_assigned) and cancels some
 *   (task_cancelled); the agent's reports are validated by the runtime, then checked against what
 *   was assigned to that agent (agents.ts). The path id must be the token's `sub`.
 * - WS and SSE /api/v1/dashboard/stream: metric_update every 5 s (plus one on connect), alerts and
 *   promotion updates (dashboard.ts); SSE events are published for Last-Event-ID replay.
 * - Auth (runtime): JWT HS256 with sub and exp, in `?token=`, in a first `auth` message (5 s), or
 *   as `Authorization: Bearer` on SSE; 20 connections per `sub` and channel; heartbeats every
 *   15 s, closed with 4408 after 30 s without a pong. Unknown ids: not_found / 4404; agent id not
 *   the token's sub, or an agent token on the other streams: forbidden / 4403 (access.ts).
 *
 * Deterministic: all randomness from `new Random(seed)` (one child generator per resource, drawn
 * in a fixed order at construction), message timestamps from the clock, every timer scaled by
 * timeScale, unref'd and cleared by close(). JWT `exp` / `iat` are wall-clock times: tokens are
 * real credentials checked against the real time.
 */
import { randomBytes } from 'node:crypto';
import {
  createReleaseOrchestratorServer,
  type AgentTaskStreamPeer,
  type DashboardStreamPeer,
  type DeploymentJobStreamPeer,
  type ReleaseOrchestratorServer,
  type WorkflowRunStreamPeer,
} from '../../generated/release-orchestrator/server.gen.ts';
import type { Heartbeat } from '../../generated/release-orchestrator/models.gen.ts';
import { signJwt } from '../../runtime/auth/index.ts';
import { createClock, Random } from '../../runtime/seeded/index.ts';
import { devJwt } from '../shared/credentials.ts';
import type { CredentialOptions, DevCredential, ReferenceOptions, ReferenceServer } from '../shared/types.ts';
import { CLOSE_INTERNAL, errorPayload, refuseAgentStream, refuseDashboard, refuseResource, type AccessRules } from './access.ts';
import { AgentTaskBroker, type AgentConnection, type AgentReport } from './agents.ts';
import { AGENT_IDS, DEPLOYMENT_JOBS, WORKFLOW_RUNS } from './catalog.ts';
import { Dashboard, type DashboardMessage } from './dashboard.ts';
import { planDeploymentJob, type DeploymentJobMessage } from './jobs.ts';
import { Playback } from './playback.ts';
import { planWorkflowRun, type WorkflowRunMessage } from './runs.ts';
import { Timers } from './timers.ts';

export { AGENT_IDS } from './catalog.ts';
/** Ids of the seeded workflow runs: succeeded, failed (security gate), cancelled. */
export const WORKFLOW_RUN_IDS: readonly string[] = WORKFLOW_RUNS.map((r) => r.id);
/** Ids of the seeded deployment jobs: succeeded, failed (second target), cancelled. */
export const DEPLOYMENT_JOB_IDS: readonly string[] = DEPLOYMENT_JOBS.map((j) => j.id);
/** `sub` of the development credentials (may read runs, jobs and the dashboard). */
export const DEV_SUBJECT = 'dev-user';

const WS_CHANNELS: ReadonlySet<string> = new Set(['workflowRunStream', 'deploymentJobStream', 'agentTaskStream', 'dashboardStream']);

export interface ReleaseOrchestratorReference extends ReferenceServer {
  /** The generated stub the reference runs on. */
  readonly stub: ReleaseOrchestratorServer;
  readonly broker: AgentTaskBroker;
  readonly dashboard: Dashboard;
  readonly workflowRuns: ReadonlyMap<string, Playback<WorkflowRunMessage>>;
  readonly deploymentJobs: ReadonlyMap<string, Playback<DeploymentJobMessage>>;
  /** Signs a development token (HS256, 12 h) for `sub` with this server's secret. */
  token(sub: string): Promise<string>;
}

type AnyPeer = WorkflowRunStreamPeer | DeploymentJobStreamPeer | AgentTaskStreamPeer | DashboardStreamPeer;

export function createReleaseOrchestratorReference(options: ReferenceOptions = {}): ReleaseOrchestratorReference {
  const timeScale = options.timeScale ?? 1;
  const clock = options.clock ?? createClock({ timeScale });
  const root = new Random(options.seed ?? 1);
  const jwtSecret = options.secrets?.jwtSecret ?? new Uint8Array(randomBytes(32));
  const report = (error: Error, info?: RuntimeEventInfo) => {
    try {
      options.onError?.(error, info);
    } catch {
      // A failing hook must not take the server down.
    }
  };
  const timers = new Timers(timeScale, report);
  const child = () => new Random(root.int(1, 0x7fffffff));

  // ---- state ----
  const runRandoms = WORKFLOW_RUNS.map(() => child());
  const jobRandoms = DEPLOYMENT_JOBS.map(() => child());
  const brokerRandom = child();
  const dashboardRandom = child();

  let dashboard: Dashboard | undefined;
  const alert: Dashboard['alert'] = (...args) => dashboard?.alert(...args);

  const workflowRuns = new Map(
    WORKFLOW_RUNS.map((seed, i) => [
      seed.id,
      new Playback<WorkflowRunMessage>(seed.id, planWorkflowRun(seed, runRandoms[i]!, clock), timers, report, (m) => {
        if (m.type === 'workflow_completed' && m.status === 'failed')
          alert('error', 'Workflow Run Failed', `Workflow run ${seed.id} (${seed.workflow}) failed`, 'workflow_run', seed.id);
      }),
    ]),
  );
  const deploymentJobs = new Map(
    DEPLOYMENT_JOBS.map((seed, i) => [
      seed.id,
      new Playback<DeploymentJobMessage>(seed.id, planDeploymentJob(seed, jobRandoms[i]!, clock), timers, report, (m) => {
        if (m.type === 'job_completed' && m.status === 'failed')
          alert('warning', 'Deployment Failed', `Deployment job ${seed.id} (${seed.image}) failed on ${m.targetsFailed} target(s)`, 'deployment', seed.id);
      }),
    ]),
  );
  const broker = new AgentTaskBroker(brokerRandom, timers, {
    taskFailed: (r) =>
      alert(
        'error',
        'Agent Task Failed',
        `${r.task.taskType} task ${r.task.taskId} on ${r.agentId} failed: ${r.error ?? 'no reason given'}`,
        'agent',
        r.agentId,
      ),
    presenceChanged: (agentId, online) => {
      if (!online) alert('warning', 'Agent Offline', `Agent ${agentId} disconnected`, 'agent', agentId);
    },
  });
  const rules: AccessRules = { isAgent: (id) => broker.isAgent(id) };

  // ---- sending ----
  const unsubscribers = new WeakMap<object, () => void>();
  const agentConnections = new WeakMap<object, AgentConnection>();

  /** Tells the client the server failed (internal_error) and closes with 1011. */
  const fail = (peer: AnyPeer, error: Error) => {
    report(error);
    try {
      peer.send(errorPayload('internal_error', 'The server failed while producing the stream', clock.iso()));
    } catch (e) {
      report(e as Error);
    }
    peer.close(CLOSE_INTERNAL, 'internal error');
  };
  const sendTo = <P extends AnyPeer>(peer: P, message: Parameters<P['send']>[0]) => {
    try {
      (peer.send as (m: unknown) => void)(message);
    } catch (e) {
      fail(peer, e as Error);
    }
  };
  const emitDashboard = (message: DashboardMessage) => {
    // Several instances on one bus: only one sends the simulation's events, to everyone.
    if (options.fanOutSimulation === false) return;
    try {
      // Reaches only connections that are authenticated and authorised.
      stub.dashboardStream.broadcast(message);
      switch (message.type) {
        case 'metric_update':
          stub.dashboardEvents.publish('metric_update', message);
          break;
        case 'alert':
          stub.dashboardEvents.publish('alert', message);
          break;
        case 'promotion_update':
          stub.dashboardEvents.publish('promotion_update', message);
          break;
      }
    } catch (e) {
      report(e as Error);
    }
  };
  dashboard = new Dashboard(
    dashboardRandom,
    clock,
    timers,
    {
      agentsOnline: () => broker.agentsOnline,
      agentsTotal: () => broker.agentsTotal,
      queueDepth: () => broker.queueDepth,
      runningJobs: () => [...deploymentJobs.values()].filter((j) => j.state === 'running').length,
    },
    emitDashboard,
  );
  const board = dashboard;

  const onReport = (peer: AgentTaskStreamPeer, message: AgentReport) => {
    const verdict = broker.report(peer.params.id, message);
    if (!verdict.ok) sendTo(peer, errorPayload('invalid_message', verdict.reason, clock.iso()));
  };
  const subscribe = <M, P extends WorkflowRunStreamPeer | DeploymentJobStreamPeer>(peer: P, playback: Playback<M> | undefined, deliver: (m: M) => void) => {
    if (!playback) return fail(peer, new Error(`no stream for ${peer.params.id}`));
    unsubscribers.set(peer, playback.subscribe({ event: deliver, failed: (e) => fail(peer, e) }));
  };
  const unsubscribe = (peer: object) => {
    unsubscribers.get(peer)?.();
    unsubscribers.delete(peer);
  };

  const stub = createReleaseOrchestratorServer({
    handlers: {
      workflowRunStream: {
        authorize: (peer) => refuseResource('workflow run', peer.params.id, workflowRuns.has(peer.params.id), peer.principal?.subject, rules),
        open: (peer) => subscribe(peer, workflowRuns.get(peer.params.id), (m) => sendTo(peer, m)),
        close: (peer) => unsubscribe(peer),
      },
      deploymentJobStream: {
        authorize: (peer) => refuseResource('deployment job', peer.params.id, deploymentJobs.has(peer.params.id), peer.principal?.subject, rules),
        open: (peer) => subscribe(peer, deploymentJobs.get(peer.params.id), (m) => sendTo(peer, m)),
        close: (peer) => unsubscribe(peer),
      },
      agentTaskStream: {
        authorize: (peer) => refuseAgentStream(peer.params.id, peer.principal?.subject, rules),
        open: (peer) => {
          const connection: AgentConnection = { agentId: peer.params.id, send: (m) => sendTo(peer, m) };
          agentConnections.set(peer, connection);
          broker.connect(connection);
        },
        close: (peer) => {
          const connection = agentConnections.get(peer);
          if (connection) broker.disconnect(connection);
          agentConnections.delete(peer);
        },
        onAgentTaskProgress: onReport,
        onAgentTaskLog: onReport,
        onAgentTaskCompleted: onReport,
      },
      dashboardStream: {
        authorize: (peer) => refuseDashboard(peer.principal?.subject, rules),
        open: (peer) => sendTo(peer, board.snapshot()),
      },
      dashboardEvents: {
        authorize: (peer) => (refuseDashboard(peer.principal?.subject, rules) ? { httpStatus: 403 } : undefined),
        open: (peer) => {
          // A resumed client gets what it missed by replay; a new one starts from the current metrics.
          if (!peer.resumed) peer.send('metric_update', board.snapshot());
        },
      },
    },
    auth: { jwtSecret },
    errorMessage: (_channel, code, message) => errorPayload(code, message, clock.iso()),
    heartbeatMessage: (channel): Heartbeat | undefined => (WS_CHANNELS.has(channel) ? { type: 'heartbeat', timestamp: clock.iso() } : undefined),
    invalidFrameErrorCode: (channel) => (WS_CHANNELS.has(channel) ? 'invalid_message' : undefined),
    timeScale,
    ...(options.pages ? { pages: options.pages } : {}),
    cors: options.cors,
    onError: (error, info) => report(error, info),
    bus: options.bus,
  });

  let started = false;
  let closed: Promise<void> | undefined;
  const token = (sub: string) => signJwt({ sub }, jwtSecret, { expiresIn: '12h' });

  return {
    api: 'release-orchestrator',
    stub,
    broker,
    dashboard: board,
    workflowRuns,
    deploymentJobs,
    token,
    async listen(port, host) {
      const address = await stub.listen(port, host);
      if (!started) {
        started = true;
        broker.start();
        board.start();
      }
      return address;
    },
    close() {
      closed ??= (async () => {
        timers.clear();
        await stub.close();
      })();
      return closed;
    },
    urls(origin) {
      const base = origin.replace(/\/+$/, '');
      const ws = base.replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
      return [
        ...WORKFLOW_RUN_IDS.map((id) => `${ws}/api/v1/workflow-runs/${id}/stream`),
        ...DEPLOYMENT_JOB_IDS.map((id) => `${ws}/api/v1/deployment-jobs/${id}/stream`),
        ...AGENT_IDS.map((id) => `${ws}/api/v1/agents/${id}/task-stream`),
        `${ws}/api/v1/dashboard/stream`,
        `${base}/api/v1/dashboard/stream`,
      ];
    },
    async credentials(options?: CredentialOptions): Promise<DevCredential[]> {
      // The user first (the default of each scheme), then every agent: an agent's task stream
      // needs sub = agent id, and an agent is the principal the dashboard refuses.
      const out: DevCredential[] = [];
      const user = await devJwt(jwtSecret, DEV_SUBJECT, options);
      out.push(
        {
          scheme: 'queryToken',
          usage: `?token=<value> on the WebSocket URLs of workflow runs, deployment jobs and the dashboard (sub ${DEV_SUBJECT})`,
          ...user,
        },
        { scheme: 'firstMessageToken', usage: 'first frame {"type":"auth","token":"<value>"} within 5 s, on a WebSocket URL without ?token=', ...user },
        { scheme: 'bearerHeader', usage: 'Authorization: Bearer <value> on GET /api/v1/dashboard/stream (SSE)', ...user },
      );
      for (const agent of AGENT_IDS) {
        const jwt = await devJwt(jwtSecret, agent, options);
        out.push(
          { scheme: 'queryToken', usage: `?token=<value> on /api/v1/agents/${agent}/task-stream (sub ${agent}; an agent stream needs sub = agent id)`, ...jwt },
          { scheme: 'firstMessageToken', usage: `first frame {"type":"auth","token":"<value>"} on /api/v1/agents/${agent}/task-stream (sub ${agent})`, ...jwt },
          {
            scheme: 'bearerHeader',
            usage: `Authorization: Bearer <value> as ${agent} (not a dashboard principal: GET /api/v1/dashboard/stream answers 403)`,
            ...jwt,
          },
        );
      }
      return out;
    },
  };
}
