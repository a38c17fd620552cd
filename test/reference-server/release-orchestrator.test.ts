import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as V from '../../generated/release-orchestrator/validators.gen.js';
import {
  AGENT_IDS,
  createReleaseOrchestratorReference,
  DEPLOYMENT_JOB_IDS,
  WORKFLOW_RUN_IDS,
  type ReleaseOrchestratorReference,
} from '../../reference-server/release-orchestrator/index.ts';
import { WORKFLOW_NODES } from '../../reference-server/release-orchestrator/catalog.ts';
import { Random } from '../../runtime/seeded/random.ts';
import { RawSse } from '../support/sse.ts';
import { RawWs } from '../support/ws.ts';

// The release-orchestrator reference server over real sockets on 127.0.0.1, driven by independent
// clients (`ws`, raw node:http for SSE). Every message received is checked against the generated
// validators of its channel.
const SECRET = new TextEncoder().encode('release-orchestrator-test-secret-0123456789');
const SCALE = 0.05;
const LIMIT = 65536;

type Msg = Record<string, unknown> & { type: string };
type Validator = (data: unknown) => { ok: boolean; errors?: unknown };

/** Messages that broke the contract, from any client of any test (must stay empty). */
const violations: { path: string; message: unknown; errors: unknown }[] = [];

