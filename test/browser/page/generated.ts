/**
 * The deliverable: the same four browser auth paths, through the generated clients
 * (`generated/<api>/client.gen.ts`). The page only says which credential it has; choosing how a
 * browser carries it (query, subprotocol, first message, fetch-stream with a header, a cookie
 * with EventSource) is the client's job.
 */
import { createAgentWorkspaceClient } from '../../../generated/agent-workspace/client.gen.ts';
import { createAgnt5Client } from '../../../generated/agnt5/client.gen.ts';
import { createReleaseOrchestratorClient } from '../../../generated/release-orchestrator/client.gen.ts';
import { createSteadybaseClient } from '../../../generated/steadybase/client.gen.ts';
import type { PageConfig, PageResults } from './protocol.ts';
import { Recorder, runApis } from './recorder.ts';

/** What every generated connection offers for watching it (WebSocket and SSE alike). */
interface Watchable<Item> {
  onAny(handler: (item: Item) => void): () => void;
  onState(name: 'open', handler: (e: { reconnected: boolean; scheme: string | undefined }) => void): () => void;
  onState(name: 'reconnecting', handler: (e: { attempt: number; delayMs: number; error: Error }) => void): () => void;
  onState(name: 'closed', handler: (e: { code: number; reason: string; httpStatus?: number; error?: Error }) => void): () => void;
  onState(name: 'error', handler: (e: Error) => void): () => void;
}

/** Records every state change and reported error of a connection, and each item by `tagOf`. */
function watch<Item>(rec: Recorder, connection: Watchable<Item>, tagOf: (item: Item) => { tag: string; data: unknown }): void {
  connection.onAny((item) => {
    const { tag, data } = tagOf(item);
    rec.event(tag, data);
  });
  connection.onState('open', (e) => {
    rec.state('open');
    rec.note('scheme', e.scheme ?? null);
    if (e.reconnected) rec.note('reconnected', true);
  });
  connection.onState('reconnecting', (e) => rec.state('reconnecting', undefined, `attempt ${e.attempt} in ${Math.round(e.delayMs)} ms: ${e.error.message}`));
  connection.onState('closed', (e) => {
    rec.state('closed', e.code, e.reason);
    if (e.httpStatus !== undefined) rec.note('httpStatus', e.httpStatus);
    if (e.error) rec.note('closedWith', (e.error as Error & { code?: string }).code ?? e.error.name);
  });
  connection.onState('error', (e) => rec.error(e));
}

const wsItem = (item: unknown) => ({ tag: String((item as { type?: unknown }).type), data: item });
const sseItem = (item: { event: string; data: unknown }) => ({ tag: item.event, data: item.data });
const closedFor = (rec: Recorder) => () => rec.report.states.some((s) => s.state === 'closed');

async function steadybase(c: PageConfig, deadline: number) {
  // Only the header scheme's credential is given: in a browser the client must carry it as
  // ?access_token, the alternative the contract names (x-sw-auth.browser).
  const client = createSteadybaseClient({ baseUrl: c.steadybase.origin, auth: { bearerJwt: c.steadybase.token }, timeScale: c.timeScale });
  const stream = new Recorder('generated client: events, bearerJwt given (browser: ?access_token)');
  const events = client.events();
  watch(stream, events, wsItem);
  // Typed handlers: the narrowed message type is what lets these fields be read.
  events.on('worker-status', (m) => stream.note('workerStatus', `${m.workerId}:${m.status}`));
  events.on('workflow-progress', (m) => stream.note('workflowProgress', m.workflowId));
  await stream.waitFor(() => stream.has('worker-status') && stream.has('workflow-progress'), deadline);
  await client.close();
  return { stream: stream.report };
}

