import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { validateWorkflowClientMessage, validateWorkflowServerMessage } from '../../generated/agnt5/validators.gen.js';
import { ENDPOINTS } from '../../reference-server/agnt5/catalog.ts';
import { createAgnt5Reference, type Agnt5Reference, type Agnt5ReferenceOptions } from '../../reference-server/agnt5/index.ts';
import { DEFAULT_START } from '../../runtime/seeded/clock.ts';
import { Random } from '../../runtime/seeded/random.ts';
import { RawWs } from '../support/ws.ts';

// The agnt5 reference server over real sockets on 127.0.0.1, driven by an independent `ws`
// client. Every frame the server sends is checked against the generated validators.
const SCALE = 0.02;
const KEY = 'test-key-0123456789abcdef';
const COFFEE = 'coffee-shop-e66b8d23';
const TERMINAL = ['execution_completed', 'execution_failed', 'execution_cancelled'];

type Frame = { type: string; data: Record<string, unknown> & { execution_id?: string; code?: string; details?: Record<string, unknown> } };

let ref: Agnt5Reference | undefined;
let port = 0;
const violations: string[] = [];
const errors: Error[] = [];
const clients: WebSocket[] = [];

async function start(options: Agnt5ReferenceOptions = {}) {
  ref = createAgnt5Reference({ seed: 7, timeScale: SCALE, secrets: { apiKeys: [KEY] }, onError: (e) => errors.push(e), ...options });
  ({ port } = await ref.listen(0, '127.0.0.1'));
  return ref;
}

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await ref?.close();
  ref = undefined;
  errors.length = 0;
  const found = violations.splice(0);
  expect(found).toEqual([]);
});

/** A `ws` client that records (and validates) every frame, the close and a refused upgrade. */
function connect(query = `?x-wf-endpoint=${COFFEE}`, protocols: string[] = [`x-api-key.${KEY}`], options: WebSocket.ClientOptions = {}) {
  const client = new RawWs<Frame>(`ws://127.0.0.1:${port}/ws${query}`, {
    protocols,
    ws: options,
    onMessage: (message, frame) => {
      if (frame.binary) return void violations.push('binary frame from the server');
      if (message === undefined) return void violations.push(`not JSON: ${frame.text.slice(0, 80)}`);
      const verdict = validateWorkflowServerMessage(message);
      if (!verdict.ok) violations.push(`invalid ${JSON.stringify(message).slice(0, 200)}: ${JSON.stringify(verdict.errors)}`);
    },
  });
  clients.push(client.ws);
  return Object.assign(client, {
    /** Answers to invocation frames, in order: execution_started or error. */
    answers: () => client.frames.filter((f) => f.type === 'execution_started' || f.type === 'error'),
    execution: (id: string) => client.frames.filter((f) => f.type !== 'error' && f.data.execution_id === id),
  });
}
type Client = ReturnType<typeof connect>;