afterEach(() => {
  expect(violations).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowSec = () => Math.floor(Date.now() / 1000);

function token(sub: string | undefined, o: { exp?: number | null; nbf?: number; alg?: string; secret?: Uint8Array } = {}) {
  const jwt = new SignJWT(sub === undefined ? {} : { sub }).setProtectedHeader({ alg: o.alg ?? 'HS256' }).setIssuedAt();
  if (o.exp === undefined) jwt.setExpirationTime('1h');
  else if (o.exp !== null) jwt.setExpirationTime(o.exp);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(o.secret ?? SECRET);
}

function validatorFor(path: string): Validator {
  if (path.includes('/workflow-runs/')) return V.validateWorkflowRunStreamServerMessage;
  if (path.includes('/deployment-jobs/')) return V.validateDeploymentJobStreamServerMessage;
  if (path.includes('/agents/')) return V.validateAgentTaskStreamServerMessage;
  return V.validateDashboardStreamServerMessage;
}

async function start(options: { scale?: number; seed?: number } = {}) {
  const errors: Error[] = [];
  const ref = createReleaseOrchestratorReference({
    timeScale: options.scale ?? SCALE,
    seed: options.seed ?? 7,
    secrets: { jwtSecret: SECRET },
    onError: (e) => errors.push(e),
  });
  const { port } = await ref.listen(0, '127.0.0.1');
  return { ref, port, errors };
}

/** A `ws` client that validates and records every frame, answers heartbeats (unless told not to) and records the close. */
function connect(port: number, pathAndQuery: string, o: { pong?: boolean; pongText?: string } = {}) {
  const path = pathAndQuery.split('?')[0]!;
  const validate = validatorFor(path);
  const client = new RawWs<Msg>(`ws://127.0.0.1:${port}${pathAndQuery}`, {
    onMessage: (message, frame, ws) => {
      const verdict = message === undefined ? { ok: false, errors: 'not JSON' } : validate(message);
      if (frame.binary || !verdict.ok) violations.push({ path, message: message ?? frame.text, errors: verdict.errors ?? 'binary frame' });
      if ((message as Msg | undefined)?.type === 'heartbeat' && o.pong !== false && ws.readyState === ws.OPEN) ws.send(o.pongText ?? '{"type":"pong"}');
    },
  });
  return Object.assign(client, {
    /** Frames other than heartbeats. */
    data: () => client.frames.filter((f) => f.type !== 'heartbeat'),
  });
}

/** The dashboard SSE stream, raw; every named event is checked against the contract. */
function sse(port: number, headers: Record<string, string>) {
  return new RawSse({
    port,
    path: '/api/v1/dashboard/stream',
    headers,
    onEvent: (e) => {
      if (e.event !== undefined) {
        const verdict = V.validateDashboardEventsServerEvent(e.event, JSON.parse(e.data ?? 'null'));
        if (!verdict.ok) violations.push({ path: 'sse', message: e, errors: verdict.errors });
      }
      return e;
    },
  });
}

const RUN = '/api/v1/workflow-runs';
const JOB = '/api/v1/deployment-jobs';
const DASH = '/api/v1/dashboard/stream';
const agentPath = (id: string) => `/api/v1/agents/${id}/task-stream`;

// ---------------------------------------------------------------------------------------------

describe('authentication', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  it('accepts a query token and a first-message token, and starts the stream without acknowledgement', async () => {
    const q = connect(s.port, `${DASH}?token=${await token('alice')}`);
    await q.until(() => q.ofType('metric_update').length > 0);
    const auth = await token('bob');
    const f = connect(s.port, DASH);
    await f.opened();
    f.send({ type: 'auth', token: auth });
    await f.until(() => f.ofType('metric_update').length > 0);
    expect(f.frames[0]!.type).toBe('metric_update');
    expect(f.ofType('error')).toEqual([]);
    await Promise.all([q.close(), f.close()]);
  });

  it('ignores an auth message on a connection that already has a valid query token', async () => {
    const c = connect(s.port, `${DASH}?token=${await token('carol')}`);
    await c.until(() => c.frames.length > 0);
    c.send({ type: 'auth', token: 'not-even-a-jwt' });
    c.send({ type: 'pong' });
    await sleep(150);
    expect(c.ofType('error')).toEqual([]);
    expect(c.closed).toBeUndefined();
    await c.close();
  });

  const attacks: [string, () => Promise<string>][] = [
    ['a token signed with another secret', () => token('mallory', { secret: new TextEncoder().encode('another-secret-another-secret-0000') })],
    ['alg none', async () => new UnsecuredJWT({ sub: 'mallory' }).setIssuedAt().setExpirationTime('1h').encode()],
    ['an HS512 token (algorithm not pinned)', () => token('mallory', { alg: 'HS512' })],
    ['an expired token', () => token('mallory', { exp: nowSec() - 60 })],
    ['a not-yet-valid token', () => token('mallory', { nbf: nowSec() + 600 })],
    ['a token without sub', () => token(undefined)],
    ['a token without exp', () => token('mallory', { exp: null })],
    ['a malformed token', async () => 'abc.def'],
  ];

  it.each(attacks)('answers %s in the query with unauthorized and 4401, before any data', async (_name, make) => {
    const c = connect(s.port, `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${encodeURIComponent(await make())}`);
    expect((await c.closedWith()).code).toBe(4401);
    expect(c.frames).toEqual([{ type: 'error', code: 'unauthorized', message: expect.any(String), timestamp: expect.any(String) }]);
  });

  it.each(attacks)('answers %s in the first message with unauthorized and 4401', async (_name, make) => {
    const t = await make();
    const c = connect(s.port, `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream`);
    await c.opened();
    c.send({ type: 'auth', token: t });
    expect((await c.closedWith()).code).toBe(4401);
    expect(c.frames.map((f) => [f.type, f.code])).toEqual([['error', 'unauthorized']]);
  });

  it('closes a connection that sends no auth message within the deadline (5000 ms scaled)', async () => {
    const c = connect(s.port, `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream`);
    await c.opened();
    const opened = Date.now();
    expect((await c.closedWith()).code).toBe(4401);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(5000 * SCALE * 0.8);
    expect(c.frames.map((f) => [f.type, f.code])).toEqual([['error', 'unauthorized']]);
  });

  it('answers a first frame that is not auth (a pong) with unauthorized and 4401', async () => {
    const c = connect(s.port, agentPath(AGENT_IDS[0]!));
    await c.opened();
    c.send({ type: 'pong' });
    expect((await c.closedWith()).code).toBe(4401);
    expect(c.frames.map((f) => [f.type, f.code])).toEqual([['error', 'unauthorized']]);
  });

  it('closes with unauthorized and 4401 when the first frame is not JSON, and never streams data', async () => {
    const c = connect(s.port, DASH);
    await c.opened();
    c.send('hello?');
    expect((await c.closedWith()).code).toBe(4401);
    expect(c.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect(c.frames.every((f) => f.type === 'error')).toBe(true);
  });

  // Contract (auth-first-message): "any other frame first ... is answered with unauthorized and
  // close 4401", a frame that is not even JSON included.
  it('answers a non-JSON first frame with unauthorized only', async () => {
    const c = connect(s.port, DASH);
    await c.opened();
    c.send('hello?');
    await c.closedWith();
    expect(c.frames.map((f) => f.code)).toEqual(['unauthorized']);
  });

  it('does not feed a connection that is still authenticating', async () => {
    // Another client keeps the dashboard busy; the silent one must get nothing but the final error.
    const busy = connect(s.port, `${DASH}?token=${await token('dave')}`);
    const silent = connect(s.port, DASH);
    await silent.closedWith();
    expect(silent.frames.map((f) => f.type)).toEqual(['error']);
    await busy.close();
  });

  it('SSE: 401 without a token or with a bad one, 403 for an agent token, 200 with a valid bearer token', async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ authorization: 'Bearer nope' }, 401],
      [{ authorization: `Bearer ${await token('erin', { exp: nowSec() - 10 })}` }, 401],
      [{ authorization: `Bearer ${new UnsecuredJWT({ sub: 'erin' }).setExpirationTime('1h').encode()}` }, 401],
      [{ authorization: `Bearer ${await token('erin', { secret: new TextEncoder().encode('x'.repeat(40)) })}` }, 401],
      [{ authorization: `Basic ${Buffer.from('erin:pw').toString('base64')}` }, 401],
      [{ authorization: `Bearer ${await token(AGENT_IDS[1]!)}` }, 403],
      [{ authorization: `Bearer ${await token('erin')}` }, 200],
    ];
    for (const [headers, want] of cases) {
      const r = sse(s.port, headers);
      await r.until(() => r.status !== undefined);
      expect([headers.authorization, r.status]).toEqual([headers.authorization, want]);
      r.close();
    }
  });

  it('allows 20 connections per token sub on a channel; the 21st gets rate_limited and 4429', async () => {
    const t = await token('limit-user');
    const open = Array.from({ length: 20 }, () => connect(s.port, `${DASH}?token=${t}`));
    await Promise.all(open.map((c) => c.until(() => c.frames.length > 0)));
    const extra = connect(s.port, `${DASH}?token=${t}`);
    expect((await extra.closedWith()).code).toBe(4429);
    expect(extra.frames.map((f) => [f.type, f.code])).toEqual([['error', 'rate_limited']]);
    // Also through a first-message token.
    const viaAuth = connect(s.port, DASH);
    await viaAuth.opened();
    viaAuth.send({ type: 'auth', token: t });
    expect((await viaAuth.closedWith()).code).toBe(4429);
    // Another sub, and the same sub on another channel, are not affected; a freed slot is reusable.
    const other = connect(s.port, `${DASH}?token=${await token('limit-user-2')}`);
    const otherChannel = connect(s.port, `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${t}`);
    await other.until(() => other.frames.length > 0);
    await otherChannel.until(() => otherChannel.frames.length > 0);
    await open[0]!.close();
    await sleep(50);
    const again = connect(s.port, `${DASH}?token=${t}`);
    await again.until(() => again.frames.length > 0);
    expect(again.frames[0]!.type).toBe('metric_update');
    await Promise.all([...open.slice(1), other, otherChannel, again].map((c) => c.close()));
  });
});

