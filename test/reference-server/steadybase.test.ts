import { request } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api } from '../../generated/steadybase/metadata.gen.ts';
import { validateEventsServerMessage, validateTaskStatusRequest } from '../../generated/steadybase/validators.gen.js';
import { createClock } from '../../runtime/seeded/clock.ts';
import { Random } from '../../runtime/seeded/random.ts';
import type { ReferenceOptions } from '../../reference-server/shared/types.ts';
import { DREW_PLAN, UNIT_SECONDS } from '../../reference-server/steadybase/catalog.ts';
import { createSteadybaseReference, type SteadybaseReference } from '../../reference-server/steadybase/index.ts';
import { SteadybaseSimulation } from '../../reference-server/steadybase/simulation.ts';
import { RawWs } from '../support/ws.ts';

// The steadybase reference server over real sockets on 127.0.0.1, with independent clients (`ws`,
// raw node:http). Every message a client receives is checked against the generated validators;
// every HTTP answer the contract describes is checked against its x-sw-http response schema.

const SECRET = new TextEncoder().encode('steadybase-test-secret-0123456789abcdef');
const OTHER_SECRET = new TextEncoder().encode('not-the-steadybase-secret-0123456789abcd');
const SCALE = 0.01;
const SIM_TAGS = ['worker-status', 'workflow-progress', 'drew-update', 'approval-required'];

type Msg = Record<string, unknown> & { type: string };

let ref: SteadybaseReference | undefined;
let port = 0;
const errors: Error[] = [];
/** Server messages that broke the contract (checked after every test). */
const violations: string[] = [];
const clients: WebSocket[] = [];

async function start(options: ReferenceOptions = {}): Promise<SteadybaseReference> {
  errors.length = 0;
  ref = createSteadybaseReference({ seed: 1, timeScale: SCALE, secrets: { jwtSecret: SECRET }, onError: (e) => errors.push(e), ...options });
  ({ port } = await ref.listen(0, '127.0.0.1'));
  return ref;
}

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await ref?.close();
  ref = undefined;
  const bad = errors.filter(
    (e) => ['SW_OUTBOUND_INVALID', 'SW_HANDLER_FAILED'].includes((e as { code?: string }).code ?? '') || e.message.startsWith('steadybase:'),
  );
  expect(bad.map((e) => e.message)).toEqual([]);
  expect(violations.splice(0)).toEqual([]);
});

const token = (claims: { sub?: string; exp?: number; nbf?: number; alg?: string; secret?: Uint8Array } = {}) => {
  const jwt = new SignJWT({ sub: claims.sub ?? 'tester' }).setProtectedHeader({ alg: claims.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  jwt.setExpirationTime(claims.exp ?? '1h');
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(claims.secret ?? SECRET);
};
const nowSec = () => Math.floor(Date.now() / 1000);

async function until(check: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A `ws` client that records (and contract-checks) every frame, the close and an HTTP refusal. */
function connect(pathAndQuery: string, headers: Record<string, string> = {}) {
  const client = new RawWs<Msg>(`ws://127.0.0.1:${port}${pathAndQuery}`, {
    headers,
    onMessage: (message, frame) => {
      if (frame.binary) return void violations.push('binary frame from the server');
      if (message === undefined) return void violations.push(`not JSON: ${frame.text.slice(0, 80)}`);
      const verdict = validateEventsServerMessage(message);
      if (!verdict.ok) violations.push(`${JSON.stringify(message).slice(0, 200)}: ${JSON.stringify(verdict.errors)}`);
    },
  });
  clients.push(client.ws);
  return Object.assign(client, { sim: () => client.frames.filter((f) => SIM_TAGS.includes(f.type)) });
}

const bearer = async (t?: string) => ({ Authorization: `Bearer ${t ?? (await token())}` });

// ---- HTTP ----

const responseSchemas = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const responses = api.channels.taskStatus.receive.operations[0]!.http!.responses;
  const out = new Map<number, ValidateFunction>();
  for (const [status, r] of Object.entries(responses)) if (r.body) out.set(Number(status), ajv.compile(r.body as object));
  return out;
})();

interface HttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  body: unknown;
}

