// Fuzz: ≥ 100,000 mutated frames per WebSocket API against its reference server (in a process of
// its own, host.js), every answer checked against what the contract says for that frame:
//
//   - a frame over the channel's size limit: close 1009 (x-sw-limits.maxMessageBytes; steadybase's
//     runtime limit of 1 MiB), the server stays up;
//   - a text frame that is not UTF-8: close 1007 (RFC 6455 §8.1: the contracts add nothing);
//   - otherwise the contract's `error` message with the contract's code, or no answer where the
//     contract gives none (a valid pong or auth), or the API's own answer to a valid message
//     (agnt5: execution_started, or unknown_workflow / internal_error); the connection stays open.
//
// The expected answer comes from the frame's bytes alone, through an independent oracle: the
// in-memory ajv validator of the contract (generator/src/validate), not the generated validators
// the server uses. Answers are compared in order, per connection, with a sentinel frame before
// every close and at the end (so that a missing or extra answer cannot hide). 0 crashes: the
// server process must neither exit nor report an uncaught exception / unhandled rejection, and
// its log must hold no `error`-level record (a bad frame is a `warn`).
//
//   node --import tsx --conditions=streamwright-source reliability/fuzz.js [--frames N] [--seed N] [--api name] [--json]

import path from 'node:path';
import { signJwt } from '../runtime/auth/index.ts';
import { Random } from '../runtime/seeded/index.ts';
import { loadSpec } from '../generator/src/index.ts';
import { createContractValidator } from '../generator/src/contract/index.ts';
import { AGENT_IDS, WORKFLOW_RUN_IDS, DEPLOYMENT_JOB_IDS } from '../reference-server/release-orchestrator/index.ts';
import { ENDPOINTS } from '../reference-server/agnt5/index.ts';
import { mutate, KINDS } from './frames.js';
import { Client, ROOT, WORK, isMain, startHost } from './lib.js';

const WINDOW = 48;
const SENTINEL = '"sentinel"';
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function contractValidator(api) {
  const loaded = await loadSpec(path.join(ROOT, 'spec', `${api}.asyncapi.yaml`), { rules: 'schema' });
  return createContractValidator(loaded.document);
}

/** The text of a frame, or undefined when a text frame is not UTF-8. */
function textOf(f) {
  if (typeof f.data === 'string') return f.data;
  try {
    return utf8.decode(f.data);
  } catch {
    return undefined;
  }
}

function byteLength(f) {
  return typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length;
}

/**
 * What the contract says the server does with a frame before the API's own rules: close, or the
 * code for a frame that is not a valid message; `{ value }` for a valid one.
 */
function frameVerdict(f, maxBytes, validate) {
  if (byteLength(f) > maxBytes) return { close: 1009 };
  if (f.binary) return { answer: 'invalid_message' };
  const text = textOf(f);
  if (text === undefined) return { close: 1007 };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { answer: 'invalid_message' };
  }
  return validate(value) ? { value } : { answer: 'invalid_message' };
}

// ---- the three WebSocket APIs ----------------------------------------------------------------

async function steadybaseTarget(host) {
  const s = host.api('steadybase');
  const token = await signJwt({ sub: 'fuzz' }, Buffer.from(host.secrets.jwtSecret, 'hex'));
  const examples = [
    { type: 'worker-status', workerId: 'sarah-ae-west', status: 'running', currentTask: 'Preparing call brief', timestamp: '2026-03-04T10:00:00Z' },
    { type: 'task-update', taskId: 'task-001', status: 'completed', message: 'Call brief generated', timestamp: '2026-03-04T10:10:00Z' },
    { taskId: 'task-001', status: 'completed', message: 'Call brief generated for Acme Corp' },
    { type: 'approval-required', workflowId: 'drew-coord-001', step: 7, description: 'Review', timeout: '7 days', timestamp: '2026-03-04T10:30:00Z' },
  ];
  return {
    api: 'steadybase',
    connections: 8,
    maxBytes: 1 << 20,
    tagProperty: 'type',
    tags: ['worker-status', 'workflow-progress', 'drew-update', 'task-update', 'approval-required', 'error'],
    // The header on even connections, browsers' query token on odd ones.
    open: (i) =>
      new Client(`ws://127.0.0.1:${s.port}/ws${i % 2 ? `?access_token=${token}` : ''}`, {
        ...(i % 2 ? {} : { headers: { authorization: `Bearer ${token}` } }),
        answerOf: (m) => (m.type === 'error' ? m.code : undefined),
        keep: () => false,
      }).opened(),
    example: (rnd) => rnd.pick(examples),
    // Every client frame is answered: invalid_message unless it is a JSON object, which this API
    // (no client messages) answers with unsupported_message.
    expect(f) {
      const v = frameVerdict(f, this.maxBytes, () => true);
      if (!('value' in v)) return v;
      const obj = typeof v.value === 'object' && v.value !== null && !Array.isArray(v.value);
      return { answer: obj ? 'unsupported_message' : 'invalid_message' };
    },
  };
}