describe('resources and access', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  const refusals: [string, () => string, string | undefined, string, number][] = [
    ['an unknown workflow run', () => `${RUN}/wr-9999/stream`, 'dev-user', 'not_found', 4404],
    ['an unknown deployment job', () => `${JOB}/nope/stream`, 'dev-user', 'not_found', 4404],
    ['an unknown agent', () => agentPath('agent-99'), 'agent-99', 'not_found', 4404],
    ['an agent id that is not the token sub', () => agentPath(AGENT_IDS[0]!), AGENT_IDS[1], 'forbidden', 4403],
    ['a user token on an agent stream', () => agentPath(AGENT_IDS[0]!), 'dev-user', 'forbidden', 4403],
    ['an agent token on a workflow run', () => `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream`, AGENT_IDS[0], 'forbidden', 4403],
    ['an agent token on a deployment job', () => `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream`, AGENT_IDS[0], 'forbidden', 4403],
    ['an agent token on the dashboard', () => DASH, AGENT_IDS[0], 'forbidden', 4403],
  ];

  it.each(refusals)('refuses %s (query token) with the contract error and close code', async (_name, path, sub, code, close) => {
    const c = connect(s.port, `${path()}?token=${await token(sub)}`);
    expect((await c.closedWith()).code).toBe(close);
    expect(c.frames).toEqual([{ type: 'error', code, message: expect.any(String), timestamp: expect.any(String) }]);
  });

  it.each(refusals)('refuses %s (first-message token) the same way', async (_name, path, sub, code, close) => {
    const t = await token(sub);
    const c = connect(s.port, path());
    await c.opened();
    c.send({ type: 'auth', token: t });
    expect((await c.closedWith()).code).toBe(close);
    expect(c.frames.map((f) => f.code)).toEqual([code]);
  });

  it('answers an address that is no channel with HTTP 404 before upgrading', async () => {
    const c = connect(s.port, `/api/v1/nothing?token=${await token('dev-user')}`);
    await c.until(() => c.status !== undefined || c.closed !== undefined);
    expect(c.status).toBe(404);
  });
});

