/**
 * The harness's baseline: the same four browser auth paths with nothing but the browser's own
 * WebSocket, EventSource and fetch. If this passes and the generated clients fail, the fault is in
 * the clients, not in the servers, the proxy or the browser set-up.
 */
import type { PageConfig, PageResults } from './protocol.ts';
import { Recorder, runApis } from './recorder.ts';

const wsOrigin = (origin: string) => origin.replace(/^http/, 'ws');

/** A WebSocket whose JSON frames are recorded by their `type`; `onFrame` may answer them. */
function openSocket(rec: Recorder, url: string, protocols?: string[], onFrame?: (ws: WebSocket, frame: { type?: unknown }) => void): WebSocket {
  const ws = new WebSocket(url, protocols);
  ws.addEventListener('open', () => {
    rec.state('open');
    rec.note('protocol', ws.protocol);
  });
  ws.addEventListener('message', (e: MessageEvent) => {
    let frame: { type?: unknown };
    try {
      frame = JSON.parse(String(e.data)) as { type?: unknown };
    } catch {
      return rec.error(new Error(`not JSON: ${String(e.data).slice(0, 80)}`));
    }
    rec.event(String(frame.type), frame);
    onFrame?.(ws, frame);
  });
  ws.addEventListener('error', (e) => rec.error(e));
  ws.addEventListener('close', (e: CloseEvent) => rec.state('closed', e.code, e.reason));
  return ws;
}

const send = (rec: Recorder, ws: WebSocket, message: { type?: string } & Record<string, unknown>, tag = message.type ?? '(untagged)') => {
  ws.send(JSON.stringify(message));
  rec.sent(tag);
};

const answerHeartbeat = (rec: Recorder) => (ws: WebSocket, frame: { type?: unknown }) => {
  if (frame.type === 'heartbeat') send(rec, ws, { type: 'pong' });
};

async function steadybase(c: PageConfig, deadline: number) {
  const stream = new Recorder('native WebSocket, ?access_token');
  const ws = openSocket(stream, `${wsOrigin(c.steadybase.origin)}/ws?access_token=${encodeURIComponent(c.steadybase.token)}`);
  await stream.waitFor(() => stream.has('worker-status') && stream.has('workflow-progress'), deadline);
  ws.close(1000);
  return { stream: stream.report };
}

async function releaseOrchestrator(c: PageConfig, deadline: number) {
  const base = wsOrigin(c.pageOrigin);
  const token = encodeURIComponent(c.releaseOrchestrator.token);

  const run = new Recorder('native WebSocket via same-origin proxy, ?token');
  const runWs = openSocket(run, `${base}/api/v1/workflow-runs/${c.releaseOrchestrator.runId}/stream?token=${token}`, undefined, answerHeartbeat(run));

  const dashboard = new Recorder('native WebSocket via same-origin proxy, first-message auth');
  const dashWs = openSocket(dashboard, `${base}/api/v1/dashboard/stream`, undefined, answerHeartbeat(dashboard));
  dashWs.addEventListener('open', () => send(dashboard, dashWs, { type: 'auth', token: c.releaseOrchestrator.token }));

  const sse = new Recorder('fetch-stream SSE via same-origin proxy, Authorization: Bearer');
  const sseAbort = new AbortController();
  const sseDone = fetchSse(sse, `${c.pageOrigin}/api/v1/dashboard/stream`, { Authorization: `Bearer ${c.releaseOrchestrator.token}` }, sseAbort.signal);

  const badToken = new Recorder('native WebSocket, ?token=<invalid>');
  openSocket(badToken, `${base}/api/v1/workflow-runs/${c.releaseOrchestrator.runId}/stream?token=not-a-jwt`);

  const badBearer = new Recorder('fetch-stream SSE, Authorization: Bearer <invalid>');
  const badDone = fetchSse(badBearer, `${c.pageOrigin}/api/v1/dashboard/stream`, { Authorization: 'Bearer not-a-jwt' }, new AbortController().signal);

  await Promise.all([
    run.waitFor(() => run.has('workflow_completed') && run.report.sent.includes('pong'), deadline).then(() => runWs.close(1000)),
    dashboard.waitFor(() => dashboard.has('metric_update') && dashboard.has('heartbeat'), deadline).then(() => dashWs.close(1000)),
    sse.waitFor(() => sse.has('metric_update'), deadline).then(() => sseAbort.abort()),
    badToken.waitFor(() => badToken.report.states.some((s) => s.state === 'closed'), deadline),
    badDone,
  ]);
  await sseDone;
  return { run: run.report, dashboard: dashboard.report, dashboardSse: sse.report, badToken: badToken.report, badBearer: badBearer.report };
}

async function agnt5(c: PageConfig, deadline: number) {
  const rec = new Recorder('native WebSocket, subprotocol x-api-key.<key>');
  const url = `${wsOrigin(c.agnt5.origin)}/ws?x-wf-endpoint=${encodeURIComponent(c.agnt5.endpoint)}`;
  const ws = openSocket(rec, url, [`x-api-key.${c.agnt5.apiKey}`]);
  ws.addEventListener('open', () => send(rec, ws, { name: c.agnt5.workflow }, 'invoke'));
  await rec.waitFor(() => ['execution_completed', 'execution_failed', 'execution_cancelled'].some((t) => rec.has(t)), deadline);
  ws.close(1000);
  return { workflow: rec.report };
}

async function agentWorkspace(c: PageConfig, deadline: number) {
  const rec = new Recorder('native EventSource via same-origin proxy, session cookie');
  const source = new EventSource(`${c.agentWorkspace.origin}/api/agent-workspace/stream`, { withCredentials: true });
  source.addEventListener('open', () => rec.state('open'));
  source.addEventListener('error', (e) => {
    rec.error(e);
    if (source.readyState === EventSource.CLOSED) rec.state('closed');
  });
  for (const tag of ['fleet_snapshot', 'fleet_update', 'fleet_logs', 'heartbeat', 'error']) {
    source.addEventListener(tag, (e) => {
      const m = e as MessageEvent;
      try {
        rec.event(tag, JSON.parse(String(m.data)));
      } catch {
        rec.error(new Error(`${tag} data is not JSON`));
      }
      rec.note('lastEventId', m.lastEventId);
    });
  }
  await rec.waitFor(() => rec.has('fleet_snapshot') && rec.has('heartbeat'), deadline);
  source.close();
  return { stream: rec.report };
}

/** Minimal text/event-stream reader over fetch (EventSource cannot send a bearer header). */
async function fetchSse(rec: Recorder, url: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal, cache: 'no-store' });
  } catch (e) {
    return rec.error(e);
  }
  rec.note('status', response.status);
  if (!response.ok || !response.body) {
    rec.error(Object.assign(new Error(`HTTP ${response.status}`), { status: response.status }));
    return rec.state('closed', response.status);
  }
  rec.state('open');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) rec.event(event, JSON.parse(data.join('\n')) as unknown);
      }
    }
  } catch (e) {
    if (!signal.aborted) rec.error(e);
  }
  rec.state('closed');
}

export function runNative(config: PageConfig): Promise<PageResults> {
  return runApis(config, { steadybase, 'release-orchestrator': releaseOrchestrator, agnt5, 'agent-workspace': agentWorkspace });
}