async function releaseOrchestrator(c: PageConfig, deadline: number) {
  const { origin, token, runId } = c.releaseOrchestrator;
  const client = createReleaseOrchestratorClient({ baseUrl: origin, timeScale: c.timeScale });

  const run = new Recorder('generated client: workflowRunStream, queryToken');
  const runStream = client.workflowRunStream({ id: runId }, { auth: { queryToken: token } });
  watch(run, runStream, wsItem);
  runStream.on('workflow_completed', (m) => run.note('runStatus', m.status));

  const dashboard = new Recorder('generated client: dashboardStream, firstMessageToken');
  const dashStream = client.dashboardStream({}, { auth: { firstMessageToken: token } });
  watch(dashboard, dashStream, wsItem);
  let heartbeats = 0;
  dashStream.on('heartbeat', () => void heartbeats++);

  const sse = new Recorder('generated client: dashboardEvents (SSE), bearerHeader');
  const sseStream = client.dashboardEvents({}, { auth: { bearerHeader: token } });
  watch(sse, sseStream, sseItem);
  sseStream.on('metric_update', (m) => sse.note('activeDeployments', m.metrics.activeDeployments));

  const badToken = new Recorder('generated client: workflowRunStream, queryToken <invalid>');
  const badRun = client.workflowRunStream({ id: runId }, { auth: { queryToken: 'not-a-jwt' } });
  watch(badToken, badRun, wsItem);

  const badBearer = new Recorder('generated client: dashboardEvents (SSE), bearerHeader <invalid>');
  const badSse = client.dashboardEvents({}, { auth: { bearerHeader: 'not-a-jwt' } });
  watch(badBearer, badSse, sseItem);

  // Three heartbeats span more than the server's pong timeout (2 × the interval): the
  // connection still being open then shows the client answered them.
  await Promise.all([
    run.waitFor(() => run.has('workflow_completed'), deadline),
    dashboard.waitFor(() => dashboard.has('metric_update') && heartbeats >= 3, deadline),
    sse.waitFor(() => sse.has('metric_update'), deadline),
    badToken.waitFor(closedFor(badToken), deadline),
    badBearer.waitFor(closedFor(badBearer), deadline),
  ]);
  dashboard.note('heartbeats', heartbeats);
  dashboard.note('stateWhenDone', dashStream.state);
  // A retry would come within the contract's first backoff step (scaled); wait past it.
  await badToken.quiet(c.quietMs, deadline);
  await client.close();
  return { run: run.report, dashboard: dashboard.report, dashboardSse: sse.report, badToken: badToken.report, badBearer: badBearer.report };
}

async function agnt5(c: PageConfig, deadline: number) {
  const client = createAgnt5Client({ baseUrl: c.agnt5.origin, auth: { apiKeySubprotocol: c.agnt5.apiKey }, timeScale: c.timeScale });
  const rec = new Recorder('generated client: workflow, apiKeySubprotocol');
  const socket = client.workflow({ 'x-wf-endpoint': c.agnt5.endpoint });
  watch(rec, socket, wsItem);
  socket.on('execution_started', (m) => rec.note('executionId', m.data.execution_id));
  // Queued until the socket opens, then sent.
  await socket.send({ name: c.agnt5.workflow }).then(
    () => rec.sent('invoke'),
    (e: unknown) => rec.error(e),
  );
  await rec.waitFor(() => ['execution_completed', 'execution_failed', 'execution_cancelled'].some((t) => rec.has(t)), deadline);
  await client.close();
  return { workflow: rec.report };
}

async function agentWorkspace(c: PageConfig, deadline: number) {
  // No credential given: the browser's session cookie is the credential (EventSource withCredentials).
  const client = createAgentWorkspaceClient({ baseUrl: c.agentWorkspace.origin, timeScale: c.timeScale });
  const rec = new Recorder('generated client: fleetStream (SSE), session cookie');
  const stream = client.fleetStream();
  watch(rec, stream, sseItem);
  stream.on('fleet_snapshot', (runs) => rec.note('snapshotRuns', runs.length));
  stream.on('heartbeat', (h) => rec.note('heartbeatTs', h.ts));
  await rec.waitFor(() => rec.has('fleet_snapshot') && rec.has('heartbeat'), deadline);
  rec.note('lastEventId', stream.lastEventId);
  await client.close();
  return { stream: rec.report };
}

export function runGenerated(config: PageConfig): Promise<PageResults> {
  return runApis(config, { steadybase, 'release-orchestrator': releaseOrchestrator, agnt5, 'agent-workspace': agentWorkspace });
}

/**
 * agent-workspace without a valid session: the server answers 401, which an EventSource hides
 * from script. The client must still end with SW_AUTH_REJECTED rather than retry.
 */
export async function runRefusedSession(config: PageConfig): Promise<PageResults> {
  const deadline = Date.now() + config.deadlineMs;
  const client = createAgentWorkspaceClient({ baseUrl: config.agentWorkspace.origin, timeScale: config.timeScale });
  const rec = new Recorder('generated client: fleetStream (SSE), no session cookie');
  watch(rec, client.fleetStream(), sseItem);
  await rec.waitFor(closedFor(rec), deadline);
  await rec.quiet(config.quietMs, deadline);
  await client.close();
  return { 'agent-workspace': { refused: rec.report } };
}