function http(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/api/tasks/status', headers: options.headers ?? {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          // Every answer the contract lists must match its schema.
          const schema = responseSchemas.get(status);
          if (schema && !schema(body)) violations.push(`HTTP ${status} ${text}: ${JSON.stringify(schema.errors)}`);
          resolve({ status, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const postStatus = async (body: unknown, headers?: Record<string, string>) =>
  http({ headers: { 'Content-Type': 'application/json', ...(headers ?? (await bearer())) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

// ---- authentication ----

describe('authentication', () => {
  it('accepts the JWT in the Authorization header and in the access_token query parameter', async () => {
    await start();
    const header = connect('/ws', await bearer());
    const query = connect(`/ws?access_token=${await token()}`);
    await Promise.all([header.opened(), query.opened()]);
    await header.until(() => header.sim().length >= 2);
    await query.until(() => query.sim().length >= 2);
  });

  it.each([
    ['no credential', async () => ({ path: '/ws', headers: {} })],
    ['an empty access_token', async () => ({ path: '/ws?access_token=', headers: {} })],
    ['a garbage token', async () => ({ path: '/ws', headers: { Authorization: 'Bearer not.a.jwt' } })],
    ['a bad signature', async () => ({ path: '/ws', headers: { Authorization: `Bearer ${(await token()).slice(0, -4)}AAAA` } })],
    ['a token signed with another secret', async () => ({ path: '/ws', headers: await bearer(await token({ secret: OTHER_SECRET })) })],
    ['alg none', async () => ({ path: `/ws?access_token=${new UnsecuredJWT({ sub: 'x' }).setIssuedAt().setExpirationTime('1h').encode()}`, headers: {} })],
    [
      'alg none in the header',
      async () => ({ path: '/ws', headers: { Authorization: `Bearer ${new UnsecuredJWT({ sub: 'x' }).setIssuedAt().setExpirationTime('1h').encode()}` } }),
    ],
    ['an HS512 token (algorithm pinned to HS256)', async () => ({ path: '/ws', headers: await bearer(await token({ alg: 'HS512' })) })],
    ['an expired token', async () => ({ path: '/ws', headers: await bearer(await token({ exp: nowSec() - 120 })) })],
    ['an expired token in the query', async () => ({ path: `/ws?access_token=${await token({ exp: nowSec() - 120 })}`, headers: {} })],
    ['a not-yet-valid token', async () => ({ path: '/ws', headers: await bearer(await token({ nbf: nowSec() + 600 })) })],
    [
      'a bad header token next to a good query token (no fall-through)',
      async () => ({ path: `/ws?access_token=${await token()}`, headers: { Authorization: 'Bearer bad' } }),
    ],
  ])('refuses the upgrade with HTTP 401 for %s, before any data', async (_name, make) => {
    await start();
    const { path, headers } = await make();
    const c = connect(path, headers);
    await c.until(() => c.refused !== undefined);
    expect(c.refused!.status).toBe(401);
    expect(c.refused!.headers['www-authenticate']).toBe('Bearer');
    expect(c.frames).toEqual([]);
    expect(ref!.stub.events.peers()).toHaveLength(0);
    expect(errors.some((e) => ['SW_AUTH_MISSING', 'SW_AUTH_INVALID'].includes((e as { code?: string }).code ?? ''))).toBe(true);
  });

  it('checks the token once, at the upgrade: an open connection outlives its exp, a new one is refused', async () => {
    await start();
    const exp = nowSec() + 2;
    const t = await token({ exp });
    const c = connect('/ws', await bearer(t));
    await c.opened();
    await until(
      () => Date.now() > exp * 1000 + 300,
      () => 'exp to pass',
      5000,
    );
    const seen = c.frames.length;
    await c.until(() => c.frames.length > seen + 2);
    expect(c.closed).toBeUndefined();
    const late = connect('/ws', await bearer(t));
    await late.until(() => late.refused !== undefined);
    expect(late.refused!.status).toBe(401);
  });

  it('guards POST /api/tasks/status with the bearer JWT only', async () => {
    await start();
    const body = { taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp' };
    const cases: [string, Record<string, string>, string?][] = [
      ['none', {}],
      ['garbage', { Authorization: 'Bearer nope' }],
      ['other secret', await bearer(await token({ secret: OTHER_SECRET }))],
      ['expired', await bearer(await token({ exp: nowSec() - 120 }))],
      ['not yet valid', await bearer(await token({ nbf: nowSec() + 600 }))],
      ['alg none', { Authorization: `Bearer ${new UnsecuredJWT({ sub: 'x' }).setIssuedAt().setExpirationTime('1h').encode()}` }],
      ['query token (WebSocket only)', {}, `/api/tasks/status?access_token=${await token()}`],
    ];
    const listener = connect('/ws', await bearer());
    await listener.opened();
    for (const [name, headers, path] of cases) {
      const answer = await http({ path: path ?? '/api/tasks/status', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
      expect([name, answer.status]).toEqual([name, 401]);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.body).toMatchObject({ error: 'unauthorized' });
    }
    const ok = await postStatus(body);
    expect(ok.status).toBe(202);
    await listener.until(() => listener.ofType('task-update').length === 1);
    expect(ref!.tasks.size).toBe(1);
  });
});

// ---- POST /api/tasks/status ----

describe('POST /api/tasks/status', () => {
  it('broadcasts a task-update stamped with the time of receipt to every /ws client and answers 202 {delivered}', async () => {
    const r = await start();
    const a = connect('/ws', await bearer());
    const b = connect(`/ws?access_token=${await token()}`);
    const c = connect('/ws', await bearer());
    await Promise.all([a.opened(), b.opened(), c.opened()]);
    await until(
      () => r.stub.events.peers().length === 3,
      () => 'three peers',
    );
    const answer = await postStatus({ taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp' });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ delivered: 3 });
    for (const client of [a, b, c]) {
      await client.until(() => client.ofType('task-update').length === 1);
      expect(client.ofType('task-update')[0]).toEqual({
        type: 'task-update',
        taskId: 'task-001',
        status: 'completed',
        message: 'Call brief generated for Acme Corp',
        timestamp: expect.stringMatching(/^2026-/),
      });
    }
    // The server keeps the task's state.
    expect(r.tasks.get('task-001')).toMatchObject({ status: 'completed', updates: 1 });
    await postStatus({ taskId: 'task-001', status: 'failed', message: 'Retry failed' });
    expect(r.tasks.get('task-001')).toMatchObject({ status: 'failed', updates: 2 });

    // A client that leaves is no longer counted.
    c.ws.close();
    await until(
      () => r.stub.events.peers().length === 2,
      () => 'two peers',
    );
    const after = await postStatus({ taskId: 'task-002', status: 'running', message: 'Started' });
    expect(after.body).toEqual({ delivered: 2 });
  });

  it('answers 202 {delivered: 0} with nobody connected', async () => {
    await start();
    const answer = await postStatus({ taskId: 't', status: 'pending', message: 'queued' });
    expect([answer.status, answer.body]).toEqual([202, { delivered: 0 }]);
  });

  it.each([
    ['a body that is not JSON', '{"taskId": ', 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['a JSON array', [], 'invalid_body'],
    ['a missing message', { taskId: 't', status: 'completed' }, 'invalid_body'],
    ['an unknown status', { taskId: 't', status: 'done', message: 'm' }, 'invalid_body'],
    ['an empty taskId', { taskId: '', status: 'completed', message: 'm' }, 'invalid_body'],
    ['an extra property', { taskId: 't', status: 'completed', message: 'm', type: 'task-update' }, 'invalid_body'],
    ['a number for message', { taskId: 't', status: 'completed', message: 5 }, 'invalid_body'],
  ])('answers 400 to %s and broadcasts nothing', async (_name, body, error) => {
    await start();
    const listener = connect('/ws', await bearer());
    await listener.opened();
    const answer = await postStatus(body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error, details: expect.any(Array) });
    expect((answer.body as { details: unknown[] }).details.length).toBeGreaterThan(0);
    await postStatus({ taskId: 'marker', status: 'completed', message: 'after' });
    await listener.until(() => listener.ofType('task-update').length === 1);
    expect(listener.ofType('task-update').map((m) => m.taskId)).toEqual(['marker']);
  });

  it.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('answers 413 to a body over 1 MiB (%s), instead of resetting the connection', async (_, withLength) => {
    await start();
    const body = JSON.stringify({ taskId: 't', status: 'completed', message: 'x'.repeat(1536 * 1024) });
    const headers = { ...(await bearer()), 'Content-Type': 'application/json', ...(withLength ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) };
    const answer = await http({ headers, body });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: expect.stringContaining('body over') });
  });

  it('answers 415 when the Content-Type is not application/json, 405 to another method', async () => {
    await start();
    const body = JSON.stringify({ taskId: 't', status: 'completed', message: 'm' });
    const wrongType = await http({ headers: { ...(await bearer()), 'Content-Type': 'text/plain' }, body });
    expect(wrongType.status).toBe(415);
    const noType = await http({ headers: await bearer(), body });
    expect(noType.status).toBe(415);
    const charset = await http({ headers: { ...(await bearer()), 'Content-Type': 'application/json; charset=utf-8' }, body });
    expect(charset.status).toBe(202);
    const get = await http({ method: 'GET', headers: await bearer() });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});

// ---- client frames ----

describe('client frames on /ws', () => {
  it('answers each frame with the contract error (invalid_message / unsupported_message), in order, and stays open', async () => {
    await start();
    const c = connect('/ws', await bearer());
    await c.opened();
    const frames: [string | Buffer, boolean, string][] = [
      ['not json', false, 'invalid_message'],
      [Buffer.from([0, 1, 2, 255]), true, 'invalid_message'],
      ['[1,2,3]', false, 'invalid_message'],
      ['42', false, 'invalid_message'],
      ['null', false, 'invalid_message'],
      ['"text"', false, 'invalid_message'],
      ['', false, 'invalid_message'],
      ['{}', false, 'unsupported_message'],
      [JSON.stringify({ type: 'nope' }), false, 'unsupported_message'],
      [
        JSON.stringify({ type: 'worker-status', workerId: 'sarah-ae-west', status: 'running', timestamp: '2026-03-04T10:00:00Z' }),
        false,
        'unsupported_message',
      ],
      [JSON.stringify({ type: 'pong' }), false, 'unsupported_message'],
      [JSON.stringify({ taskId: 'task-001', status: 'completed', message: 'over the socket' }), false, 'unsupported_message'],
    ];
    for (const [data, binary] of frames) c.ws.send(data, { binary });
    await c.until(() => c.ofType('error').length === frames.length);
    expect(c.ofType('error').map((e) => e.code)).toEqual(frames.map((f) => f[2]));
    for (const e of c.ofType('error')) expect(e).toEqual({ type: 'error', code: e.code, message: expect.any(String), timestamp: expect.any(String) });
    expect(c.closed).toBeUndefined();
    // Nothing was acted upon: no task-update came of the TaskStatusRequest-shaped frame.
    expect(c.ofType('task-update')).toEqual([]);
    const answer = await postStatus({ taskId: 'still-up', status: 'completed', message: 'm' });
    expect(answer.body).toEqual({ delivered: 1 });
    await c.until(() => c.ofType('task-update').length === 1);
  });

  it('closes with 1009 a frame over the runtime limit (1 MiB; the contract declares none), answers one at the limit, and stays up', async () => {
    await start();
    const c = connect('/ws', await bearer());
    await c.opened();
    const atLimit = JSON.stringify({ pad: 'x'.repeat((1 << 20) - 10) });
    expect(Buffer.byteLength(atLimit)).toBe(1 << 20);
    c.ws.send(atLimit);
    await c.until(() => c.ofType('error').length === 1);
    expect(c.ofType('error')[0]).toMatchObject({ code: 'unsupported_message' });
    c.ws.send('x'.repeat((1 << 20) + 1));
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1009);
    expect(errors.some((e) => (e as { code?: string }).code === 'SW_FRAME_TOO_LARGE')).toBe(true);
    const again = connect('/ws', await bearer());
    await again.opened();
    await again.until(() => again.sim().length >= 1);
  });
});

// ---- heartbeat ----

describe('heartbeat (mode none)', () => {
  it('sends no application heartbeat and keeps a silent client connected', async () => {
    await start();
    const c = connect('/ws', await bearer());
    await c.opened();
    // 60 ticks and several protocol-ping periods (30 s × scale) with the client sending nothing.
    await c.until(() => c.sim().length >= 40);
    await new Promise((r) => setTimeout(r, 30_000 * SCALE * 2));
    expect(c.closed).toBeUndefined();
    expect(c.frames.every((f) => SIM_TAGS.includes(f.type))).toBe(true);
    expect(c.frames.some((f) => /heartbeat|ping|pong/.test(f.type))).toBe(false);
  });
});

// ---- the simulation ----

interface RunTrack {
  step: number;
  status: string;
  total?: number;
  gate?: number;
  finished: boolean;
}

/** Checks the contract's obligations on a stream of simulation events; returns what it saw. */
function checkSimulation(events: Msg[]) {
  const runs = new Map<string, RunTrack>();
  const seen = {
    workerStatuses: new Set<string>(),
    approvals: 0,
    decisions: 0,
    approvedGates: 0,
    rejectedGates: 0,
    completedRuns: new Set<string>(),
    drewRuns: new Set<string>(),
    workflowRuns: new Set<string>(),
  };
  let lastTime = 0;
  for (const e of events) {
    const t = Date.parse(e.timestamp as string);
    expect(t).toBeGreaterThanOrEqual(lastTime);
    lastTime = t;
    if (e.type === 'worker-status') {
      seen.workerStatuses.add(e.status as string);
      if (['started', 'running', 'waiting'].includes(e.status as string)) expect(typeof e.currentTask).toBe('string');
      else expect(e.currentTask ?? null).toBeNull();
      continue;
    }
    const id = e.workflowId as string;
    expect(typeof id).toBe('string');
    const run = runs.get(id);
    if (e.type === 'approval-required') {
      seen.approvals++;
      expect(e.timeoutSeconds).toBe(parseTimeout(e.timeout as string));
      expect(Date.parse(e.expiresAt as string) - t).toBe((e.timeoutSeconds as number) * 1000);
      if (run) {
        expect(run.finished).toBe(false);
        expect(run.gate).toBeUndefined();
        // The gate is the step in progress.
        expect([run.step, run.status]).toEqual([e.step, 'running']);
        run.gate = e.step as number;
      } else runs.set(id, { step: e.step as number, status: 'running', gate: e.step as number, finished: false });
      continue;
    }
    const step = e.step as number;
    const status = e.status as string;
    const total = e.type === 'workflow-progress' ? (e.totalSteps as number) : DREW_PLAN.length;
    if (e.type === 'drew-update') {
      seen.drewRuns.add(id);
      expect(e.agent).toBe(DREW_PLAN[step - 1]!.agent);
    } else seen.workflowRuns.add(id);
    expect(step).toBeGreaterThanOrEqual(1);
    expect(step).toBeLessThanOrEqual(total);
    if (!run) {
      runs.set(id, { step, status, total, finished: false });
      continue;
    }
    expect(run.finished).toBe(false);
    if (run.total !== undefined) expect(total).toBe(run.total);
    run.total = total;
    if (run.gate !== undefined) {
      // Nothing moves past a gate before its decision, which is about the gate's step.
      expect(step).toBe(run.gate);
      expect(['completed', 'failed']).toContain(status);
      seen.decisions++;
      if (status === 'completed') seen.approvedGates++;
      else seen.rejectedGates++;
      run.gate = undefined;
    } else if (status === 'skipped') {
      expect(step).toBe(run.step + 1);
      expect(['failed', 'skipped']).toContain(run.status);
    } else if (run.status === 'completed') {
      // After a completed step comes the next one.
      expect([step, status]).toEqual([run.step + 1, 'running']);
    } else if (run.status === 'running') {
      expect(step).toBe(run.step);
      expect(['completed', 'failed']).toContain(status);
    } else if (run.status === 'failed') {
      // A failed step is retried, or the run gives up and skips the rest.
      expect([step, status]).toEqual([run.step, 'running']);
    }
    run.step = step;
    run.status = status;
    if (step === total && (status === 'completed' || status === 'skipped')) {
      run.finished = true;
      if (status === 'completed') seen.completedRuns.add(id);
    }
  }
  return seen;
}

function parseTimeout(text: string): number {
  const m = /^([1-9][0-9]*) (second|minute|hour|day|week)s?$/.exec(text);
  expect(m).not.toBeNull();
  return Number(m![1]) * UNIT_SECONDS[m![2] as keyof typeof UNIT_SECONDS];
}

describe('simulation', () => {
  it('workers change status with their tasks; workflows and Drew runs progress step by step through approval gates', async () => {
    await start({ seed: 3 });
    const c = connect('/ws', await bearer());
    await c.opened();
    const enough = () => {
      const events = c.sim();
      const decided = (type: string) =>
        events.some(
          (a, i) =>
            a.type === 'approval-required' &&
            events.slice(i + 1).some((e) => e.type === type && e.workflowId === a.workflowId && e.step === a.step && e.status === 'completed'),
        );
      const completedWorkflow = events.some((e) => e.type === 'workflow-progress' && e.step === e.totalSteps && e.status === 'completed');
      const completedDrew = events.some((e) => e.type === 'drew-update' && e.step === DREW_PLAN.length && e.status === 'completed');
      const statuses = new Set(events.filter((e) => e.type === 'worker-status').map((e) => e.status));
      return (
        decided('workflow-progress') &&
        decided('drew-update') &&
        completedWorkflow &&
        completedDrew &&
        ['idle', 'started', 'running', 'waiting'].every((s) => statuses.has(s))
      );
    };
    await c.until(enough, 30_000);
    const seen = checkSimulation(c.sim());
    expect(seen.approvals).toBeGreaterThanOrEqual(2);
    expect(seen.decisions).toBeGreaterThanOrEqual(2);
    expect(seen.completedRuns.size).toBeGreaterThanOrEqual(2);
    expect(c.closed).toBeUndefined();
  });

  it('keeps its invariants over a long run (pure state machine, many seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5, 99, 12345]) {
      let now = Date.parse('2026-03-04T10:00:00Z');
      const clock = { now: () => now, iso: () => new Date(now).toISOString() };
      const sim = new SteadybaseSimulation(new Random(seed), clock);
      const events: Msg[] = [];
      for (let i = 0; i < 3000; i++) {
        now += 1000;
        for (const e of sim.step()) {
          const verdict = validateEventsServerMessage(e);
          if (!verdict.ok) violations.push(JSON.stringify(verdict.errors));
          events.push(e as unknown as Msg);
        }
      }
      const seen = checkSimulation(events);
      expect(seen.rejectedGates).toBeGreaterThan(0);
      expect(seen.approvedGates).toBeGreaterThan(seen.rejectedGates);
      expect([...seen.workerStatuses].sort()).toEqual(['error', 'idle', 'running', 'started', 'stopped', 'waiting']);
      expect(seen.drewRuns.size).toBeGreaterThan(5);
      expect(sim.activeRuns().length).toBeLessThanOrEqual(3);
    }
  });

  it('is deterministic: the same seed gives the same events, over the socket too', async () => {
    const run = (seed: number) => {
      const clock = createClock({ timeScale: 0.05 });
      const sim = new SteadybaseSimulation(new Random(seed), clock);
      return Array.from({ length: 200 }, () => sim.step())
        .flat()
        .map(strip);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));

    await start({ seed: 7, timeScale: 0.05 });
    const c = connect('/ws', await bearer());
    await c.opened();
    await c.until(() => c.sim().length >= 12);
    const observed = c.sim().slice(0, 12).map(strip);
    const expected = run(7);
    // The client may have missed the first events (it connects after listen): find where it joined.
    const offset = expected.findIndex((_, k) => JSON.stringify(expected.slice(k, k + observed.length)) === JSON.stringify(observed));
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(10);
  });
});

function strip(e: unknown): unknown {
  const { timestamp: _t, expiresAt: _e, ...rest } = e as Record<string, unknown>;
  return rest;
}

// ---- credentials, urls, shutdown ----

describe('server', () => {
  it('prints working credentials for each scheme and urls for each endpoint', async () => {
    const r = await start({ secrets: {} });
    const origin = `http://127.0.0.1:${port}`;
    const urls = r.urls(origin);
    expect(urls).toEqual([`ws://127.0.0.1:${port}/ws`, `${origin}/api/tasks/status`]);
    expect(r.urls('https://example.test/')).toEqual(['wss://example.test/ws', 'https://example.test/api/tasks/status']);
    const creds = await r.credentials();
    expect(creds.map((c) => c.scheme).sort()).toEqual(api.securitySchemes.map((s) => s.id).sort());
    for (const c of creds) expect(c.usage.length).toBeGreaterThan(10);
    const header = creds.find((c) => c.scheme === 'bearerJwt')!;
    const query = creds.find((c) => c.scheme === 'accessTokenQuery')!;
    const viaHeader = connect('/ws', { Authorization: `Bearer ${header.value}` });
    const viaQuery = connect(`/ws?access_token=${encodeURIComponent(query.value)}`);
    await Promise.all([viaHeader.opened(), viaQuery.opened()]);
    const answer = await postStatus({ taskId: 'task-001', status: 'running', message: 'm' }, { Authorization: `Bearer ${header.value}` });
    expect(answer.body).toEqual({ delivered: 2 });
    // A token of this server is worthless on another one (secrets are generated per server).
    const payload = JSON.parse(Buffer.from(header.value.split('.')[1]!, 'base64url').toString()) as { sub: string; exp: number; iat: number };
    expect(payload.sub).toBe('dev-user');
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it('answers an unknown path with 404', async () => {
    await start();
    const c = connect('/nowhere', await bearer());
    await c.until(() => c.refused !== undefined);
    expect(c.refused!.status).toBe(404);
    expect((await http({ method: 'GET', path: '/nowhere' })).status).toBe(404);
  });

  it('shuts down gracefully: 1001 to every client, simulation stopped, port closed', async () => {
    const r = await start();
    const a = connect('/ws', await bearer());
    const b = connect(`/ws?access_token=${await token()}`);
    await Promise.all([a.opened(), b.opened()]);
    let steps = 0;
    const step = r.simulation.step.bind(r.simulation);
    r.simulation.step = () => {
      steps++;
      return step();
    };
    await until(
      () => steps > 2,
      () => 'ticks',
    );
    await r.close();
    ref = undefined;
    await a.until(() => a.closed !== undefined);
    await b.until(() => b.closed !== undefined);
    expect([a.closed!.code, b.closed!.code]).toEqual([1001, 1001]);
    const after = steps;
    await new Promise((resolve) => setTimeout(resolve, 1000 * SCALE * 10));
    expect(steps).toBe(after);
    await expect(postStatus({ taskId: 't', status: 'completed', message: 'm' })).rejects.toThrow();
  });
});

// ---- fuzz ----

/** The contract's answer to a frame, decided independently of the server's code. */
function expectedCode(data: string | Buffer, binary: boolean): string {
  if (binary) return 'invalid_message';
  try {
    const v: unknown = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? 'unsupported_message' : 'invalid_message';
  } catch {
    return 'invalid_message';
  }
}

const SEEDS: unknown[] = [
  { type: 'worker-status', workerId: 'sarah-ae-west', status: 'running', currentTask: 'Preparing call brief for Acme Corp', timestamp: '2026-03-04T10:00:00Z' },
  {
    type: 'workflow-progress',
    workflowId: 'client-onboarding-acme-001',
    step: 3,
    totalSteps: 5,
    action: 'Proposal generated',
    status: 'completed',
    timestamp: '2026-03-04T10:05:00Z',
  },
  {
    type: 'drew-update',
    step: 2,
    agent: 'Lisa',
    action: 'Queried 12 Gong transcripts from last 30 days',
    status: 'completed',
    timestamp: '2026-03-04T10:00:15Z',
  },
  { type: 'task-update', taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp', timestamp: '2026-03-04T10:10:00Z' },
  { type: 'approval-required', workflowId: 'drew-coord-2026-03-04-001', step: 7, description: 'Review', timeout: '7 days', timestamp: '2026-03-04T10:30:00Z' },
  { type: 'error', code: 'unsupported_message', message: 'x', timestamp: '2026-03-04T10:00:01Z' },
  { taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp' },
  { type: 'pong' },
];

function randomString(rnd: Random, max: number): string {
  const n = rnd.int(0, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rnd.next();
    s +=
      r < 0.7
        ? String.fromCharCode(rnd.int(32, 126))
        : r < 0.85
          ? rnd.pick(['{', '}', '[', ']', '"', ':', ',', '\\', '\n', '\t'])
          : String.fromCodePoint(rnd.pick([0xe9, 0x4e2d, 0x1f600, 0x0, 0x7f, 0x2028]));
  }
  return s;
}

function randomJson(rnd: Random, depth: number): unknown {
  const r = rnd.next();
  if (depth > 3 || r < 0.3) return rnd.pick<unknown>([0, -1, 1.5, 1e308, true, false, null, '', 'x', randomString(rnd, 10)]);
  if (r < 0.6) return Array.from({ length: rnd.int(0, 4) }, () => randomJson(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = rnd.int(0, 4); i > 0; i--)
    o[rnd.pick(['type', 'taskId', 'status', '__proto__', 'constructor', randomString(rnd, 6)])] = randomJson(rnd, depth + 1);
  return o;
}

function mutate(rnd: Random, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const keys = Object.keys(copy);
  switch (rnd.int(0, 5)) {
    case 0:
      if (keys.length) delete copy[rnd.pick(keys)];
      break;
    case 1:
      copy.type = rnd.pick(['', 'WORKER-STATUS', 'heartbeat', 'task-status-request', 42, null]);
      break;
    case 2:
      if (keys.length) copy[rnd.pick(keys)] = randomJson(rnd, 2);
      break;
    case 3:
      copy[randomString(rnd, 8)] = randomJson(rnd, 1);
      break;
    case 4:
      return [copy];
    default:
      return rnd.pick<unknown>([copy, JSON.stringify(copy)]);
  }
  return copy;
}

function fuzzFrame(rnd: Random): [string | Buffer, boolean] {
  const r = rnd.next();
  if (r < 0.1) return [Buffer.from(Array.from({ length: rnd.int(0, 64) }, () => rnd.int(0, 255))), true];
  if (r < 0.25) return [randomString(rnd, 80), false];
  if (r < 0.45) return [JSON.stringify(randomJson(rnd, 0)) ?? 'undefined', false];
  if (r < 0.75) return [JSON.stringify(mutate(rnd, rnd.pick(SEEDS))), false];
  if (r < 0.9) {
    const text = JSON.stringify(rnd.pick(SEEDS));
    return [text.slice(0, rnd.int(0, text.length)), false];
  }
  if (r < 0.95) {
    const depth = rnd.int(1, 2000);
    return [rnd.next() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), false];
  }
  if (r < 0.97) return [JSON.stringify({ pad: 'y'.repeat(rnd.int(1000, 200_000)) }), false];
  return [rnd.pick(['\uFEFF{}', ' {} ', '{"a":1}{"b":2}', 'NaN', 'undefined', '{"a":1,}', "{'a':1}", '\u0000']), false];
}

describe('fuzz', () => {
  it('answers thousands of random and mutated frames from two clients, each as the contract says, and stays up', async () => {
    await start({ timeScale: 0.05 });
    const rnd = new Random(20260304);
    const a = connect('/ws', await bearer());
    const b = connect(`/ws?access_token=${await token()}`);
    await Promise.all([a.opened(), b.opened()]);
    const expected = new Map<typeof a, string[]>([
      [a, []],
      [b, []],
    ]);
    for (let i = 0; i < 3000; i++) {
      const client = i % 2 === 0 ? a : b;
      const [data, binary] = fuzzFrame(rnd);
      expected.get(client)!.push(expectedCode(data, binary));
      client.ws.send(data, { binary });
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    for (const client of [a, b]) {
      await client.until(() => client.ofType('error').length >= 1500, 40_000);
      expect(client.ofType('error').map((e) => e.code)).toEqual(expected.get(client));
      expect(client.closed).toBeUndefined();
    }
    // Both codes were exercised.
    expect(new Set(expected.get(a))).toEqual(new Set(['invalid_message', 'unsupported_message']));
    const answer = await postStatus({ taskId: 'after-fuzz', status: 'completed', message: 'still up' });
    expect(answer.body).toEqual({ delivered: 2 });
  });

  it('answers random POST bodies with 202 or 400 as the contract says', async () => {
    const r = await start();
    const rnd = new Random(4242);
    const listener = connect('/ws', await bearer());
    await listener.opened();
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const candidate = rnd.next() < 0.4 ? mutate(rnd, SEEDS[6]) : rnd.next() < 0.5 ? randomJson(rnd, 0) : SEEDS[6];
      const text = rnd.next() < 0.15 ? randomString(rnd, 30) : (JSON.stringify(candidate) ?? 'null');
      let want: number;
      try {
        want = validateTaskStatusRequest(JSON.parse(text)).ok ? 202 : 400;
      } catch {
        want = 400;
      }
      const answer = await postStatus(text);
      expect([text, answer.status]).toEqual([text, want]);
      if (want === 202) accepted++;
    }
    expect(accepted).toBeGreaterThan(10);
    await listener.until(() => listener.ofType('task-update').length === accepted);
    expect(r.tasks.size).toBeGreaterThan(0);
  });
});
