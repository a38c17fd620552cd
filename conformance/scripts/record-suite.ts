/**
 * Records the conformance suite of the four seed APIs: starts each reference server in-process
 * (fixed seed, fixed secrets, small timeScale), puts the recording proxy in front of it, drives
 * one scenario per transcript through the proxy with plain `ws` / node:http clients, and writes
 * conformance/recordings/<api>/<scenario>.jsonl.
 *
 *   node --conditions=streamwright-source --import tsx conformance/scripts/record-suite.ts [--out DIR] [api ...]
 *
 * Deterministic as far as the servers are: same seed, same secrets, same scenario order, a fixed
 * `recordedAt`; what still varies between runs is the timing (`t`) and, on simulation-driven
 * streams, how many periodic messages fall inside a scenario.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgentWorkspaceReference } from '../../reference-server/agent-workspace/index.ts';
import { createAgnt5Reference } from '../../reference-server/agnt5/index.ts';
import { AGENT_IDS, createReleaseOrchestratorReference, DEPLOYMENT_JOB_IDS, WORKFLOW_RUN_IDS } from '../../reference-server/release-orchestrator/index.ts';
import { createSteadybaseReference } from '../../reference-server/steadybase/index.ts';
import { signJwt } from '../../runtime/auth/index.ts';
import type { ReferenceServer } from '../../reference-server/index.ts';
import { TARGET_ORIGIN } from '../src/conform/replay.ts';
import { loadRecordingContract } from '../src/record/contract.ts';
import { RecordingProxy } from '../src/record/proxy.ts';
import type { RecordedConnection } from '../src/record/session.ts';
import { serializeTranscript } from '../src/transcript.ts';
import { postJson, sseClient, wsClient, type Json } from './clients.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITE_DIR = path.join(ROOT, 'conformance/recordings');
export const SUITE_APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'] as const;
export type SuiteApi = (typeof SUITE_APIS)[number];

/** Fixed so that two runs record the same traffic; they are development secrets of a throwaway server. */
const JWT_SECRET = new TextEncoder().encode('streamwright-suite-recording-secret-0001');
const AGNT5_KEY = 'agnt5_suite_0123456789abcdef0123456789abcdef';
const SESSION = 'suite-session-0123456789abcdefghijklmnop';
const RECORDED_AT = new Date('2026-01-01T00:00:00.000Z');
const SEED = 1;
const TIME_SCALE = 0.01;

export interface SuiteOptions {
  outDir?: string;
  apis?: readonly SuiteApi[];
  timeScale?: number;
  log?: (line: string) => void;
}

export interface SuiteResult {
  api: SuiteApi;
  file: string;
  connection: RecordedConnection;
}

interface Harness {
  /** ws://127.0.0.1:<proxy> */
  ws: string;
  /** http://127.0.0.1:<proxy> */
  http: string;
  /** http://127.0.0.1:<server>: helpers that must not be recorded go there directly. */
  direct: string;
  directWs: string;
}

type Scenario = { name: string; description: string; run: (h: Harness) => Promise<void> };