async function releaseOrchestratorTarget(host) {
  const s = host.api('release-orchestrator');
  const secret = Buffer.from(host.secrets.jwtSecret, 'hex');
  const validator = await contractValidator('release-orchestrator');
  const channels = [
    { id: 'agentTaskStream', path: (i) => `/api/v1/agents/${AGENT_IDS[i % AGENT_IDS.length]}/task-stream`, sub: (i) => AGENT_IDS[i % AGENT_IDS.length] },
    { id: 'dashboardStream', path: () => '/api/v1/dashboard/stream', sub: (i) => `fuzz-${i}` },
    { id: 'workflowRunStream', path: (i) => `/api/v1/workflow-runs/${WORKFLOW_RUN_IDS[i % WORKFLOW_RUN_IDS.length]}/stream`, sub: (i) => `fuzz-${i}` },
    { id: 'deploymentJobStream', path: (i) => `/api/v1/deployment-jobs/${DEPLOYMENT_JOB_IDS[i % DEPLOYMENT_JOB_IDS.length]}/stream`, sub: (i) => `fuzz-${i}` },
  ];
  // Agents do the work: most connections are agents'.
  const channelOf = (i) => channels[i % 8 < 5 ? 0 : (i % 8) - 4];
  const tokens = new Map();
  const tokenFor = async (sub) => tokens.get(sub) ?? tokens.set(sub, await signJwt({ sub }, secret)).get(sub);
  const reports = (rnd, taskId) => [
    { type: 'task_progress', taskId, progress: rnd.int(0, 100), message: 'step' },
    { type: 'task_log', taskId, level: rnd.pick(['debug', 'info', 'warn', 'error']), message: 'line' },
    { type: 'task_completed', taskId, success: true, result: { ok: 1 } },
    { type: 'task_completed', taskId, success: false, error: 'failed' },
  ];
  return {
    api: 'release-orchestrator',
    connections: 16,
    maxBytes: 65536,
    tagProperty: 'type',
    tags: [
      'auth',
      'pong',
      'task_progress',
      'task_log',
      'task_completed',
      'task_assigned',
      'task_cancelled',
      'heartbeat',
      'error',
      'metric_update',
      'step_started',
    ],
    async open(i) {
      const ch = channelOf(i);
      const token = await tokenFor(ch.sub(i));
      const c = new Client(`ws://127.0.0.1:${s.port}${ch.path(i)}?token=${token}`, {
        // Heartbeats are answered, as the contract asks (a valid pong gets no answer).
        onMessage: (m, client) => {
          if (m.type === 'heartbeat') client.ws.send('{"type":"pong"}');
          if (m.type === 'task_assigned') client.assigned.push(m.task.taskId);
        },
        answerOf: (m) => (m.type === 'error' ? m.code : undefined),
        keep: () => false,
      });
      c.assigned = [];
      c.channel = ch.id;
      c.token = token;
      await c.opened();
      return c;
    },
    example(rnd, c) {
      const base = [{ type: 'pong' }, { type: 'auth', token: c.token }];
      if (c.channel !== 'agentTaskStream') return rnd.pick(base);
      const assigned = c.assigned;
      const taskId = assigned.length > 0 && rnd.next() < 0.7 ? rnd.pick(assigned) : rnd.uuid();
      return rnd.next() < 0.15 ? rnd.pick(base) : rnd.pick(reports(rnd, taskId));
    },
    expect(f, c) {
      const v = frameVerdict(f, this.maxBytes, (value) => validator.validate(c.channel, 'receive', { payload: value }).ok);
      if (!('value' in v)) return v;
      const m = v.value;
      if (m.type === 'pong' || m.type === 'auth') return { answer: null };
      // A report is accepted for a task assigned to this agent (here: on this connection, which
      // the client has seen before it names it), refused otherwise.
      return { answer: c.assigned.includes(m.taskId) ? null : 'invalid_message' };
    },
    /** First-message auth: a fresh connection without a query token, one mutated auth frame. */
    async firstMessage(rnd) {
      const ch = channelOf(rnd.int(0, 7));
      const i = rnd.int(0, 99);
      const token = await tokenFor(ch.sub(i));
      const f = mutate(rnd, { type: 'auth', token }, { maxBytes: this.maxBytes, tagProperty: 'type', tags: this.tags });
      const v = frameVerdict(f, this.maxBytes, (value) => validator.validate(ch.id, 'receive', { payload: value }).ok);
      // Only the exact credential of this path's subject opens the stream; anything else is
      // `unauthorized` and 4401 (a too-large or non-UTF-8 frame is closed by the protocol first).
      const opens = 'value' in v && v.value.type === 'auth' && v.value.token === token;
      const want = v.close ? { close: v.close } : opens ? { open: true } : { answer: 'unauthorized', close: 4401 };
      const c = new Client(`ws://127.0.0.1:${s.port}${ch.path(i)}`, { answerOf: (m) => (m.type === 'error' ? m.code : undefined) });
      await c.opened();
      c.ws.send(f.data, { binary: f.binary });
      let got;
      if (want.open) {
        // The stream starts: its first data frame arrives and nothing refuses it.
        await c.waitFor(() => c.frames.some((m) => m.type !== 'error') || c.closed, 'the stream to start', 30_000);
        got = c.closed ? { close: c.closed.code } : { open: true };
      } else {
        const closed = await c.ended();
        const errors = c.answers;
        got = { ...(errors.length ? { answer: errors.join(',') } : {}), close: closed.code };
      }
      await c.close();
      return { f, want, got, ok: JSON.stringify(want) === JSON.stringify(got) };
    },
  };
}