describe('workflow run and deployment job streams', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  /** Checks per-node order: started, then progress/log of that node only, then completed; nodes in order. */
  function checkSteps(frames: Msg[]) {
    const data = frames.filter((f) => f.type !== 'heartbeat');
    const final = data.at(-1)!;
    expect(final.type).toBe('workflow_completed');
    const nodes: string[] = [];
    let current: string | undefined;
    let lastProgress = -1;
    const completed: Msg[] = [];
    for (const m of data.slice(0, -1)) {
      if (m.type === 'step_started') {
        expect(current).toBeUndefined();
        current = m.nodeId as string;
        nodes.push(current);
        lastProgress = -1;
      } else if (m.type === 'step_progress' || m.type === 'step_log') {
        expect(m.nodeId).toBe(current);
        if (m.type === 'step_progress') {
          expect(m.progress as number).toBeGreaterThanOrEqual(lastProgress);
          lastProgress = m.progress as number;
        }
      } else if (m.type === 'step_completed') {
        expect(m.nodeId).toBe(current);
        completed.push(m);
        current = undefined;
      } else throw new Error(`unexpected ${m.type}`);
    }
    expect(current).toBeUndefined();
    expect(nodes).toEqual(WORKFLOW_NODES.map((n) => n.nodeId));
    return { final, completed };
  }

  it('streams a succeeding run node by node, and a late subscriber gets the same complete sequence', async () => {
    const t = await token('dev-user');
    const a = connect(s.port, `${RUN}/wr-1001/stream?token=${t}`);
    await a.until(() => a.ofType('step_progress').length > 0);
    const b = connect(s.port, `${RUN}/wr-1001/stream?token=${t}`);
    await a.until(() => a.ofType('workflow_completed').length === 1, 10_000);
    await b.until(() => b.ofType('workflow_completed').length === 1);
    const { final, completed } = checkSteps(a.frames);
    expect(final).toMatchObject({ status: 'succeeded', outputs: { deploymentId: expect.any(String) } });
    expect(completed.every((c) => c.status === 'succeeded')).toBe(true);
    expect(b.data()).toEqual(a.data());
    // Nothing follows workflow_completed but heartbeats.
    await sleep(300);
    expect(a.data().at(-1)!.type).toBe('workflow_completed');
    await Promise.all([a.close(), b.close()]);
  });

  it('reports a failing run: the failing node fails, later nodes are skipped, the run fails', async () => {
    const c = connect(s.port, `${RUN}/wr-1002/stream?token=${await token('dev-user')}`);
    await c.until(() => c.ofType('workflow_completed').length === 1, 10_000);
    const { final, completed } = checkSteps(c.frames);
    expect(final).toMatchObject({ status: 'failed' });
    expect(completed.map((m) => [m.nodeId, m.status])).toEqual([
      ['checkout', 'succeeded'],
      ['build', 'succeeded'],
      ['unit-tests', 'succeeded'],
      ['security-check', 'failed'],
      ['deploy', 'skipped'],
    ]);
    await c.close();
  });

  it('reports a cancelled run through first-message auth', async () => {
    const t = await token('dev-user');
    const c = connect(s.port, `${RUN}/wr-1003/stream`);
    await c.opened();
    c.send({ type: 'auth', token: t });
    await c.until(() => c.ofType('workflow_completed').length === 1, 10_000);
    const { final, completed } = checkSteps(c.frames);
    expect(final).toMatchObject({ status: 'cancelled' });
    expect(completed.map((m) => m.status)).toEqual(['succeeded', 'succeeded', 'cancelled', 'skipped', 'skipped']);
    await c.close();
  });

  /** Per-target order for a deployment job; returns the job_completed and the task_completed messages. */
  function checkTargets(frames: Msg[]) {
    const data = frames.filter((f) => f.type !== 'heartbeat');
    const final = data.at(-1)!;
    expect(final.type).toBe('job_completed');
    let current: { taskId: unknown; targetId: unknown } | undefined;
    const completed: Msg[] = [];
    for (const m of data.slice(0, -1)) {
      if (m.type === 'task_started') {
        expect(current).toBeUndefined();
        current = { taskId: m.taskId, targetId: m.targetId };
      } else if (m.type === 'task_progress' || m.type === 'task_log') {
        expect(m.taskId).toBe(current?.taskId);
      } else if (m.type === 'task_completed') {
        expect([m.taskId, m.targetId]).toEqual([current?.taskId, current?.targetId]);
        completed.push(m);
        current = undefined;
      } else throw new Error(`unexpected ${m.type}`);
    }
    expect(current).toBeUndefined();
    return { final, completed };
  }

  it('streams deployment jobs target by target, with consistent counts', async () => {
    const t = await token('dev-user');
    const ok = connect(s.port, `${JOB}/dj-2001/stream?token=${t}`);
    const bad = connect(s.port, `${JOB}/dj-2002/stream?token=${t}`);
    const cancelled = connect(s.port, `${JOB}/dj-2003/stream?token=${t}`);
    for (const c of [ok, bad, cancelled]) await c.until(() => c.ofType('job_completed').length === 1, 10_000);

    const a = checkTargets(ok.frames);
    expect(a.final).toMatchObject({ status: 'succeeded', targetsDeployed: 4, targetsFailed: 0 });
    expect(a.completed.map((m) => m.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

    const b = checkTargets(bad.frames);
    expect(b.final).toMatchObject({ status: 'failed', targetsDeployed: 1, targetsFailed: 1 });
    expect(b.completed.map((m) => m.status)).toEqual(['succeeded', 'failed', 'skipped']);

    const c = checkTargets(cancelled.frames);
    expect(c.final).toMatchObject({ status: 'cancelled', targetsDeployed: 0, targetsFailed: 0 });
    expect(c.completed.map((m) => m.status)).toEqual(['cancelled', 'skipped']);
    await Promise.all([ok, bad, cancelled].map((x) => x.close()));
  });

  it('is deterministic: the same seed gives the same run, apart from times', async () => {
    const other = await start({ seed: 7 });
    const third = await start({ seed: 8 });
    try {
      const strip = (frames: Msg[]) => frames.filter((f) => f.type !== 'heartbeat').map(({ timestamp: _t, duration: _d, ...rest }) => rest);
      const t = await token('dev-user');
      const x = connect(s.port, `${JOB}/dj-2001/stream?token=${t}`);
      const y = connect(other.port, `${JOB}/dj-2001/stream?token=${t}`);
      const z = connect(third.port, `${JOB}/dj-2001/stream?token=${t}`);
      for (const c of [x, y, z]) await c.until(() => c.ofType('job_completed').length === 1, 10_000);
      expect(strip(y.frames)).toEqual(strip(x.frames));
      expect(strip(z.frames)).not.toEqual(strip(x.frames));
      await Promise.all([x, y, z].map((c) => c.close()));
    } finally {
      await Promise.all([other.ref.close(), third.ref.close()]);
    }
  });
});

describe('agent task stream', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  it('assigns tasks; accepts progress, logs and completion of an assigned task without answer', async () => {
    const agent = AGENT_IDS[0]!;
    const c = connect(s.port, `${agentPath(agent)}?token=${await token(agent)}`);
    await c.until(() => c.ofType('task_assigned').length > 0);
    const task = c.ofType('task_assigned')[0]!.task as { taskId: string };
    c.send({ type: 'task_progress', taskId: task.taskId, progress: 50, message: 'Pulling image layer 3/5' });
    c.send({ type: 'task_log', taskId: task.taskId, level: 'info', message: 'Image layer downloaded' });
    c.send({ type: 'task_completed', taskId: task.taskId, success: true, result: { imageId: 'sha256:abc' } });
    await c.until(() => s.ref.broker.tasksOf(agent).find((r) => r.task.taskId === task.taskId)?.state === 'completed');
    const record = s.ref.broker.tasksOf(agent).find((r) => r.task.taskId === task.taskId)!;
    expect(record).toMatchObject({
      success: true,
      progress: 100,
      result: { imageId: 'sha256:abc' },
      logs: [{ level: 'info', message: 'Image layer downloaded' }],
    });
    // A late report for the finished task is accepted quietly.
    c.send({ type: 'task_progress', taskId: task.taskId, progress: 100, message: 'late' });
    await sleep(100);
    expect(c.ofType('error')).toEqual([]);
    await c.close();
  });

  it('answers a report for a task not assigned to this agent with invalid_message and keeps the connection', async () => {
    const [a, b] = [AGENT_IDS[1]!, AGENT_IDS[2]!];
    const ca = connect(s.port, `${agentPath(a)}?token=${await token(a)}`);
    const cb = connect(s.port, `${agentPath(b)}?token=${await token(b)}`);
    await ca.until(() => ca.ofType('task_assigned').length > 0);
    const foreign = (ca.ofType('task_assigned')[0]!.task as { taskId: string }).taskId;
    cb.send({ type: 'task_progress', taskId: foreign, progress: 10, message: 'not mine' });
    cb.send({ type: 'task_log', taskId: 'never-assigned', level: 'warn', message: 'x' });
    cb.send({ type: 'task_completed', taskId: 'never-assigned', success: false, error: 'boom' });
    await cb.until(() => cb.ofType('error').length === 3);
    expect(cb.ofType('error').map((e) => e.code)).toEqual(['invalid_message', 'invalid_message', 'invalid_message']);
    expect(cb.ofType('error')[0]!.message).toContain(foreign);
    expect(cb.closed).toBeUndefined();
    // The rightful agent's task is untouched.
    expect(s.ref.broker.tasksOf(a).find((r) => r.task.taskId === foreign)?.progress).toBe(0);
    await Promise.all([ca.close(), cb.close()]);
  });

  it('rejects reports that break the schema with invalid_message (validated by the runtime)', async () => {
    const agent = AGENT_IDS[3]!;
    const c = connect(s.port, `${agentPath(agent)}?token=${await token(agent)}`);
    await c.until(() => c.ofType('task_assigned').length > 0);
    const taskId = (c.ofType('task_assigned')[0]!.task as { taskId: string }).taskId;
    c.send({ type: 'task_progress', taskId, progress: 150, message: 'too far' });
    c.send({ type: 'task_log', taskId, level: 'fatal', message: 'bad level' });
    c.send({ type: 'task_completed', taskId, success: 'yes' });
    c.send({ type: 'task_completed', taskId, success: true, extra: 1 });
    await c.until(() => c.ofType('error').length === 4);
    expect(c.ofType('error').every((e) => e.code === 'invalid_message')).toBe(true);
    expect(s.ref.broker.tasksOf(agent).find((r) => r.task.taskId === taskId)?.state).toBe('assigned');
    await c.close();
  });

  it('cancels some tasks: task_cancelled names a task assigned before, and no more than 3 tasks are open', async () => {
    const agent = AGENT_IDS[0]!;
    const c = connect(s.port, `${agentPath(agent)}?token=${await token(agent)}`);
    await c.until(() => c.ofType('task_cancelled').length > 0, 10_000);
    const cancelled = c.ofType('task_cancelled')[0]!;
    const assigned = c.ofType('task_assigned').map((m) => (m.task as { taskId: string }).taskId);
    expect(assigned).toContain(cancelled.taskId);
    expect(cancelled.reason).toEqual(expect.any(String));
    const open = s.ref.broker.tasksOf(agent).filter((r) => r.state === 'assigned' || r.state === 'running');
    expect(open.length).toBeLessThanOrEqual(3);
    // A report for the cancelled task crossing the cancellation is not an error.
    c.send({ type: 'task_completed', taskId: cancelled.taskId, success: false, error: 'cancelled' });
    await sleep(100);
    expect(c.ofType('error')).toEqual([]);
    await c.close();
  });

  it("never sends a closed connection's cancellations to the agent's next connection, which is offered work at once", async () => {
    // Regression: the tasks of a closed stream stayed open (blocking MAX_OPEN_TASKS) and their
    // cancellations went to the agent's next stream, which had never been assigned them.
    const own = await start({ scale: 0.01 });
    const agent = AGENT_IDS[AGENT_IDS.length - 1]!;
    const t = await token(agent);
    const first = connect(own.port, `${agentPath(agent)}?token=${t}`);
    await first.until(() => first.ofType('task_assigned').length === 3, 10_000);
    await first.close();
    const ids = first.ofType('task_assigned').map((m) => (m.task as { taskId: string }).taskId);
    await first.until(() => own.ref.broker.tasksOf(agent).every((r) => r.state !== 'assigned' && r.state !== 'running'), 10_000);
    const next = connect(own.port, `${agentPath(agent)}?token=${t}`);
    // Later than the third task's cancellation would have fired (CANCEL_AFTER_MS), and later than a first offer.
    await next.until(() => next.ofType('task_assigned').length >= 2, 10_000);
    const assigned = next.ofType('task_assigned').map((m) => (m.task as { taskId: string }).taskId);
    for (const cancelled of next.ofType('task_cancelled')) expect(assigned).toContain(cancelled.taskId);
    // The withdrawn work is offered again first.
    expect(assigned[0]).toBe(ids[0]);
    await next.close();
    await own.ref.close();
  });

  it('sends task_cancelled only on the stream the task was assigned on when an agent has two open', async () => {
    const own = await start();
    const agent = AGENT_IDS[0]!;
    const streams = [
      connect(own.port, `${agentPath(agent)}?token=${await token(agent)}`),
      connect(own.port, `${agentPath(agent)}?token=${await token(agent)}`),
    ];
    const cancels = () => streams.flatMap((c) => c.ofType('task_cancelled'));
    await streams[0]!.until(() => cancels().length > 0 && streams.every((c) => c.ofType('task_assigned').length > 0), 10_000);
    for (const c of streams) {
      const assigned = c.ofType('task_assigned').map((m) => (m.task as { taskId: string }).taskId);
      for (const cancelled of c.ofType('task_cancelled')) expect(assigned).toContain(cancelled.taskId);
    }
    await Promise.all(streams.map((c) => c.close()));
    await own.ref.close();
  });
});

