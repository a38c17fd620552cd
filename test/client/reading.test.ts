import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAgentWorkspaceClient } from '../../generated/agent-workspace/client.gen.ts';
import { createAgnt5Client } from '../../generated/agnt5/client.gen.ts';
import { createReleaseOrchestratorClient } from '../../generated/release-orchestrator/client.gen.ts';
import { createSteadybaseClient } from '../../generated/steadybase/client.gen.ts';
import type { InvalidEvent } from '../../runtime/client/index.ts';

// The reading policy (spec/README.md, "Reading"): a server message with a field the contract does
// not know and a value outside an open set is delivered, and the client reports both, with their
// pointers, as an `invalid` event of kind `unknown`. One case per API, against raw servers.
const SCALE = 0.01;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function rawWs(frames: readonly unknown[]): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (socket: WebSocket) => frames.forEach((f) => socket.send(JSON.stringify(f))));
  cleanups.push(() => new Promise((r) => wss.close(r)));
  cleanups.push(() => wss.clients.forEach((s) => s.terminate()));
  return `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

async function rawSse(events: readonly { event: string; data: unknown }[]): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    events.forEach((e, i) => res.write(`id: ${i + 1}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  cleanups.push(() => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface Reader {
  on(tag: string, handler: (message: unknown) => void): () => void;
  onState(name: 'invalid', handler: (event: InvalidEvent) => void): () => void;
  readonly invalidCounts: { unknown: number; invalid: number };
}

/** The first message of `tag` and the `invalid` event that came with it. */
async function read(channel: Reader, tag: string) {
  const reports: InvalidEvent[] = [];
  channel.onState('invalid', (e) => reports.push(e));
  const message = await new Promise((resolve) => channel.on(tag, resolve));
  return { message, reports };
}

const cases: [string, { tag: string; sent: unknown; sse?: true; open: (origin: string) => Reader; pointers: string[] }][] = [
  [
    'steadybase worker-status',
    {
      tag: 'worker-status',
      sent: { type: 'worker-status', workerId: 'sarah-ae-west', status: 'paused', region: 'eu-west', timestamp: '2026-03-04T10:00:00Z' },
      open: (origin) => {
        const c = createSteadybaseClient({ baseUrl: origin, auth: { bearerJwt: 'x' }, timeScale: SCALE });
        cleanups.push(() => c.close());
        return c.events() as unknown as Reader;
      },
      pointers: ['/status', '/region'],
    },
  ],
  [
    'release-orchestrator step_log',
    {
      tag: 'step_log',
      sent: { type: 'step_log', nodeId: 'deploy', line: 'Pulling image', level: 'trace', timestamp: '2026-01-10T14:23:50Z', attempt: 2 },
      open: (origin) => {
        const c = createReleaseOrchestratorClient({ baseUrl: origin, auth: { queryToken: 'x' }, timeScale: SCALE });
        cleanups.push(() => c.close());
        return c.workflowRunStream({ id: 'run-1' }) as unknown as Reader;
      },
      pointers: ['/level', '/attempt'],
    },
  ],
  [
    'agnt5 error (unknown code, extra field in data)',
    {
      tag: 'error',
      sent: { type: 'error', data: { timestamp: '2024-01-10T12:00:05Z', code: 'quota_exceeded', message: 'Monthly quota used up', retry_after: 60 } },
      open: (origin) => {
        const c = createAgnt5Client({ baseUrl: origin, auth: { apiKeySubprotocol: 'k' }, timeScale: SCALE });
        cleanups.push(() => c.close());
        return c.workflow({ 'x-wf-endpoint': 'coffee-shop-e66b8d23' }) as unknown as Reader;
      },
      pointers: ['/data/code', '/data/retry_after'],
    },
  ],
  [
    'agent-workspace fleet_snapshot (job status pending, a new run field)',
    {
      tag: 'fleet_snapshot',
      sent: [
        {
          id: 'run-1',
          projectId: 'p-1',
          projectName: 'Demo',
          status: 'implementing',
          startedAt: '2026-03-04T10:00:00Z',
          trigger: 'manual',
          triggerData: null,
          priority: 'high',
          jobs: [{ id: 'job-1', pipelineRunId: 'run-1', agentType: 'implementing', status: 'pending', startedAt: null, completedAt: null, error: null }],
          pendingInterventions: [],
        },
      ],
      sse: true,
      open: (origin) => {
        const c = createAgentWorkspaceClient({ baseUrl: origin, auth: { sessionCookie: 's' }, timeScale: SCALE });
        cleanups.push(() => c.close());
        return c.fleetStream() as unknown as Reader;
      },
      pointers: ['/0/priority', '/0/jobs/0/status'],
    },
  ],
];

describe('reading policy: the generated clients deliver what a newer server sends, and report it', () => {
  it.each(cases)('%s', async (_name, { tag, sent, sse, open, pointers }) => {
    const channel = open(sse ? await rawSse([{ event: tag, data: sent }]) : await rawWs([sent]));
    const { message, reports } = await read(channel, tag);
    expect(message).toEqual(sent);
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report).toMatchObject({ kind: 'unknown', action: 'delivered', tag, message: sent });
    expect(report.error.code).toBe('SW_FRAME_UNKNOWN_PARTS');
    expect(report.problems.map((p) => p.pointer).sort()).toEqual([...pointers].sort());
    expect(report.pointer).toBe(report.problems[0]!.pointer);
    expect(channel.invalidCounts).toEqual({ unknown: 1, invalid: 0 });
  });

  it('agnt5: an error event with the seed’s own `"details": {}` is delivered as it is, with nothing to report', async () => {
    const failed = { type: 'execution_failed', data: { timestamp: '2024-01-10T12:00:00Z', details: {}, execution_id: 'exec_abc123' } };
    const events = ['workflow_error', 'task_error', 'llm_error', 'tool_error'].map((type) => ({ ...failed, type }));
    const origin = await rawWs([...events, failed]);
    const c = createAgnt5Client({ baseUrl: origin, auth: { apiKeySubprotocol: 'k' }, timeScale: SCALE });
    cleanups.push(() => c.close());
    const workflow = c.workflow({ 'x-wf-endpoint': 'coffee-shop-e66b8d23' });
    const received: unknown[] = [];
    const reports: InvalidEvent[] = [];
    workflow.onState('invalid', (e) => reports.push(e));
    workflow.onAny((m) => received.push(m));
    const last = await new Promise((resolve) => workflow.on('execution_failed', resolve));
    expect(last).toEqual(failed);
    expect(received).toEqual([...events, failed]);
    expect(reports).toEqual([]);
  });

  it('agnt5: a UUID execution id and a workflow name in PascalCase are the server’s business, not the contract’s', async () => {
    const started = {
      type: 'execution_started',
      data: { timestamp: '2024-01-10T12:00:00Z', details: { workflow: 'SearchCandidates' }, execution_id: '6f1c2f7e-3c1b-4d7a-9a55-0e2f4b7c9d10' },
    };
    const origin = await rawWs([started]);
    const c = createAgnt5Client({ baseUrl: origin, auth: { apiKeySubprotocol: 'k' }, timeScale: SCALE });
    cleanups.push(() => c.close());
    const workflow = c.workflow({ 'x-wf-endpoint': 'Coffee-Shop' });
    expect(await new Promise((resolve) => workflow.on('execution_started', resolve))).toEqual(started);
    await expect(workflow.send({ name: 'SearchCandidates' })).resolves.toBeUndefined();
    expect(workflow.invalidCounts).toEqual({ unknown: 0, invalid: 0 });
  });

  it('release-orchestrator: a heartbeat with an extra field is answered with pong (the server would cut the connection otherwise)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise((r) => wss.close(r)));
    cleanups.push(() => wss.clients.forEach((s) => s.terminate()));
    const pong = new Promise((resolve) =>
      wss.on('connection', (socket: WebSocket) => {
        socket.on('message', (data) => resolve(JSON.parse(String(data))));
        socket.send(JSON.stringify({ type: 'heartbeat', timestamp: '2026-01-10T14:23:45Z', sequence: 7 }));
      }),
    );
    const c = createReleaseOrchestratorClient({
      baseUrl: `http://127.0.0.1:${(wss.address() as { port: number }).port}`,
      auth: { queryToken: 'x' },
      timeScale: SCALE,
    });
    cleanups.push(() => c.close());
    const dashboard = c.dashboardStream();
    const reported = new Promise<InvalidEvent>((resolve) => dashboard.onState('invalid', resolve));
    expect(await pong).toEqual({ type: 'pong' });
    expect((await reported).problems.map((p) => p.pointer)).toEqual(['/sequence']);
  });
});