async function agnt5Target(host) {
  const s = host.api('agnt5');
  const validator = await contractValidator('agnt5');
  const key = host.secrets.apiKeys[1];
  const workflows = [...new Set(ENDPOINTS.flatMap((e) => e.workflows.map((w) => w.name)))];
  return {
    api: 'agnt5',
    // 100 frames per second per connection is the contract's rate limit; the fuzz spreads its
    // frames over many connections and paces each under it (a rate_limited answer is still
    // accepted: it is the contract's answer to a frame past the limit).
    connections: 120,
    perSecond: 80,
    maxBytes: 65536,
    tagProperty: 'name',
    tags: [...workflows, 'no-such-flow', 'constructor', '__proto__'],
    async open(i) {
      const endpoint = ENDPOINTS[i % ENDPOINTS.length];
      const c = new Client(`ws://127.0.0.1:${s.port}/ws?x-wf-endpoint=${endpoint.id}`, {
        protocols: [`x-api-key.${key}`],
        answerOf: (m) => (m.type === 'error' ? m.data.code : m.type === 'execution_started' ? 'execution_started' : undefined),
        keep: () => false,
      });
      c.endpoint = endpoint;
      await c.opened();
      return c;
    },
    example(rnd, c) {
      const name = rnd.next() < 0.8 ? rnd.pick(c.endpoint.workflows).name : rnd.pick(workflows);
      return rnd.pick([
        { name, parameters: { user_query: 'barista', filters: {} }, metadata: {}, connection_id: 'ws_fuzz' },
        { name, parameters: { simulate: rnd.pick(['complete', 'cancel', 'tool_error', 'llm_error']) } },
        { name },
      ]);
    },
    expect(f, c) {
      const v = frameVerdict(f, this.maxBytes, (value) => validator.validate('workflow', 'receive', { payload: value }).ok);
      if (!('value' in v)) return v;
      const known = c.endpoint.workflows.some((w) => w.name === v.value.name);
      return known ? { answer: 'execution_started', also: ['internal_error'] } : { answer: 'unknown_workflow' };
    },
    anyAnswer: 'rate_limited',
  };
}