describe('dashboard', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  it('sends metrics on connect and then periodically; agentsOnline follows the agents connected', async () => {
    const d = connect(s.port, `${DASH}?token=${await token('dev-user')}`);
    await d.until(() => d.ofType('metric_update').length > 0);
    expect(d.frames[0]!.type).toBe('metric_update');
    const agent = AGENT_IDS[2]!;
    const a = connect(s.port, `${agentPath(agent)}?token=${await token(agent)}`);
    await a.opened();
    const online = () => d.ofType('metric_update').map((m) => (m.metrics as { systemHealth: { agentsOnline: number; agentsTotal: number } }).systemHealth);
    await d.until(() => online().some((h) => h.agentsOnline === 1));
    expect(online().every((h) => h.agentsOnline <= h.agentsTotal)).toBe(true);
    await a.close();
    // Its disconnection raises an alert about the agent.
    await d.until(() => d.ofType('alert').some((m) => (m.alert as { resourceId: string }).resourceId === agent));
    await d.until(() => online().at(-1)!.agentsOnline === 0);
    await d.until(() => d.ofType('promotion_update').length > 0, 10_000);
    await d.close();
  });

  it('SSE: contract headers, retry first, an id on every event, a metric_update to start, keep-alive comments', async () => {
    const r = sse(s.port, { authorization: `Bearer ${await token('dev-user')}` });
    await r.until(() => r.named().length >= 3 && r.comments.length > 0, 8000);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.events[0]).toEqual({ retry: String(3000 * SCALE) });
    expect(r.named()[0]!.event).toBe('metric_update');
    expect(r.named().every((e) => typeof e.id === 'string' && e.id.length > 0)).toBe(true);
    expect(r.named().every((e) => (JSON.parse(e.data!) as { type: string }).type === e.event)).toBe(true);
    r.close();
  });

  it('SSE: resumes with Last-Event-ID without losing or repeating an event', async () => {
    const auth = { authorization: `Bearer ${await token('dev-user')}` };
    const observer = sse(s.port, auth);
    await observer.until(() => observer.named().length > 0);
    const first = sse(s.port, auth);
    await first.until(() => first.named().length >= 4);
    first.close();
    const seenByFirst = first.named().slice(1); // after its private starting snapshot
    const lastId = seenByFirst.at(-1)!.id!;
    // Let events pass while disconnected.
    await observer.until(
      () => observer.named().findIndex((e) => e.id === lastId) >= 0 && observer.named().length - observer.named().findIndex((e) => e.id === lastId) > 3,
    );
    const second = sse(s.port, { ...auth, 'last-event-id': lastId });
    await second.until(() => second.named().length >= 6);
    const got = [...seenByFirst, ...second.named()];
    const ids = got.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The observer saw the published stream; the two connections together saw the same slice of it.
    const published = observer.named().slice(1);
    await observer.until(() =>
      observer
        .named()
        .slice(1)
        .some((e) => e.id === got.at(-1)!.id),
    );
    const start = published.findIndex((e) => e.id === got[0]!.id);
    const slice = observer
      .named()
      .slice(1)
      .slice(start, start + got.length);
    expect(got.map((e) => [e.id, e.event, e.data])).toEqual(slice.map((e) => [e.id, e.event, e.data]));
    // A resumed stream does not begin with a private snapshot.
    expect(second.named()[0]!.id).toBe(slice[seenByFirst.length]!.id);
    observer.close();
    second.close();
  });

  it('SSE: an unknown Last-Event-ID starts afresh with a metric_update', async () => {
    const r = sse(s.port, { authorization: `Bearer ${await token('dev-user')}`, 'last-event-id': 'deadbeef-12' });
    await r.until(() => r.named().length > 0);
    expect(r.named()[0]!.event).toBe('metric_update');
    r.close();
  });
});