async function until(check: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the upgrade to be refused; returns the HTTP status. */
async function refused(query: string, protocols?: string[]) {
  const c = connect(query, protocols);
  await until(() => c.status !== undefined || c.closed !== undefined || c.ws.readyState === c.ws.OPEN, 'the handshake');
  expect(c.ws.readyState).not.toBe(c.ws.OPEN);
  return c.status;
}

/** Invokes and waits for the whole execution; returns its events. */
async function run(c: Client, invocation: Record<string, unknown>) {
  const before = c.answers().length;
  c.send(invocation);
  await until(() => c.answers().length > before, 'an answer');
  const answer = c.answers()[before]!;
  expect(answer.type, JSON.stringify(answer)).toBe('execution_started');
  const id = answer.data.execution_id!;
  await until(() => c.execution(id).some((f) => TERMINAL.includes(f.type)), `the end of ${id}`);
  return c.execution(id);
}

/** The ordering rules of the contract for one execution's events. */
function checkExecution(events: Frame[]) {
  const types = events.map((e) => e.type);
  expect(types[0]).toBe('execution_started');
  expect(types.filter((t) => TERMINAL.includes(t))).toHaveLength(1);
  expect(TERMINAL).toContain(types.at(-1));
  expect(types.filter((t) => t === 'execution_started')).toHaveLength(1);
  expect(new Set(events.map((e) => e.data.execution_id)).size).toBe(1);
  if (types.length > 2) expect(types[1]).toBe('workflow_start');
  // Starts and ends pair up: no end or error without an open start of the same kind.
  const open = { task: 0, llm: 0, tool: 0 };
  for (const t of types) {
    const [kind, what] = t.split('_') as [keyof typeof open, string];
    if (!(kind in open)) continue;
    if (what === 'start') open[kind]++;
    else {
      expect(open[kind], `${t} without ${kind}_start in ${types.join(',')}`).toBeGreaterThan(0);
      open[kind]--;
    }
  }
  for (const e of events)
    if (e.type.endsWith('_error') || e.type === 'execution_failed') expect(e.data.details?.error).toMatchObject({ message: expect.any(String) });
  return types;
}

describe('agnt5 handshake and auth', () => {
  it('accepts the API key subprotocol and echoes it back', async () => {
    await start();
    const c = connect(`?x-wf-endpoint=${COFFEE}`, ['chat', `x-api-key.${KEY}`]);
    await c.opened();
    expect(c.ws.protocol).toBe(`x-api-key.${KEY}`);
  });

  it.each([
    ['no subprotocol', []],
    ['another subprotocol only', ['chat']],
    ['an unknown key', ['x-api-key.not-the-key']],
    ['the prefix without a key', ['x-api-key.']],
    ['a key with the wrong prefix', [`api-key.${KEY}`]],
  ])('refuses %s with 401', async (_name, protocols) => {
    await start();
    expect(await refused(`?x-wf-endpoint=${COFFEE}`, protocols)).toBe(401);
  });

  it.each([
    ['missing x-wf-endpoint', '', 400],
    ['an empty x-wf-endpoint', '?x-wf-endpoint=', 400],
    ['an unknown endpoint', '?x-wf-endpoint=tea-house-00000000', 404],
    // The seed states no format for an endpoint: any non-empty name is looked up (agnt5#endpoint-query-parameter).
    ['an unknown endpoint in upper case', '?x-wf-endpoint=Coffee-Shop', 404],
    ['an unknown endpoint with an underscore', '?x-wf-endpoint=coffee_shop', 404],
    ['an unknown endpoint of 129 characters', `?x-wf-endpoint=${'a'.repeat(129)}`, 404],
  ])('refuses %s (%s) with %i', async (_name, query, status) => {
    await start();
    expect(await refused(query)).toBe(status);
  });

  it('refuses other paths with 404', async () => {
    await start();
    const c = new WebSocket(`ws://127.0.0.1:${port}/other?x-wf-endpoint=${COFFEE}`, [`x-api-key.${KEY}`]);
    clients.push(c);
    const status = await new Promise<number>((resolve) => c.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)).on('error', () => undefined));
    expect(status).toBe(404);
  });

  it('accepts every seeded endpoint and ignores other query parameters', async () => {
    await start();
    for (const e of ENDPOINTS) {
      const c = connect(`?x-wf-endpoint=${e.id}&debug=1`);
      await c.opened();
    }
  });

  it('gives working credentials and urls', async () => {
    const server = createAgnt5Reference({ timeScale: SCALE });
    ref = server;
    ({ port } = await server.listen(0));
    const [credential, ...rest] = await server.credentials();
    expect(rest).toEqual([]);
    expect(credential).toMatchObject({ scheme: 'apiKeySubprotocol', usage: expect.stringContaining('x-api-key.') });
    const urls = server.urls(`http://127.0.0.1:${port}`);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\?x-wf-endpoint=[a-z0-9-]+$/);
      const ws = new WebSocket(url, [`x-api-key.${credential!.value}`]);
      clients.push(ws);
      await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    }
  });
});