// ---- the driver ------------------------------------------------------------------------------

function matches(want, got, anyAnswer) {
  return got === want.answer || want.also?.includes(got) || (anyAnswer !== undefined && got === anyAnswer);
}

/** One connection's share of the frames: pipelined, a sentinel before each close and at the end. */
async function drive(target, index, quota, seed, tally) {
  const rnd = new Random(seed);
  let c = await target.open(index);
  let expected = [];
  let offset = 0; // answers of `c` already checked
  let sentAt = [];
  let owed = 0; // answers expected since the last check

  const check = async () => {
    c.ws.send(SENTINEL);
    const want = expected.filter((e) => e.answer !== null);
    await c.waitFor(() => c.answers.length - offset >= want.length + 1 || c.closed, `${want.length + 1} answers on ${target.api} connection ${index}`);
    if (c.closed) throw new Error(`${target.api} connection ${index} closed unexpectedly: ${c.closed.code} ${c.closed.reason}`);
    const got = c.answers.slice(offset, offset + want.length + 1);
    for (const [k, w] of want.entries()) {
      if (matches(w, got[k], target.anyAnswer)) {
        tally.answers[got[k]] = (tally.answers[got[k]] ?? 0) + 1;
        continue;
      }
      tally.mismatches++;
      if (tally.examples.length < 10) tally.examples.push({ connection: index, want: w.answer, got: got[k], kind: w.kind, frame: w.preview });
      break;
    }
    if (got[want.length] !== 'invalid_message' && got[want.length] !== target.anyAnswer) {
      tally.mismatches++;
      if (tally.examples.length < 10) tally.examples.push({ connection: index, want: 'invalid_message (sentinel)', got: got[want.length] });
    }
    offset += want.length + 1;
    expected = [];
    owed = 0;
  };

  for (let i = 0; i < quota; i++) {
    const f = mutate(rnd, target.example(rnd, c), target);
    const want = target.expect(f, c);
    tally.kinds[f.kind] = (tally.kinds[f.kind] ?? 0) + 1;
    tally.frames++;
    if (want.close) {
      await check();
      c.ws.send(f.data, { binary: f.binary });
      const closed = await c.ended();
      if (closed.code === want.close) tally.closes[want.close] = (tally.closes[want.close] ?? 0) + 1;
      else {
        tally.mismatches++;
        if (tally.examples.length < 10)
          tally.examples.push({ connection: index, want: `close ${want.close}`, got: `close ${closed.code}`, kind: f.kind, frame: preview(f) });
      }
      c = await target.open(index);
      offset = 0;
      continue;
    }
    if (target.perSecond) {
      // Pace under the contract's rate limit: no more than perSecond frames in any second.
      const now = Date.now();
      sentAt.push(now);
      if (sentAt.length > target.perSecond) {
        const oldest = sentAt.shift();
        if (now - oldest < 1000) await new Promise((r) => setTimeout(r, 1000 - (now - oldest)));
      }
    }
    c.ws.send(f.data, { binary: f.binary });
    expected.push({ ...want, kind: f.kind, preview: want.answer === null ? undefined : preview(f) });
    if (want.answer !== null) owed++;
    if (owed >= WINDOW) {
      await c.waitFor(() => c.answers.length - offset >= owed - WINDOW / 2 || c.closed, `answers on ${target.api} connection ${index}`);
      if (c.closed) throw new Error(`${target.api} connection ${index} closed unexpectedly: ${c.closed.code} ${c.closed.reason}`);
    }
    if (expected.length >= 2000) await check();
  }
  await check();
  await c.close();
}