describe('frames, heartbeats, limits', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  const channels = (): [string, () => Promise<string>][] => [
    ['workflow run', async () => `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${await token('frames-user')}`],
    ['deployment job', async () => `${JOB}/${DEPLOYMENT_JOB_IDS[1]}/stream?token=${await token('frames-user')}`],
    ['agent task', async () => `${agentPath(AGENT_IDS[1]!)}?token=${await token(AGENT_IDS[1]!)}`],
    ['dashboard', async () => `${DASH}?token=${await token('frames-user')}`],
  ];

  it.each(channels())('%s stream: not JSON, binary, unknown tag and schema-breaking frames get invalid_message; the connection stays', async (_name, path) => {
    const c = connect(s.port, await path());
    await c.opened();
    await sleep(20);
    c.send('{not json');
    c.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    c.send({ type: 'subscribe', channel: 'all' });
    c.send({ type: 'pong', extra: true });
    c.send([1, 2, 3]);
    c.send('null');
    c.send('x'.repeat(LIMIT)); // exactly at the limit: not too big, just not JSON
    await c.until(() => c.ofType('error').length === 7);
    expect(c.ofType('error').map((e) => e.code)).toEqual(Array(7).fill('invalid_message'));
    c.send({ type: 'pong' });
    await sleep(100);
    expect(c.ofType('error')).toHaveLength(7);
    expect(c.closed).toBeUndefined();
    await c.close();
  });

  it('closes with 1009 on a frame over 65536 bytes, and the server stays up', async () => {
    const c = connect(s.port, `${DASH}?token=${await token('big-user')}`);
    await c.opened();
    c.send(JSON.stringify({ type: 'pong', pad: 'x'.repeat(LIMIT) }));
    expect((await c.closedWith()).code).toBe(1009);
    expect(s.errors.some((e) => (e as { code?: string }).code === 'SW_FRAME_TOO_LARGE')).toBe(true);
    const after = connect(s.port, `${DASH}?token=${await token('big-user')}`);
    await after.until(() => after.ofType('metric_update').length > 0);
    await after.close();
  });

  it('sends heartbeats; a client that answers stays, one that does not is closed with 4408', async () => {
    const t = await token('hb-user');
    const good = connect(s.port, `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream?token=${t}`);
    const silent = connect(s.port, `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream?token=${t}`, { pong: false });
    const started = Date.now();
    expect(await silent.closedWith(10_000)).toEqual({ code: 4408, reason: 'pong timeout' });
    // 15 s interval + 30 s timeout, scaled.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30_000 * SCALE);
    expect(silent.ofType('heartbeat').length).toBeGreaterThanOrEqual(1);
    expect(good.closed).toBeUndefined();
    expect(good.ofType('heartbeat').length).toBeGreaterThanOrEqual(2);
    expect(good.ofType('heartbeat').every((h) => !Number.isNaN(Date.parse(h.timestamp as string)))).toBe(true);
    await good.close();
  });

  it('counts a pong with an extra field as the answer (and still answers the field with invalid_message): the connection stays', async () => {
    const t = await token('hb-extra-user');
    const c = connect(s.port, `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream?token=${t}`, { pongText: '{"type":"pong","client":"agent/2.1"}' });
    // Past the 30 s pong timeout (scaled) after the first heartbeat.
    await c.until(() => c.ofType('heartbeat').length >= 4, 10_000);
    expect(c.closed).toBeUndefined();
    expect(c.ofType('error').every((e) => e.code === 'invalid_message')).toBe(true);
    expect(c.ofType('error').length).toBeGreaterThanOrEqual(1);
    await c.close();
  });
});