export async function recordSuite(o: SuiteOptions = {}): Promise<SuiteResult[]> {
  const out = o.outDir ?? SUITE_DIR;
  const scale = o.timeScale ?? TIME_SCALE;
  const results: SuiteResult[] = [];
  for (const api of o.apis ?? SUITE_APIS) {
    const { server, scenarios } = await setup(api, scale);
    const loaded = await loadRecordingContract(path.join(ROOT, 'spec', `${api}.asyncapi.yaml`));
    if ('diagnostics' in loaded) throw new Error(`${api}: the contract does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    const { port } = await server.listen(0, '127.0.0.1');
    const proxy = new RecordingProxy({ contract: loaded.contract, upstream: `http://127.0.0.1:${port}`, now: () => RECORDED_AT, timeScale: scale });
    const { port: proxyPort } = await proxy.listen(0, '127.0.0.1');
    const h: Harness = {
      ws: `ws://127.0.0.1:${proxyPort}`,
      http: `http://127.0.0.1:${proxyPort}`,
      direct: `http://127.0.0.1:${port}`,
      directWs: `ws://127.0.0.1:${port}`,
    };
    const dir = path.join(out, api);
    await mkdir(dir, { recursive: true });
    for (const f of await readdir(dir)) if (f.endsWith('.jsonl')) await rm(path.join(dir, f));
    const principals = Object.fromEntries(scenarios.filter((s) => SUBJECTS[s.name] !== undefined).map((s) => [s.name, SUBJECTS[s.name]!]));
    if (Object.keys(principals).length > 0) {
      // Which principal each transcript was recorded as: `conform` presents that principal's
      // credential (from `serve --json`) when it replays one. Every other one is the default.
      await writeFile(
        path.join(dir, 'principals.json'),
        JSON.stringify(
          { description: 'transcript name → the principal (JWT sub) it was recorded as; the others as the default principal', ...principals },
          null,
          2,
        ) + '\n',
        'utf8',
      );
    }
    try {
      for (const s of scenarios) {
        await s.run(h);
        await proxy.settled();
        const recorded = proxy.take();
        if (recorded.length !== 1) throw new Error(`${api}/${s.name}: expected one recorded connection, got ${recorded.length}`);
        const connection = recorded[0]!;
        connection.transcript.header.name = s.name;
        connection.transcript.header.description = s.description;
        const serverViolations = connection.violations.filter((v) => v.dir === 'server');
        if (serverViolations.length > 0) throw new Error(`${api}/${s.name}: the reference server broke the contract: ${JSON.stringify(serverViolations)}`);
        // The suite's page is the server's own: replays send the target's origin in its place.
        const headers = connection.transcript.handshake.requestHeaders;
        if (headers.origin === PAGE_ORIGIN) headers.origin = TARGET_ORIGIN;
        const file = path.join(dir, `${s.name}.jsonl`);
        await writeFile(file, serializeTranscript(connection.transcript), 'utf8');
        results.push({ api, file, connection });
        o.log?.(
          `${path.relative(ROOT, file)}  ${connection.transcript.events.length} events${connection.violations.length ? `, ${connection.violations.length} client violations (intended)` : ''}`,
        );
      }
    } finally {
      await proxy.close();
      await server.close();
    }
  }
  return results;
}

/**
 * A reference server configured exactly as when the suite was recorded (seed, secrets, scale):
 * what a replay of conformance/recordings/<api>/ must run against to see the same traffic.
 */
/** The origin of the page the agent-workspace transcripts were recorded from. */
export const PAGE_ORIGIN = 'http://localhost:3003';

export function suiteServer(api: SuiteApi, o: { timeScale?: number } = {}): ReferenceServer {
  const timeScale = o.timeScale ?? TIME_SCALE;
  switch (api) {
    case 'steadybase':
      return createSteadybaseReference({ seed: SEED, timeScale, secrets: { jwtSecret: JWT_SECRET } });
    case 'release-orchestrator':
      return createReleaseOrchestratorReference({ seed: SEED, timeScale, secrets: { jwtSecret: JWT_SECRET } });
    case 'agnt5':
      return createAgnt5Reference({ seed: SEED, timeScale, secrets: { apiKeys: [AGNT5_KEY] } });
    case 'agent-workspace':
      // The recording's page origin is allowed beside the server's own origins (wherever it
      // listens), which replays send in its place (`<origin>`).
      return createAgentWorkspaceReference({ seed: SEED, timeScale, secrets: { sessions: { [SESSION]: 'dev-user' } }, cors: { origins: [PAGE_ORIGIN] } });
  }
}

/** JWT subject per release-orchestrator scenario (default dev-user): agent streams need the agent's own token. */
const SUBJECTS: Readonly<Record<string, string>> = {
  'agent-task-stream': AGENT_IDS[0]!,
  'agent-task-invalid-message': AGENT_IDS[0]!,
  'agent-task-first-message-auth': AGENT_IDS[1]!,
  'agent-task-forbidden': AGENT_IDS[0]!,
  'dashboard-events-forbidden': AGENT_IDS[0]!,
};

/**
 * The credentials a replay of one suite transcript presents against `suiteServer(api)`, by
 * security scheme id (what its `<credential:SCHEME_ID>` placeholders stand for).
 */
export async function suiteCredentials(api: SuiteApi, scenario: string): Promise<Record<string, string>> {
  switch (api) {
    case 'steadybase': {
      const jwt = await token('dev-user');
      return { bearerJwt: jwt, accessTokenQuery: jwt };
    }
    case 'release-orchestrator': {
      const jwt = await token(SUBJECTS[scenario] ?? 'dev-user');
      return { queryToken: jwt, firstMessageToken: jwt, bearerHeader: jwt };
    }
    case 'agnt5':
      return { apiKeySubprotocol: AGNT5_KEY };
    case 'agent-workspace':
      return { sessionCookie: SESSION };
  }
}

async function setup(api: SuiteApi, scale: number): Promise<{ server: ReferenceServer; scenarios: Scenario[] }> {
  const server = suiteServer(api, { timeScale: scale });
  switch (api) {
    case 'steadybase':
      return { server, scenarios: await steadybase() };
    case 'release-orchestrator':
      return { server, scenarios: await releaseOrchestrator(scale) };
    case 'agnt5':
      return { server, scenarios: agnt5() };
    case 'agent-workspace':
      return { server, scenarios: agentWorkspace(server as ReturnType<typeof createAgentWorkspaceReference>) };
  }
}

const token = (sub: string, expiresIn = '12h') => signJwt({ sub }, JWT_SECRET, { expiresIn });
const types = (messages: Json[]) => new Set(messages.map((m) => m.type as string));

// ─── steadybase ──────────────────────────────────────────────────────────────────────────────────

async function steadybase(): Promise<Scenario[]> {
  const jwt = await token('dev-user');
  const seen = ['worker-status', 'workflow-progress', 'drew-update', 'approval-required'];
  return [
    {
      name: 'events-bearer-header',
      description:
        'JWT in the Authorization header; the simulation pushes every server message type; a POST /api/tasks/status (through the proxy) is broadcast as task-update.',
      async run(h) {
        const c = wsClient(`${h.ws}/ws`, { headers: { authorization: `Bearer ${jwt}` } });
        await c.opened();
        await c.until(() => c.messages.length > 0, 'a first event');
        const posted = await postJson(
          `${h.http}/api/tasks/status`,
          { taskId: 'task-suite-1', status: 'completed', message: 'recorded by the suite' },
          { authorization: `Bearer ${jwt}` },
        );
        if (posted.status !== 202) throw new Error(`POST /api/tasks/status answered ${posted.status} ${posted.body}`);
        await c.until(
          () => seen.every((t) => types(c.messages).has(t)) && c.ofType('task-update').length > 0,
          `every message type (${seen.join(', ')}, task-update)`,
          60_000,
        );
        await c.close(1000, 'done');
      },
    },
    {
      name: 'events-query-token',
      description: 'JWT in the access_token query parameter (browsers); a few events, then the client closes.',
      async run(h) {
        const c = wsClient(`${h.ws}/ws?access_token=${jwt}`);
        await c.opened();
        await c.until(() => c.messages.length >= 3, 'three events');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'events-client-frames',
      description:
        'Client frames, which this API does not accept: not JSON, binary and a JSON array get invalid_message, a JSON object unsupported_message; the connection stays open.',
      async run(h) {
        const c = wsClient(`${h.ws}/ws`, { headers: { authorization: `Bearer ${jwt}` } });
        await c.opened();
        c.sendRaw('not json');
        c.sendRaw(Buffer.from([1, 2, 3]), true);
        c.sendRaw('[1,2,3]');
        c.send({ type: 'subscribe', topic: 'workers' });
        await c.until(() => c.ofType('error').length >= 4, 'four error answers');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'events-unauthorized',
      description: 'No credential: the upgrade is refused with HTTP 401.',
      async run(h) {
        const c = wsClient(`${h.ws}/ws`);
        await c.ended();
      },
    },
    {
      name: 'events-invalid-token',
      description: 'A JWT signed with another key: the upgrade is refused with HTTP 401.',
      async run(h) {
        const forged = await signJwt({ sub: 'dev-user' }, new TextEncoder().encode('not-the-server-secret-0123456789abcdef'), { expiresIn: '1h' });
        const c = wsClient(`${h.ws}/ws`, { headers: { authorization: `Bearer ${forged}` } });
        await c.ended();
      },
    },
  ];
}

// ─── release-orchestrator ────────────────────────────────────────────────────────────────────────

async function releaseOrchestrator(scale: number): Promise<Scenario[]> {
  const dev = await token('dev-user');
  const pong = (m: Json) => (m.type === 'heartbeat' ? { type: 'pong' } : undefined);
  const RUN = '/api/v1/workflow-runs';
  const JOB = '/api/v1/deployment-jobs';
  const DASH = '/api/v1/dashboard/stream';
  const agentPath = (id: string) => `/api/v1/agents/${id}/task-stream`;
  const [agentA, agentB] = [AGENT_IDS[0]!, AGENT_IDS[1]!];
  const outcomes = ['succeeded', 'failed', 'cancelled'];
  let lastEventId: string | undefined;

  const streamToEnd = (name: string, description: string, pathname: string, last: string, firstMessage: boolean): Scenario => ({
    name,
    description,
    async run(h) {
      const c = wsClient(`${h.ws}${pathname}${firstMessage ? '' : `?token=${dev}`}`, { pong });
      await c.opened();
      if (firstMessage) c.send({ type: 'auth', token: dev });
      await c.until(() => c.ofType(last).length > 0, last, 60_000);
      // One heartbeat after the end shows the stream stays open and alive.
      const beats = c.ofType('heartbeat').length;
      await c.until(() => c.ofType('heartbeat').length > beats, 'a heartbeat after the end', 60_000);
      await c.close(1000, 'done');
    },
  });

  return [
    ...WORKFLOW_RUN_IDS.map((id, i) =>
      streamToEnd(
        `workflow-run-${outcomes[i] ?? i}`,
        `Workflow run ${id} (${outcomes[i]}) from the first step to workflow_completed, ${i === 1 ? 'authenticated with a first auth message' : 'token in the query'}; the client answers every heartbeat with pong.`,
        `${RUN}/${id}/stream`,
        'workflow_completed',
        i === 1,
      ),
    ),
    ...DEPLOYMENT_JOB_IDS.map((id, i) =>
      streamToEnd(
        `deployment-job-${outcomes[i] ?? i}`,
        `Deployment job ${id} (${outcomes[i]}) target by target to job_completed, ${i === 1 ? 'authenticated with a first auth message' : 'token in the query'}; heartbeats answered.`,
        `${JOB}/${id}/stream`,
        'job_completed',
        i === 1,
      ),
    ),
    {
      name: 'agent-task-stream',
      description: `Agent ${agentA}: the server assigns tasks; the agent reports progress, a log line and completion of the first one; later the server cancels a task; heartbeats answered.`,
      async run(h) {
        const agent = await token(SUBJECTS['agent-task-stream']!);
        const c = wsClient(`${h.ws}${agentPath(agentA)}?token=${agent}`, { pong });
        await c.opened();
        await c.until(() => c.ofType('task_assigned').length > 0, 'task_assigned');
        const taskId = (c.ofType('task_assigned')[0]!.task as { taskId: string }).taskId;
        c.send({ type: 'task_progress', taskId, progress: 50, message: 'Pulling image layer 3/5' });
        c.send({ type: 'task_log', taskId, level: 'info', message: 'Image layer downloaded' });
        c.send({ type: 'task_completed', taskId, success: true, result: { imageId: 'sha256:0f3a' } });
        await c.until(() => c.ofType('task_cancelled').length > 0 && c.ofType('heartbeat').length > 0, 'task_cancelled and a heartbeat', 60_000);
        await c.close(1000, 'done');
      },
    },
    {
      name: 'agent-task-first-message-auth',
      description: `Agent ${agentB} authenticates with a first auth message, then fails a task it was assigned (task_completed with success false).`,
      async run(h) {
        const agent = await token(SUBJECTS['agent-task-first-message-auth']!);
        const c = wsClient(`${h.ws}${agentPath(agentB)}`, { pong });
        await c.opened();
        c.send({ type: 'auth', token: agent });
        await c.until(() => c.ofType('task_assigned').length > 0, 'task_assigned');
        const taskId = (c.ofType('task_assigned')[0]!.task as { taskId: string }).taskId;
        c.send({ type: 'task_progress', taskId, progress: 10, message: 'Starting' });
        c.send({ type: 'task_completed', taskId, success: false, error: 'health check timed out' });
        await c.until(() => c.ofType('heartbeat').length > 0, 'a heartbeat');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'agent-task-invalid-message',
      description: `Agent ${agentA}: reports that break the schema (progress 150, an unknown log level) and a report for a task never assigned are each answered with invalid_message; the connection stays open.`,
      async run(h) {
        const agent = await token(SUBJECTS['agent-task-invalid-message']!);
        const c = wsClient(`${h.ws}${agentPath(agentA)}?token=${agent}`, { pong });
        await c.opened();
        c.send({ type: 'task_progress', taskId: 'task-never-assigned', progress: 150, message: 'too far' });
        c.send({ type: 'task_log', taskId: 'task-never-assigned', level: 'fatal', message: 'bad level' });
        c.send({ type: 'task_completed', taskId: 'task-never-assigned', success: false, error: 'not mine' });
        await c.until(() => c.ofType('error').length >= 3, 'three invalid_message errors');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'agent-task-forbidden',
      description: `A token of ${agentA} on the task stream of ${agentB}: error forbidden, close 4403.`,
      async run(h) {
        const c = wsClient(`${h.ws}${agentPath(agentB)}?token=${await token(SUBJECTS['agent-task-forbidden']!)}`);
        await c.ended();
      },
    },
    {
      name: 'workflow-run-not-found',
      description: 'A workflow run id that does not exist: error not_found, close 4404.',
      async run(h) {
        const c = wsClient(`${h.ws}${RUN}/run-does-not-exist/stream?token=${dev}`);
        await c.ended();
      },
    },
    {
      name: 'workflow-run-unauthorized',
      description: 'A query token signed with another key: error unauthorized, close 4401.',
      async run(h) {
        const forged = await signJwt({ sub: 'dev-user' }, new TextEncoder().encode('not-the-server-secret-0123456789abcdef'), { expiresIn: '1h' });
        const c = wsClient(`${h.ws}${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${forged}`);
        await c.ended();
      },
    },
    {
      name: 'deployment-job-auth-not-first',
      description: 'No query token and a first frame that is not auth (a pong): error unauthorized, close 4401.',
      async run(h) {
        const c = wsClient(`${h.ws}${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream`);
        await c.opened();
        c.send({ type: 'pong' });
        await c.ended();
      },
    },
    {
      name: 'dashboard-auth-deadline',
      description: 'No query token and no auth message: error unauthorized and close 4401 once the 5000 ms deadline (scaled) passes.',
      async run(h) {
        const c = wsClient(`${h.ws}${DASH}`);
        await c.ended();
      },
    },
    {
      name: 'dashboard-stream',
      description: 'Dashboard over WebSocket: metric_update on connect and periodically, alerts and promotion updates as they happen, heartbeats answered.',
      async run(h) {
        const c = wsClient(`${h.ws}${DASH}?token=${dev}`, { pong });
        await c.opened();
        await c.until(
          () => ['metric_update', 'alert', 'promotion_update', 'heartbeat'].every((t) => types(c.messages).has(t)),
          'every dashboard message type',
          60_000,
        );
        await c.close(1000, 'done');
      },
    },
    {
      name: 'dashboard-invalid-message',
      description:
        'Authenticated with a first auth message; then frames that are not JSON or not a known message are answered with invalid_message; the connection stays open.',
      async run(h) {
        const c = wsClient(`${h.ws}${DASH}`, { pong });
        await c.opened();
        c.send({ type: 'auth', token: dev });
        await c.until(() => c.ofType('metric_update').length > 0, 'the first metric_update');
        c.sendRaw('not json');
        c.send({ type: 'subscribe' });
        await c.until(() => c.ofType('error').length >= 2, 'two invalid_message errors');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'dashboard-oversize',
      description: 'A frame of 65537 bytes, one over the contract limit: close 1009.',
      async run(h) {
        const c = wsClient(`${h.ws}${DASH}?token=${dev}`, { pong });
        await c.opened();
        await c.until(() => c.ofType('metric_update').length > 0, 'the first metric_update');
        c.sendRaw(JSON.stringify({ type: 'pong', padding: 'x'.repeat(65537 - 30) }).padEnd(65537, ' '));
        await c.ended();
      },
    },
    {
      name: 'workflow-run-pong-timeout',
      description: `A client that never answers heartbeats is closed with 4408 after 30 s (scaled by ${scale}).`,
      async run(h) {
        const c = wsClient(`${h.ws}${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${dev}`);
        await c.ended(60_000);
      },
    },
    {
      name: 'dashboard-events-sse',
      description:
        'Dashboard over SSE with a bearer token: retry first, metric_update, alerts, promotion updates, each with an id; keep-alive comments; the client disconnects.',
      async run(h) {
        const s = sseClient(`${h.http}${DASH}`, { authorization: `Bearer ${dev}` });
        await s.until(
          () => ['metric_update', 'alert', 'promotion_update'].every((e) => s.named(e).length > 0) && s.comments.length > 0,
          'every event type and a keep-alive comment',
          60_000,
        );
        lastEventId = s.events.filter((e) => e.id !== undefined).at(1)?.id;
        await s.close();
      },
    },
    {
      name: 'dashboard-events-resume',
      description: 'SSE reconnect with Last-Event-ID: the events published after that id are replayed, then the stream goes on live.',
      async run(h) {
        if (lastEventId === undefined) throw new Error('no event id recorded by dashboard-events-sse');
        const s = sseClient(`${h.http}${DASH}`, { authorization: `Bearer ${dev}`, 'last-event-id': lastEventId });
        await s.until(() => s.events.filter((e) => e.hasData).length >= 3, 'three events');
        await s.close();
      },
    },
    {
      name: 'dashboard-events-unauthorized',
      description: 'SSE without a credential: HTTP 401, no stream.',
      async run(h) {
        const s = sseClient(`${h.http}${DASH}`);
        await s.end();
      },
    },
    {
      name: 'dashboard-events-forbidden',
      description: 'SSE with an agent token, which may not view the dashboard: HTTP 403, no stream.',
      async run(h) {
        const s = sseClient(`${h.http}${DASH}`, { authorization: `Bearer ${await token(SUBJECTS['dashboard-events-forbidden']!)}` });
        await s.end();
      },
    },
  ];
}

// ─── agnt5 ───────────────────────────────────────────────────────────────────────────────────────

function agnt5(): Scenario[] {
  const endpoint = 'talent-scout-4f1a9c02';
  const url = (h: Harness, query = `?x-wf-endpoint=${endpoint}`) => `${h.ws}/ws${query}`;
  const key = [`x-api-key.${AGNT5_KEY}`];
  const execution = (name: string, description: string, invocation: Json, last: string): Scenario => ({
    name,
    description,
    async run(h) {
      const c = wsClient(url(h), { protocols: key });
      await c.opened();
      c.send(invocation);
      await c.until(() => c.ofType(last).length > 0, last);
      await c.close(1000, 'done');
    },
  });
  return [
    execution(
      'execution-completed',
      'search-candidates runs to execution_completed: workflow, task, llm and tool events in contract order.',
      { name: 'search-candidates', parameters: { query: 'senior rust engineer', limit: 5 } },
      'execution_completed',
    ),
    execution(
      'execution-tool-error',
      'A tool call fails three times: tool_error, task_error, workflow_error, execution_failed.',
      { name: 'search-candidates', parameters: { simulate: 'tool_error' } },
      'execution_failed',
    ),
    execution(
      'execution-llm-error',
      'An LLM call fails three times: llm_error, task_error, workflow_error, execution_failed.',
      { name: 'search-candidates', parameters: { simulate: 'llm_error' } },
      'execution_failed',
    ),
    execution(
      'execution-workflow-error',
      'Every task ends but the workflow rejects the output: workflow_error, execution_failed.',
      { name: 'search-candidates', parameters: { simulate: 'workflow_error' } },
      'execution_failed',
    ),
    execution(
      'execution-cancelled',
      'An operator cancels the execution in the middle of a task: execution_cancelled.',
      { name: 'search-candidates', parameters: { simulate: 'cancel' } },
      'execution_cancelled',
    ),
    execution(
      'execution-recover',
      'A tool call fails once, is retried and succeeds: the execution completes.',
      { name: 'search-candidates', parameters: { simulate: 'recover' } },
      'execution_completed',
    ),
    {
      name: 'two-executions',
      description: 'Two invocations on one connection: each answered in order with execution_started, events kept apart by execution_id.',
      async run(h) {
        const c = wsClient(url(h), { protocols: key });
        await c.opened();
        c.send({ name: 'search-candidates' });
        c.send({ name: 'search-candidates', parameters: { simulate: 'task_error' } });
        await c.until(() => c.ofType('execution_completed').length + c.ofType('execution_failed').length >= 2, 'both executions to end');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'unknown-workflow',
      description: 'An invocation of a workflow the endpoint does not have: error unknown_workflow; the connection stays open.',
      async run(h) {
        const c = wsClient(url(h), { protocols: key });
        await c.opened();
        c.send({ name: 'no-such-workflow' });
        await c.until(() => c.ofType('error').length > 0, 'the error');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'invalid-message',
      description:
        'Frames that are not an invocation (not JSON, binary, missing name, wrong type) are each answered with invalid_message; the connection stays open.',
      async run(h) {
        const c = wsClient(url(h), { protocols: key });
        await c.opened();
        c.sendRaw('not json');
        c.sendRaw(Buffer.from([0xde, 0xad]), true);
        c.send({ parameters: {} });
        c.send({ name: 42 });
        await c.until(() => c.ofType('error').length >= 4, 'four errors');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'rate-limited',
      description:
        '110 frames at once (each an invalid invocation, so no execution starts): the first 100 get invalid_message, the frames past 100 per second get rate_limited and are dropped; the connection stays open.',
      async run(h) {
        const c = wsClient(url(h), { protocols: key });
        await c.opened();
        for (let i = 0; i < 110; i++) c.send({ invalid: i });
        await c.until(() => c.ofType('error').length >= 110, '110 errors');
        await c.close(1000, 'done');
      },
    },
    {
      name: 'oversize',
      description: 'A frame of 65537 bytes, one over the 64 KiB limit: close 1009.',
      async run(h) {
        const c = wsClient(url(h), { protocols: key });
        await c.opened();
        c.sendRaw(JSON.stringify({ name: 'search-candidates', parameters: { padding: 'x'.repeat(65537) } }).slice(0, 65537));
        await c.ended();
      },
    },
    {
      name: 'unauthorized',
      description: 'No API key subprotocol: the upgrade is refused with HTTP 401.',
      async run(h) {
        const c = wsClient(url(h));
        await c.ended();
      },
    },
    {
      name: 'invalid-api-key',
      description: 'An API key the server does not know: the upgrade is refused with HTTP 401.',
      async run(h) {
        const c = wsClient(url(h), { protocols: ['x-api-key.agnt5_wrong_key_000000000000'] });
        await c.ended();
      },
    },
    {
      name: 'missing-endpoint',
      description: 'No x-wf-endpoint query parameter: the upgrade is refused with HTTP 400.',
      async run(h) {
        const c = wsClient(url(h, ''), { protocols: key });
        await c.ended();
      },
    },
    {
      name: 'unknown-endpoint',
      description: 'An endpoint that does not exist: the upgrade is refused with HTTP 404.',
      async run(h) {
        const c = wsClient(url(h, '?x-wf-endpoint=nowhere-00000000'), { protocols: key });
        await c.ended();
      },
    },
  ];
}

// ─── agent-workspace ─────────────────────────────────────────────────────────────────────────────

function agentWorkspace(server: ReturnType<typeof createAgentWorkspaceReference>): Scenario[] {
  const STREAM = '/api/agent-workspace/stream';
  const auth = { cookie: `session=${SESSION}`, origin: PAGE_ORIGIN };
  let lastEventId: string | undefined;
  return [
    {
      name: 'fleet-stream',
      description:
        'retry, fleet_snapshot, then at once fleet_logs; fleet_update and fleet_logs as the fleet changes, a heartbeat every 15 s (scaled); the server ends the stream at its maximum duration (300 s, scaled).',
      async run(h) {
        const s = sseClient(`${h.http}${STREAM}`, auth);
        await s.until(() => s.named('fleet_update').length > 0 && s.named('heartbeat').length > 0, 'fleet_update and heartbeat', 60_000);
        // Near the end (past the per-connection snapshot and its logs, which are not published): a
        // resume from it replays only what followed, and the file stays small.
        await s.end(60_000);
        lastEventId = s.events
          .filter((e) => e.id !== undefined && e.hasData)
          .slice(2)
          .at(-2)?.id;
      },
    },
    {
      name: 'fleet-resume',
      description: 'Reconnect with Last-Event-ID: the published events after that id are replayed, none lost or repeated; the client disconnects.',
      async run(h) {
        if (lastEventId === undefined) throw new Error('no event id recorded by fleet-stream');
        const s = sseClient(`${h.http}${STREAM}`, { ...auth, 'last-event-id': lastEventId });
        await s.until(() => s.events.filter((e) => e.hasData).length >= 3, 'three events');
        await s.close();
      },
    },
    {
      name: 'fleet-store-error',
      description: 'The initial state cannot be loaded: the error event instead of fleet_snapshot, then the stream ends.',
      async run(h) {
        server.fleet.setStoreFailing(true);
        try {
          const s = sseClient(`${h.http}${STREAM}`, auth);
          await s.end();
        } finally {
          server.fleet.setStoreFailing(false);
        }
      },
    },
    {
      name: 'fleet-unauthorized',
      description: 'No session cookie: HTTP 401, no stream.',
      async run(h) {
        const s = sseClient(`${h.http}${STREAM}`, { origin: auth.origin });
        await s.end();
      },
    },
    {
      name: 'fleet-invalid-session',
      description: 'A session the server does not know: HTTP 401, no stream.',
      async run(h) {
        const s = sseClient(`${h.http}${STREAM}`, { ...auth, cookie: 'session=unknown-session-000000000000' });
        await s.end();
      },
    },
    {
      name: 'fleet-origin-rejected',
      description: 'A valid session from an Origin not on the allow-list: HTTP 403, no stream.',
      async run(h) {
        const s = sseClient(`${h.http}${STREAM}`, { ...auth, origin: 'https://evil.example' });
        await s.end();
      },
    },
  ];
}

// ─── command line ────────────────────────────────────────────────────────────────────────────────

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
  const apis = args.filter((a, i) => a !== '--out' && (outAt < 0 || i !== outAt + 1)) as SuiteApi[];
  const unknown = apis.filter((a) => !(SUITE_APIS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`record-suite: unknown API ${unknown.join(', ')} (one of ${SUITE_APIS.join(', ')})\n`);
    process.exitCode = 2;
  } else {
    recordSuite({ ...(outDir ? { outDir } : {}), ...(apis.length ? { apis } : {}), log: (l) => process.stdout.write(l + '\n') }).then(
      (r) => process.stdout.write(`${r.length} transcripts\n`),
      (e: unknown) => {
        process.stderr.write(`record-suite: ${(e as Error).stack ?? String(e)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