function preview(f) {
  const s = typeof f.data === 'string' ? f.data : `<${f.binary ? 'binary' : 'text'} ${f.data.length} bytes> ${f.data.subarray(0, 60).toString('hex')}`;
  return s.length > 160 ? `${s.slice(0, 160)}… (${s.length} chars)` : s;
}

export async function fuzzApi(api, { frames = 100_000, seed = 1, log } = {}) {
  // Contract timings as they are: a scaled protocol ping (30 s) would cut clients of a loaded machine.
  const timeScale = 1;
  const host = await startHost({ seed, timeScale, log });
  const started = Date.now();
  const tally = { api, frames: 0, kinds: {}, answers: {}, closes: {}, mismatches: 0, examples: [], firstMessage: undefined };
  let failure;
  try {
    const target = await { steadybase: steadybaseTarget, 'release-orchestrator': releaseOrchestratorTarget, agnt5: agnt5Target }[api](host);
    const before = await host.ask('memory');
    let direct = frames;
    if (target.firstMessage) {
      // 1% of the frames go through first-message authentication, one connection each.
      const n = Math.ceil(frames / 100);
      direct -= n;
      const rnd = new Random(seed ^ 0xa57);
      const fm = { frames: n, ok: 0, examples: [] };
      for (let i = 0; i < n; i += 10) {
        const results = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => target.firstMessage(rnd)));
        for (const r of results) {
          tally.kinds[`first-message ${r.f.kind}`] = (tally.kinds[`first-message ${r.f.kind}`] ?? 0) + 1;
          if (r.ok) fm.ok++;
          else if (fm.examples.length < 10) fm.examples.push({ want: r.want, got: r.got, frame: preview(r.f) });
        }
      }
      tally.frames += n;
      tally.firstMessage = fm;
      if (fm.ok !== n) tally.mismatches += n - fm.ok;
    }
    const per = Math.ceil(direct / target.connections);
    await Promise.all(
      Array.from({ length: target.connections }, (_, i) => drive(target, i, Math.min(per, Math.max(0, direct - i * per)), seed * 1000 + i, tally)),
    );
    tally.memory = { before, after: await host.ask('memory') };
    // Still serving: a fresh connection gets an answer to a bad frame.
    const c = await target.open(0);
    c.ws.send(SENTINEL);
    await c.waitFor(() => c.answers.length > 0, 'an answer after the fuzz', 30_000);
    await c.close();
  } catch (e) {
    failure = e.stack ?? String(e);
  }
  tally.seconds = (Date.now() - started) / 1000;
  const stats = host.alive ? await host.ask('stats') : { crashes: host.crashes, counts: {} };
  tally.crashes = stats.crashes.length + (host.alive ? 0 : 1);
  tally.crashExamples = stats.crashes.slice(0, 3);
  tally.log = stats.counts;
  tally.errorExamples = stats.errorExamples ?? [];
  tally.errorRecords = Object.entries(stats.counts)
    .filter(([k]) => k.startsWith('error '))
    .reduce((s, [, n]) => s + n, 0);
  if (!host.alive) failure ??= `server process exited: ${JSON.stringify(host.exited)}`;
  await host.stop().catch(() => undefined);
  tally.failure = failure;
  tally.pass = !failure && tally.frames >= frames && tally.mismatches === 0 && tally.crashes === 0 && tally.errorRecords === 0;
  return tally;
}

export const WS_APIS = ['steadybase', 'release-orchestrator', 'agnt5'];

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const num = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const only = args.includes('--api') ? [args[args.indexOf('--api') + 1]] : WS_APIS;
  const results = [];
  for (const api of only) {
    const r = await fuzzApi(api, { frames: num('--frames', 100_000), seed: num('--seed', 1), log: path.join(WORK, `fuzz-${api}.log`) });
    results.push(r);
    console.log(JSON.stringify(r, null, 2));
  }
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

export { KINDS };