describe('dev credentials and urls', () => {
  it('gives a working credential per scheme and a reachable URL per endpoint', async () => {
    const ref = createReleaseOrchestratorReference({ timeScale: SCALE });
    const { port } = await ref.listen(0, '127.0.0.1');
    try {
      const creds = await ref.credentials();
      expect(new Set(creds.map((c) => c.scheme))).toEqual(new Set(['queryToken', 'firstMessageToken', 'bearerHeader']));
      const user = creds.find((c) => c.scheme === 'queryToken')!.value;
      const urls = ref.urls(`http://127.0.0.1:${port}`);
      for (const address of ['/api/v1/workflow-runs/', '/api/v1/deployment-jobs/', '/api/v1/agents/', '/api/v1/dashboard/stream']) {
        expect(urls.some((u) => u.startsWith('ws://') && u.includes(address))).toBe(true);
      }
      expect(urls).toContain(`http://127.0.0.1:${port}/api/v1/dashboard/stream`);
      for (const url of urls.filter((u) => u.startsWith('ws://'))) {
        const path = url.slice(`ws://127.0.0.1:${port}`.length);
        const agent = /\/agents\/([^/]+)\//.exec(path)?.[1];
        const t = agent ? await ref.token(agent) : user;
        const c = connect(port, `${path}?token=${t}`);
        await c.until(() => c.data().length > 0);
        expect([path, c.data()[0]!.type]).not.toEqual([path, 'error']);
        await c.close();
      }
      const agentCred = creds.find((c) => c.usage.includes('/agents/'))!;
      const a = connect(port, `${agentPath(AGENT_IDS[0]!)}?token=${agentCred.value}`);
      await a.until(() => a.ofType('task_assigned').length > 0);
      await a.close();
      const first = connect(port, DASH);
      await first.opened();
      first.send({ type: 'auth', token: creds.find((c) => c.scheme === 'firstMessageToken')!.value });
      await first.until(() => first.ofType('metric_update').length > 0);
      await first.close();
      const r = sse(port, { authorization: `Bearer ${creds.find((c) => c.scheme === 'bearerHeader')!.value}` });
      await r.until(() => r.named().length > 0);
      r.close();
    } finally {
      await ref.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('closes every WebSocket with 1001, ends SSE streams and stops its timers', async () => {
    const s = await start();
    const t = await token('dev-user');
    const clients = [
      connect(s.port, `${RUN}/${WORKFLOW_RUN_IDS[0]}/stream?token=${t}`),
      connect(s.port, `${JOB}/${DEPLOYMENT_JOB_IDS[0]}/stream?token=${t}`),
      connect(s.port, `${agentPath(AGENT_IDS[0]!)}?token=${await token(AGENT_IDS[0]!)}`),
      connect(s.port, `${DASH}?token=${t}`),
    ];
    const r = sse(s.port, { authorization: `Bearer ${t}` });
    await Promise.all(clients.map((c) => c.until(() => c.data().length > 0)));
    await r.until(() => r.named().length > 0);
    await s.ref.close();
    for (const c of clients) expect((await c.closedWith()).code).toBe(1001);
    await r.until(() => r.ended);
    await s.ref.close(); // idempotent
    const late = connect(s.port, `${DASH}?token=${t}`);
    await late.until(() => late.failed || late.closed !== undefined);
    expect(late.frames).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** Seeded frame generator: valid messages, mutations of them, and junk. */
function fuzzFrames(random: Random, count: number, knownTaskIds: () => string[]) {
  const valid = (): Record<string, unknown> => {
    const known = knownTaskIds();
    const taskId = known.length > 0 && random.next() < 0.6 ? random.pick(known) : random.uuid();
    switch (random.int(0, 4)) {
      case 0:
        return { type: 'task_progress', taskId, progress: random.int(0, 100), message: 'step' };
      case 1:
        return { type: 'task_log', taskId, level: random.pick(['debug', 'info', 'warn', 'error']), message: 'line' };
      case 2:
        return random.next() < 0.5
          ? { type: 'task_completed', taskId, success: true, result: { ok: 1 } }
          : { type: 'task_completed', taskId, success: false, error: 'failed' };
      case 3:
        return { type: 'pong' };
      default:
        return { type: 'auth', token: random.token(20) };
    }
  };
  const junkValues: unknown[] = [
    null,
    true,
    0,
    -1,
    1e308,
    '',
    'x',
    [],
    {},
    [1, 'a'],
    { a: { b: { c: [] } } },
    '\u0000',
    '💥',
    { __proto__: { polluted: true } },
  ];
  const mutate = (m: Record<string, unknown>): string | Buffer => {
    const keys = Object.keys(m);
    switch (random.int(0, 9)) {
      case 0: {
        const k = random.pick(keys);
        const copy = { ...m };
        delete copy[k];
        return JSON.stringify(copy);
      }
      case 1:
        return JSON.stringify({ ...m, [random.pick(keys)]: random.pick(junkValues) });
      case 2:
        return JSON.stringify({ ...m, [random.token(5)]: random.pick(junkValues) });
      case 3:
        return JSON.stringify({ ...m, type: random.pick(['task_assigned', 'task_cancelled', 'heartbeat', 'error', 'TASK_LOG', '', random.token(8)]) });
      case 4: {
        const text = JSON.stringify(m);
        return text.slice(0, random.int(0, text.length - 1));
      }
      case 5:
        return Buffer.from(Array.from({ length: random.int(1, 64) }, () => random.int(0, 255)));
      case 6:
        return '['.repeat(2000) + ']'.repeat(2000);
      case 7:
        return '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"type":"pong"}';
      case 8:
        return JSON.stringify(random.pick(junkValues));
      default:
        return JSON.stringify(m).replace(/"/, random.pick(["'", '', '\\"', '""']));
    }
  };
  return Array.from({ length: count }, () => {
    const m = valid();
    return random.next() < 0.35 ? JSON.stringify(m) : mutate(m);
  });
}

describe('fuzz', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start()));
  afterAll(() => s.ref.close());

  /** Sends frames on one connection; each one the contract rejects must get exactly one invalid_message. */
  async function fuzz(path: string, count: number, seed: number, clientValidator: Validator, reportsNeedTask: boolean) {
    const c = connect(s.port, path);
    await c.opened();
    await c.until(() => c.data().length > 0);
    const known = () => c.ofType('task_assigned').map((m) => (m.task as { taskId: string }).taskId);
    const frames = fuzzFrames(new Random(seed), count, known);
    let expected = 0;
    for (const [i, frame] of frames.entries()) {
      let rejected = true;
      if (typeof frame === 'string') {
        try {
          const value: unknown = JSON.parse(frame);
          if (clientValidator(value).ok) {
            const m = value as { type: string; taskId?: string };
            rejected = reportsNeedTask && m.taskId !== undefined && !known().includes(m.taskId);
          }
        } catch {
          rejected = true;
        }
        c.ws.send(frame);
      } else c.ws.send(frame, { binary: true });
      if (rejected) expected++;
      // Let assignments arrive while fuzzing, and keep the socket's buffer small.
      if (i % 100 === 99) await sleep(5);
    }
    await c.until(() => c.ofType('error').length >= expected, 20_000, `${expected} errors`);
    await sleep(200);
    expect(c.ofType('error')).toHaveLength(expected);
    expect(c.ofType('error').every((e) => e.code === 'invalid_message')).toBe(true);
    expect(c.closed).toBeUndefined();
    await c.close();
    return expected;
  }

  it('survives 2500 random and mutated agent frames, answering each rejected one with invalid_message', async () => {
    const agent = AGENT_IDS[3]!;
    const expected = await fuzz(`${agentPath(agent)}?token=${await token(agent)}`, 2500, 1234, V.validateAgentTaskStreamClientMessage, true);
    expect(expected).toBeGreaterThan(1000);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('admin');
  });

  it('survives 1000 random frames on the dashboard and workflow run streams', async () => {
    await fuzz(`${DASH}?token=${await token('fuzz-user')}`, 500, 99, V.validateDashboardStreamClientMessage, false);
    await fuzz(`${RUN}/${WORKFLOW_RUN_IDS[1]}/stream?token=${await token('fuzz-user')}`, 500, 100, V.validateWorkflowRunStreamClientMessage, false);
    // Still serving.
    const d = connect(s.port, `${DASH}?token=${await token('fuzz-user')}`);
    await d.until(() => d.ofType('metric_update').length > 0);
    await d.close();
  });
});