describe('agnt5 executions', () => {
  it('runs search-candidates to execution_completed, events in contract order', async () => {
    await start();
    const c = connect();
    await c.opened();
    const events = await run(c, {
      name: 'search-candidates',
      parameters: { user_query: 'React engineer', filters: {} },
      metadata: {},
      connection_id: 'ws_c2GDFfT7bywQZW4He6CNFw',
    });
    const types = checkExecution(events);
    expect(types.at(-1)).toBe('execution_completed');
    expect(types).toEqual(
      expect.arrayContaining(['workflow_start', 'workflow_end', 'task_start', 'task_end', 'llm_start', 'llm_end', 'tool_start', 'tool_end']),
    );
    expect(events[0]!.data.details).toMatchObject({ workflow: 'search-candidates', endpoint: COFFEE, parameters: { user_query: 'React engineer' } });
    expect(events.at(-1)!.data.details).toMatchObject({ workflow: 'search-candidates', output: { candidates: expect.any(Number) } });
    // Nothing carries the execution_id after its terminal event.
    const id = events[0]!.data.execution_id!;
    await sleep(200);
    expect(c.execution(id)).toHaveLength(events.length);
  });

  it.each([
    ['process-refund', {}, 'execution_failed', ['tool_error', 'task_error', 'workflow_error']],
    ['screen-resume', {}, 'execution_failed', ['llm_error', 'task_error', 'workflow_error'], 'talent-scout-4f1a9c02'],
    ['draft-reply', {}, 'execution_failed', ['workflow_error'], 'support-desk-7b3e0d15'],
    ['nightly-inventory-report', {}, 'execution_cancelled', []],
    ['lookup-order', {}, 'execution_completed', ['tool_error']],
    ['search-candidates', { simulate: 'cancel' }, 'execution_cancelled', []],
    ['search-candidates', { simulate: 'task_error' }, 'execution_failed', ['task_error', 'workflow_error']],
    ['search-candidates', { simulate: 'llm_error' }, 'execution_failed', ['llm_error', 'task_error', 'workflow_error']],
    ['search-candidates', { simulate: 'tool_error' }, 'execution_failed', ['tool_error', 'task_error', 'workflow_error']],
    ['search-candidates', { simulate: 'workflow_error' }, 'execution_failed', ['workflow_error']],
    ['process-refund', { simulate: 'complete' }, 'execution_completed', []],
    ['search-candidates', { simulate: 42 }, 'execution_completed', []],
    ['search-candidates', { simulate: 'explode' }, 'execution_completed', []],
  ] as [string, Record<string, unknown>, string, string[], string?][])(
    '%s with %j ends in %s',
    async (name, parameters, terminal, errorTypes, endpoint = COFFEE) => {
      await start();
      const c = connect(`?x-wf-endpoint=${endpoint}`);
      await c.opened();
      const events = await run(c, { name, parameters });
      const types = checkExecution(events);
      expect(types.at(-1)).toBe(terminal);
      expect(types).toEqual(expect.arrayContaining(errorTypes));
      if (errorTypes.length === 0 && terminal !== 'execution_failed') expect(types.filter((t) => t.endsWith('_error'))).toEqual([]);
      if (terminal === 'execution_failed') expect(events.at(-1)!.data.details?.error).toMatchObject({ message: expect.any(String), code: expect.any(String) });
      if (terminal === 'execution_cancelled') expect(events.at(-1)!.data.details).toMatchObject({ reason: 'cancelled by operator' });
    },
  );

  it('answers an unknown workflow with unknown_workflow and keeps the connection', async () => {
    await start();
    const c = connect();
    await c.opened();
    c.send({ name: 'search-candidate' });
    c.send({ name: 'screen-resume' }); // exists on another endpoint only
    await until(() => c.answers().length === 2, 'two answers');
    for (const a of c.answers()) expect(a).toMatchObject({ type: 'error', data: { code: 'unknown_workflow' } });
    expect(c.answers()[0]!.data.message).toContain('search-candidate');
    const events = await run(c, { name: 'search-candidates' });
    checkExecution(events);
    expect(c.closed).toBeUndefined();
  });

  it('copes with valid but surprising invocations', async () => {
    await start();
    const c = connect();
    await c.opened();
    const depth = 30_000;
    const deep = `{"name":"search-candidates","parameters":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    expect(Buffer.byteLength(deep)).toBeLessThanOrEqual(65536);
    c.send(deep);
    c.send('{"name":"search-candidates","parameters":{"__proto__":{"polluted":true},"constructor":{"prototype":{}}},"metadata":{"__proto__":null}}');
    c.send({ name: 'search-candidates', parameters: { simulate: { nested: 'cancel' }, emoji: '💥\u2028', n: 1e308 }, metadata: { trace: [null, false, 0] } });
    c.send({ name: 'constructor' });
    c.send({ name: '0' });
    await until(() => c.answers().length === 5, 'five answers');
    expect(c.answers().map((a) => (a.type === 'error' ? a.data.code : a.type))).toEqual([
      'execution_started',
      'execution_started',
      'execution_started',
      'unknown_workflow',
      'unknown_workflow',
    ]);
    expect(c.answers()[0]!.data.details).not.toHaveProperty('parameters');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const ids = c.ofType('execution_started').map((s) => s.data.execution_id!);
    await until(() => ids.every((id) => c.execution(id).some((f) => TERMINAL.includes(f.type))), 'every terminal event');
    for (const id of ids) expect(checkExecution(c.execution(id)).at(-1)).toBe('execution_completed');
    expect(c.closed).toBeUndefined();
  });

  it('answers concurrent invocations in order and keeps executions apart', async () => {
    await start();
    const c = connect();
    await c.opened();
    const names = ['search-candidates', 'nope', 'process-refund', 'lookup-order', 'nightly-inventory-report', 'recommend-blend'];
    for (const name of names) c.send({ name });
    await until(() => c.answers().length === names.length, 'all answers');
    expect(c.answers().map((a) => (a.type === 'error' ? a.data.code : a.data.details?.workflow))).toEqual([
      'search-candidates',
      'unknown_workflow',
      'process-refund',
      'lookup-order',
      'nightly-inventory-report',
      'recommend-blend',
    ]);
    const ids = c.ofType('execution_started').map((s) => s.data.execution_id!);
    expect(new Set(ids).size).toBe(ids.length);
    await until(() => ids.every((id) => c.execution(id).some((f) => TERMINAL.includes(f.type))), 'every terminal event');
    for (const id of ids) checkExecution(c.execution(id));
    expect(c.frames.every((f) => f.type === 'error' || ids.includes(f.data.execution_id!))).toBe(true);
  });

  it('delivers events only to the connection that invoked, and survives that connection closing', async () => {
    const server = await start();
    const a = connect();
    const b = connect();
    await Promise.all([a.opened(), b.opened()]);
    await run(a, { name: 'search-candidates' });
    expect(b.frames).toEqual([]);
    a.send({ name: 'nightly-inventory-report' });
    await until(() => a.answers().length === 2, 'execution_started');
    a.ws.close();
    await until(() => a.closed !== undefined, 'the close');
    await until(() => server.stats().running === 0, 'the orphaned execution to finish');
    expect(server.stats().started).toBe(2);
    expect(b.frames).toEqual([]);
    await run(b, { name: 'lookup-order' });
  });

  it('answers internal_error when it cannot start more executions', async () => {
    await start({ maxRunningExecutions: 2, maxRunningPerKey: 2 });
    const c = connect();
    await c.opened();
    for (let i = 0; i < 3; i++) c.send({ name: 'nightly-inventory-report' });
    await until(() => c.answers().length === 3, 'three answers');
    expect(c.answers().map((a) => a.type)).toEqual(['execution_started', 'execution_started', 'error']);
    expect(c.answers()[2]!.data.code).toBe('internal_error');
    await until(() => ref!.stats().running === 0, 'executions to end');
    checkExecution(await run(c, { name: 'search-candidates' }));
  });

  it('gives one API key only its share of the execution limit, so another key still gets slots', async () => {
    const OTHER = 'other-key-0123456789abcdef';
    await start({ maxRunningExecutions: 8, secrets: { apiKeys: [KEY, OTHER] } });
    const greedy = connect();
    const other = connect(`?x-wf-endpoint=${COFFEE}`, [`x-api-key.${OTHER}`]);
    await Promise.all([greedy.opened(), other.opened()]);
    for (let i = 0; i < 3; i++) greedy.send({ name: 'nightly-inventory-report' });
    await until(() => greedy.answers().length === 3, 'three answers');
    expect(greedy.answers().map((a) => a.data.code ?? a.type)).toEqual(['execution_started', 'execution_started', 'internal_error']);
    expect(greedy.answers()[2]!.data.message).toMatch(/share/);
    for (let i = 0; i < 2; i++) other.send({ name: 'nightly-inventory-report' });
    await until(() => other.answers().length === 2, 'two answers');
    expect(other.answers().map((a) => a.type)).toEqual(['execution_started', 'execution_started']);
    await until(() => ref!.stats().running === 0, 'executions to end');
    checkExecution(await run(greedy, { name: 'search-candidates' }));
  });

  it('is deterministic: same seed and invocations, same traffic', async () => {
    const fixed = { now: () => DEFAULT_START, iso: () => new Date(DEFAULT_START).toISOString() };
    const traffic: Frame[][] = [];
    for (let round = 0; round < 2; round++) {
      await start({ seed: 99, clock: fixed });
      const c = connect();
      await c.opened();
      for (const name of ['recommend-blend', 'recommend-blend', 'recommend-blend', 'search-candidates']) await run(c, { name });
      traffic.push([...c.frames].sort((x, y) => (x.data.execution_id! < y.data.execution_id! ? -1 : x.data.execution_id! > y.data.execution_id! ? 1 : 0)));
      c.ws.terminate();
      await ref!.close();
      ref = undefined;
    }
    expect(traffic[0]!.length).toBeGreaterThan(10);
    expect(traffic[1]).toEqual(traffic[0]);
  });
});

describe('agnt5 bad frames', () => {
  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"name": "search-candidates"'],
    ['a JSON string', '"search-candidates"'],
    ['null', 'null'],
    ['an array (no batching)', JSON.stringify([{ name: 'search-candidates' }])],
    ['no name', JSON.stringify({ parameters: {} })],
    ['a name of the wrong type', JSON.stringify({ name: 7 })],
    ['an empty name', JSON.stringify({ name: '' })],
    ['parameters as an array', JSON.stringify({ name: 'search-candidates', parameters: [] })],
    ['metadata as a string', JSON.stringify({ name: 'search-candidates', metadata: 'x' })],
    ['an extra field', JSON.stringify({ name: 'search-candidates', priority: 1 })],
    ['a server tag', JSON.stringify({ type: 'execution_started', data: { timestamp: '2024-01-10T12:00:00Z', details: {}, execution_id: 'exec_abc123' } })],
    ['a tagged invocation', JSON.stringify({ type: 'invoke', name: 'search-candidates' })],
  ])('answers %s with invalid_message and stays open', async (_name, text) => {
    await start();
    const c = connect();
    await c.opened();
    c.send(text);
    await until(() => c.answers().length === 1, 'the answer');
    expect(c.answers()[0]).toMatchObject({ type: 'error', data: { code: 'invalid_message' } });
    checkExecution(await run(c, { name: 'search-candidates' }));
    expect(c.closed).toBeUndefined();
  });

  // The seed gives workflow names and connection ids as examples, not formats (agnt5#workflow-name-pattern, agnt5#connection-id).
  it.each([
    ['upper case', 'Search-Candidates'],
    ['129 characters', 'a'.repeat(129)],
  ])('looks up a workflow name in %s: unknown_workflow, not invalid_message', async (_name, name) => {
    await start();
    const c = connect();
    await c.opened();
    c.send(JSON.stringify({ name }));
    await until(() => c.answers().length === 1, 'the answer');
    expect(c.answers()[0]).toMatchObject({ type: 'error', data: { code: 'unknown_workflow' } });
    expect(c.closed).toBeUndefined();
  });

  it('accepts a connection_id without the ws_ prefix of the seed’s examples', async () => {
    await start();
    const c = connect();
    await c.opened();
    checkExecution(await run(c, { name: 'search-candidates', connection_id: 'abc' }));
  });

  it('answers a binary frame with invalid_message and stays open', async () => {
    await start();
    const c = connect();
    await c.opened();
    c.ws.send(Buffer.from(JSON.stringify({ name: 'search-candidates' })), { binary: true });
    await until(() => c.answers().length === 1, 'the answer');
    expect(c.answers()[0]).toMatchObject({ type: 'error', data: { code: 'invalid_message' } });
    checkExecution(await run(c, { name: 'search-candidates' }));
  });
});

describe('agnt5 limits', () => {
  /** A valid invocation whose JSON text is exactly `bytes` bytes of UTF-8. */
  const invocationOf = (bytes: number) => {
    const empty = JSON.stringify({ name: 'search-candidates', parameters: { pad: '' } });
    return JSON.stringify({ name: 'search-candidates', parameters: { pad: 'x'.repeat(bytes - empty.length) } });
  };

  it('takes a frame of exactly 64 KiB and closes with 1009 past it; the server stays up', async () => {
    await start();
    const c = connect();
    await c.opened();
    const exact = invocationOf(65536);
    expect(Buffer.byteLength(exact)).toBe(65536);
    c.send(exact);
    await until(() => c.answers().length === 1, 'the answer');
    expect(c.answers()[0]!.type).toBe('execution_started');
    const over = invocationOf(65537);
    expect(Buffer.byteLength(over)).toBe(65537);
    c.send(over);
    await until(() => c.closed !== undefined, 'the close');
    expect(c.closed!.code).toBe(1009);
    // Multi-byte characters count as bytes, not characters.
    const d = connect();
    await d.opened();
    d.send(JSON.stringify({ name: 'search-candidates', parameters: { pad: 'é'.repeat(33_000) } }));
    await until(() => d.closed !== undefined, 'the close');
    expect(d.closed!.code).toBe(1009);
    const e = connect();
    await e.opened();
    checkExecution(await run(e, { name: 'search-candidates' }));
  });

  it('answers frames past 100 per second with rate_limited, drops them and stays open', async () => {
    await start();
    const c = connect();
    await c.opened();
    const n = 150;
    for (let i = 0; i < n; i++) c.send({ name: `no-such-workflow-${i}` });
    await until(() => c.answers().length === n, `${n} answers`);
    const codes = c.answers().map((a) => a.data.code);
    expect(codes.filter((x) => x === 'unknown_workflow').length).toBeGreaterThanOrEqual(100);
    expect(codes.filter((x) => x === 'rate_limited').length).toBeGreaterThanOrEqual(1);
    expect(codes.every((x) => x === 'unknown_workflow' || x === 'rate_limited')).toBe(true);
    // The first 100 of a burst are never limited.
    expect(codes.slice(0, 100).every((x) => x === 'unknown_workflow')).toBe(true);
    expect(c.closed).toBeUndefined();
    await sleep(1100);
    checkExecution(await run(c, { name: 'search-candidates' }));
  });

  it('refuses the 51st connection to one endpoint with 429, not other endpoints', async () => {
    await start();
    const open = Array.from({ length: 50 }, () => connect());
    await Promise.all(open.map((c) => c.opened()));
    expect(await refused(`?x-wf-endpoint=${COFFEE}`)).toBe(429);
    const other = connect('?x-wf-endpoint=support-desk-7b3e0d15');
    await other.opened();
    open[0]!.ws.close();
    // The slot frees once the server has seen the close.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const c = connect();
      await until(() => c.status !== undefined || c.closed !== undefined || c.ws.readyState === c.ws.OPEN, 'the handshake');
      if (c.ws.readyState === c.ws.OPEN) break;
      expect(c.status).toBe(429);
      if (Date.now() > deadline) throw new Error('the slot never freed');
      await sleep(50);
    }
  });
});

describe('agnt5 liveness and shutdown', () => {
  it('sends protocol pings and drops a peer that does not answer them', async () => {
    await start();
    const alive = connect();
    const dead = connect(`?x-wf-endpoint=${COFFEE}`, [`x-api-key.${KEY}`], { autoPong: false });
    await Promise.all([alive.opened(), dead.opened()]);
    await until(() => alive.pings >= 3, 'three pings');
    await until(() => dead.closed !== undefined, 'the dead peer to be dropped');
    expect(dead.closed!.code).toBe(1006);
    expect(alive.closed).toBeUndefined();
    checkExecution(await run(alive, { name: 'search-candidates' }));
  });

  it('closes with 1001 on shutdown and stops every execution', async () => {
    const server = await start();
    const c = connect();
    await c.opened();
    c.send({ name: 'nightly-inventory-report' });
    c.send({ name: 'search-candidates' });
    await until(() => c.answers().length === 2, 'two answers');
    expect(server.stats().running).toBeGreaterThan(0);
    await server.close();
    ref = undefined;
    await until(() => c.closed !== undefined, 'the close');
    expect(c.closed!.code).toBe(1001);
    expect(server.stats().running).toBe(0);
    const count = c.frames.length;
    await sleep(300);
    expect(c.frames.length).toBe(count);
  });
});

describe('agnt5 fuzz', () => {
  const WORKFLOWS = [
    'search-candidates',
    'recommend-blend',
    'lookup-order',
    'process-refund',
    'nightly-inventory-report',
    'screen-resume',
    'triage-ticket',
    'no-such-flow',
  ];
  const VALID_BASE = { name: 'search-candidates', parameters: { user_query: 'barista', filters: {} }, metadata: {}, connection_id: 'ws_fuzz' };

  /** One random frame: text (JSON or not) or binary, often a mutated valid invocation. */
  function frame(random: Random): string | Buffer {
    const r = random.next();
    if (r < 0.05) return Buffer.from(random.token(random.int(0, 40)));
    if (r < 0.15) return randomText(random);
    if (r < 0.3) return JSON.stringify(randomValue(random, 3));
    const invocation: Record<string, unknown> = structuredClone(VALID_BASE);
    invocation.name = random.pick(WORKFLOWS);
    const mutations = random.int(0, 3);
    for (let i = 0; i < mutations; i++) mutate(invocation, random);
    const text = JSON.stringify(invocation);
    if (random.next() < 0.1) {
      // Break the JSON text itself.
      const at = random.int(0, text.length - 1);
      return text.slice(0, at) + random.pick(['', '"', '}', '\\', ',', '\u0000', 'é']) + text.slice(at + 1);
    }
    return text;
  }

  function mutate(o: Record<string, unknown>, random: Random) {
    const keys = ['name', 'parameters', 'metadata', 'connection_id', 'type', 'data', 'extra', '__proto__', 'constructor'];
    const key = random.pick(keys);
    switch (random.int(0, 3)) {
      case 0:
        delete o[key];
        break;
      case 1:
        Object.defineProperty(o, key, { value: randomValue(random, 2), enumerable: true, configurable: true, writable: true });
        break;
      case 2:
        o.parameters = { simulate: random.pick(['complete', 'cancel', 'tool_error', 'llm_error', 'random', 'recover', 7, null, 'boom']) };
        break;
      default:
        o.name = random.pick(['', 'A', '-x', 'x'.repeat(129), 'x'.repeat(128), 'search_candidates', 'constructor', '__proto__', 'toString', 'a b', 'ünïcode']);
    }
  }

  function randomValue(random: Random, depth: number): unknown {
    switch (random.int(0, depth > 0 ? 7 : 4)) {
      case 0:
        return null;
      case 1:
        return random.next() < 0.5;
      case 2:
        return random.int(-1e6, 1e6) / random.pick([1, 7, 1000]);
      case 3:
        return random.token(random.int(0, 12));
      case 4:
        return randomText(random);
      case 5:
        return Array.from({ length: random.int(0, 4) }, () => randomValue(random, depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = random.int(0, 4); i > 0; i--) o[random.pick(['name', 'type', 'data', 'parameters', random.token(5)])] = randomValue(random, depth - 1);
        return o;
      }
    }
  }

  function randomText(random: Random): string {
    const alphabet = ['{', '}', '[', ']', '"', ':', ',', ' ', 'a', '1', '\\', 'n', 'u', 'é', '💥', '\u2028', 'null', 'true'];
    return Array.from({ length: random.int(0, 30) }, () => random.pick(alphabet)).join('');
  }

  /** What the contract says the server answers to a frame (rate_limited is always allowed too). */
  function expected(f: string | Buffer, endpoint: string): string {
    if (typeof f !== 'string') return 'invalid_message';
    let value: unknown;
    try {
      value = JSON.parse(f);
    } catch {
      return 'invalid_message';
    }
    const verdict = validateWorkflowClientMessage(value);
    if (!verdict.ok) return 'invalid_message';
    const known = ENDPOINTS.find((e) => e.id === endpoint)!.workflows.map((w) => w.name);
    return known.includes((value as { name: string }).name) ? 'execution_started' : 'unknown_workflow';
  }

  it('answers thousands of random and mutated frames as the contract says and stays up', { timeout: 60_000 }, async () => {
    const server = await start();
    const random = new Random(2024);
    const endpoints = ENDPOINTS.map((e) => e.id);
    const perConnection = 500;
    const connections = 6;
    const batch = 50;
    let total = 0;
    const kinds = new Map<string, number>();
    await Promise.all(
      Array.from({ length: connections }, async (_, i) => {
        const endpoint = endpoints[i % endpoints.length]!;
        const c = connect(`?x-wf-endpoint=${endpoint}`);
        await c.opened();
        const want: string[] = [];
        for (let sent = 0; sent < perConnection; sent += batch) {
          // Stay under 100 frames per second, so that most frames reach validation (a frame that
          // is rate limited anyway is still checked: it must get rate_limited).
          const paced = sleep(600);
          for (let j = 0; j < batch; j++) {
            const f = frame(random);
            want.push(expected(f, endpoint));
            if (typeof f === 'string') c.ws.send(f);
            else c.ws.send(f, { binary: true });
          }
          await until(() => c.answers().length >= want.length, `answers on ${endpoint}`, 20_000);
          await paced;
        }
        const got = c.answers().map((a) => (a.type === 'error' ? a.data.code! : a.type));
        expect(got).toHaveLength(want.length);
        for (const [k, w] of want.entries()) {
          if (got[k] !== 'rate_limited') expect(got[k], `frame ${k} on ${endpoint}`).toBe(w);
          kinds.set(got[k]!, (kinds.get(got[k]!) ?? 0) + 1);
        }
        expect(c.closed).toBeUndefined();
        total += got.length;
        const ids = c.ofType('execution_started').map((s) => s.data.execution_id!);
        await until(() => ids.every((id) => c.execution(id).some((f) => TERMINAL.includes(f.type))), 'every execution to end', 20_000);
        for (const id of ids) checkExecution(c.execution(id));
      }),
    );
    expect(total).toBe(perConnection * connections);
    // The fuzz reached every kind of answer but the rarest.
    expect(kinds.get('execution_started')).toBeGreaterThan(100);
    expect(kinds.get('invalid_message')).toBeGreaterThan(100);
    expect(kinds.get('unknown_workflow')).toBeGreaterThan(10);
    // Still serving.
    const after = connect();
    await after.opened();
    checkExecution(await run(after, { name: 'search-candidates' }));
    expect(server.stats().running).toBeGreaterThanOrEqual(0);
  });
});
