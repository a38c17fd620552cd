// Fan-out benchmark (issue 4 §6, issue 14 item 4): one validated event to 100 and 1000 WebSocket
// clients and to 100 and 1000 SSE clients, through the runtime (`RuntimeServer.broadcast` /
// `publish`, outbound validation on), against two baselines on the same clients:
//   (a) naive: per client, validate + JSON.stringify + ws.send / res.write;
//   (b) raw best: validate and serialise once, frame once (ws `Sender.frame`), and write each
//       burst of messages to each socket between cork() and uncork() (SSE: one Buffer a burst).
// Clients live in a child process (bench/fanout-clients.js) so this process measures the server
// alone; latency = receive time − the stamp the server put in the message (same machine clock).
// The three servers of a scenario run side by side, each with its own clients; after a warm-up,
// rounds alternate between them with the order rotating, and each ratio is taken within a round
// (median over rounds). Rates are given per wall-clock second and per second of this process's
// CPU time; the verdict is on the CPU one (see fanoutRows). Also: server heap / RSS growth with
// 1000 idle clients (median of 3).
//
//   node --expose-gc bench/fanout.js [--json] [--quick] [--rounds N] [--only ws:1000,sse:100] [--no-memory]

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { Sender, WebSocketServer } from 'ws';
import { isMain, median, table } from './lib.js';

register();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const SECRET = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
const BURST = 10;

/** A child process of clients, driven by request → reply over IPC. */
export function startClients() {
  const child = fork(path.join(HERE, 'fanout-clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg, key) =>
    new Promise((resolve, reject) => {
      const on = (reply) => {
        if (reply.error) {
          child.off('message', on);
          reject(new Error(reply.error));
        } else if (key in reply) {
          child.off('message', on);
          resolve(reply);
        }
      };
      child.on('message', on);
      if (msg) child.send(msg);
    });
  return { child, ask, stop: () => child.kill() };
}

export async function loadRuntime() {
  const [{ createSteadybaseServer }, { createAgentWorkspaceServer }, sb, aw, { signJwt }, { loadContract }] = await Promise.all([
    import('../generated/steadybase/server.gen.ts'),
    import('../generated/agent-workspace/server.gen.ts'),
    import('../generated/steadybase/validators.gen.js'),
    import('../generated/agent-workspace/validators.gen.js'),
    import('../runtime/auth/index.ts'),
    import('../mock/index.ts'),
  ]);
  const loaded = await loadContract(path.join(HERE, '..', 'spec', 'agent-workspace.asyncapi.yaml'));
  const fleetUpdate = loaded.contract.ir.messages.find((m) => m.id === 'FleetUpdate').examples[0].payload;
  const token = await signJwt({ sub: 'bench' }, SECRET);
  return {
    createSteadybaseServer,
    createAgentWorkspaceServer,
    validateWs: sb.validateEventsServerMessage,
    validateSse: aw.validateFleetStreamServerEvent,
    fleetUpdate,
    token,
  };
}

/** The event, stamped: the stamp rides in a free-form id so the message stays valid. */
const stamp = () => `~${now().toFixed(3)}~`;
const wsMessage = () => ({
  type: 'worker-status',
  workerId: `worker${stamp()}`,
  status: 'running',
  currentTask: 'Preparing call brief for Acme Corp',
  timestamp: new Date().toISOString(),
});
const sseMessage = (template) => template.map((p, i) => (i === 0 ? { ...p, id: `run${stamp()}` } : p));

/** The three servers under test, each `{ url, headers, broadcast(burst), close }`. */
export async function startServer(impl, transport, rt) {
  if (impl === 'streamwright' && transport === 'ws') {
    const server = rt.createSteadybaseServer({ handlers: {}, auth: { jwtSecret: SECRET }, validateOutbound: true });
    const { port } = await server.listen(0, '127.0.0.1');
    return {
      url: `ws://127.0.0.1:${port}/ws`,
      headers: { Authorization: `Bearer ${rt.token}` },
      broadcast: (n) => {
        for (let i = 0; i < n; i++) server.events.broadcast(wsMessage());
      },
      close: () => server.close(),
    };
  }
  if (impl === 'streamwright' && transport === 'sse') {
    const server = rt.createAgentWorkspaceServer({
      handlers: {},
      auth: { session: (id) => (id === 'bench' ? 'bench-user' : undefined) },
      validateOutbound: true,
    });
    const { port } = await server.listen(0, '127.0.0.1');
    return {
      url: `http://127.0.0.1:${port}/api/agent-workspace/stream`,
      headers: { Cookie: 'session=bench' },
      broadcast: (n) => {
        for (let i = 0; i < n; i++) server.fleetStream.publish('fleet_update', sseMessage(rt.fleetUpdate));
      },
      close: () => server.close(),
    };
  }
  const http = createServer();
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address();
  const close = () =>
    new Promise((resolve) => {
      http.closeAllConnections?.();
      http.close(() => resolve());
    });
  if (transport === 'ws') {
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    const check = (m) => {
      if (!rt.validateWs(m).ok) throw new Error('invalid');
    };
    const broadcast =
      impl === 'naive'
        ? (n) => {
            for (let i = 0; i < n; i++) {
              const m = wsMessage();
              for (const ws of wss.clients) {
                check(m);
                ws.send(JSON.stringify(m));
              }
            }
          }
        : (n) => {
            const frames = [];
            for (let i = 0; i < n; i++) {
              const m = wsMessage();
              check(m);
              const data = Buffer.from(JSON.stringify(m));
              frames.push(Buffer.concat(Sender.frame(data, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true })));
            }
            for (const ws of wss.clients) {
              const socket = ws._socket;
              socket.cork();
              for (const f of frames) socket.write(f);
              socket.uncork();
            }
          };
    return { url: `ws://127.0.0.1:${port}/`, headers: {}, broadcast, close: () => (wss.clients.forEach((c) => c.terminate()), wss.close(), close()) };
  }
  const peers = new Set();
  let seq = 0;
  http.on('request', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    peers.add(res);
    res.on('close', () => peers.delete(res));
  });
  const check = (d) => {
    if (!rt.validateSse('fleet_update', d).ok) throw new Error('invalid');
  };
  const broadcast =
    impl === 'naive'
      ? (n) => {
          for (let i = 0; i < n; i++) {
            const d = sseMessage(rt.fleetUpdate);
            const id = ++seq;
            for (const res of peers) {
              check(d);
              res.write(`id: ${id}\nevent: fleet_update\ndata: ${JSON.stringify(d)}\n\n`);
            }
          }
        }
      : (n) => {
          const chunks = [];
          for (let i = 0; i < n; i++) {
            const d = sseMessage(rt.fleetUpdate);
            check(d);
            chunks.push(`id: ${++seq}\nevent: fleet_update\ndata: ${JSON.stringify(d)}\n\n`);
          }
          const buf = Buffer.from(chunks.join(''));
          for (const res of peers) res.write(buf);
        };
  return { url: `http://127.0.0.1:${port}/`, headers: {}, broadcast, close };
}

/**
 * One measured run on a server whose clients are connected: `count` broadcasts in bursts of
 * BURST per event-loop turn; deliveries/s counted at the clients (every client's messages ÷ time
 * from the first broadcast to the last receive) and the latency percentiles of that run.
 */
async function run(clients, server, n, count) {
  await clients.ask({ cmd: 'expect', total: n * count, timeoutMs: 60_000 }, 'armed');
  const done = clients.ask(null, 'done');
  const cpu0 = process.cpuUsage();
  const t0 = now();
  for (let sent = 0; sent < count; sent += BURST) {
    server.broadcast(Math.min(BURST, count - sent));
    await new Promise((r) => setImmediate(r));
  }
  const { stats: s } = await done;
  const cpu = process.cpuUsage(cpu0);
  // Server CPU time (user + system, this process) per delivery: what the load on the machine
  // does not change, unlike wall-clock rates.
  const cpuUs = cpu.user + cpu.system;
  return {
    received: s.received,
    expected: n * count,
    perSecond: s.received / ((s.lastAt - t0) / 1000),
    p50: s.p50,
    p99: s.p99,
    perCpuSecond: s.received / (cpuUs / 1e6),
    clientCpuUs: s.cpuUs,
  };
}

const IMPLS = ['streamwright', 'naive', 'raw'];

/**
 * One scenario (a transport, N clients): the three servers run side by side, each with its own N
 * clients, so every round measures all three under the same machine load. After a warm-up of
 * each (JIT, socket buffers), `rounds` rounds with the order rotating; the ratios are taken
 * within a round, and the verdict is on their median.
 */
async function scenario(clients, rt, transport, n, { rounds, deliveries, log }) {
  const servers = {};
  try {
    for (const impl of IMPLS) {
      servers[impl] = await startServer(impl, transport, rt);
      await clients.ask({ cmd: 'connect', transport, url: servers[impl].url, n, headers: servers[impl].headers }, 'ready');
    }
    const messages = Math.max(BURST, Math.round(deliveries / n));
    for (const impl of IMPLS) await run(clients, servers[impl], n, Math.max(BURST, Math.round(messages / 5)));
    const samples = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    for (let r = 0; r < rounds; r++) {
      const order = IMPLS.map((_, i) => IMPLS[(i + r) % IMPLS.length]);
      for (const impl of order) samples[impl].push(await run(clients, servers[impl], n, messages));
      const [sw, nv, raw] = IMPLS.map((impl) => samples[impl][r]);
      log(
        `  ${transport} ×${n} round ${r + 1}: streamwright ${fmt(sw)}; per server CPU s ${(sw.perCpuSecond / nv.perCpuSecond).toFixed(2)}× naive, ${(sw.perCpuSecond / raw.perCpuSecond).toFixed(2)}× raw; wall-clock ${(sw.perSecond / nv.perSecond).toFixed(2)}× naive, ${(sw.perSecond / raw.perSecond).toFixed(2)}× raw`,
      );
    }
    const ratios = (base, key) => samples.streamwright.map((s, i) => s[key] / samples[base][i][key]);
    const ratio = (base, key) => ({ median: median(ratios(base, key)), range: minMax(ratios(base, key)) });
    const summary = (impl) => ({
      perSecond: median(samples[impl].map((s) => s.perSecond)),
      perCpuSecond: median(samples[impl].map((s) => s.perCpuSecond)),
      p50: median(samples[impl].map((s) => s.p50)),
      p99: median(samples[impl].map((s) => s.p99)),
      lost: samples[impl].reduce((k, s) => k + (s.expected - s.received), 0),
    });
    return {
      transport,
      n,
      messages,
      rounds,
      ...Object.fromEntries(IMPLS.map((impl) => [impl, summary(impl)])),
      cpu: { naive: ratio('naive', 'perCpuSecond'), raw: ratio('raw', 'perCpuSecond') },
      wall: { naive: ratio('naive', 'perSecond'), raw: ratio('raw', 'perSecond') },
      samples,
    };
  } finally {
    await clients.ask({ cmd: 'close' }, 'closed');
    for (const server of Object.values(servers)) await server.close();
  }
}

/** Heap and RSS growth of the server process with 1000 idle clients, after gc; the median of `samples`. */
async function idleMemory(clients, rt, transport, impl, samples) {
  const heap = [];
  const rss = [];
  for (let i = 0; i < samples; i++) {
    const server = await startServer(impl, transport, rt);
    globalThis.gc?.();
    const before = process.memoryUsage();
    await clients.ask({ cmd: 'connect', transport, url: server.url, n: 1000, headers: server.headers }, 'ready');
    globalThis.gc?.();
    const after = process.memoryUsage();
    await clients.ask({ cmd: 'close' }, 'closed');
    await server.close();
    heap.push(after.heapUsed - before.heapUsed);
    rss.push(after.rss - before.rss);
  }
  return { heap: median(heap), rss: median(rss), heapSamples: heap };
}

const SCENARIOS = [
  ['ws', 100],
  ['ws', 1000],
  ['sse', 100],
  ['sse', 1000],
];

/**
 * `only`: scenarios to run, as `ws:1000`-style strings (all when empty); `memory: false` skips the
 * idle-memory figures.
 */
export async function benchFanout({ quick = false, rounds = quick ? 3 : 5, only = [], memory: withMemory = true, log = console.log } = {}) {
  const rt = await loadRuntime();
  const clients = startClients();
  const results = [];
  const memory = [];
  try {
    // Memory first, while the heap holds nothing from the throughput runs.
    if (withMemory) {
      for (const transport of ['ws', 'sse']) {
        for (const impl of ['streamwright', 'raw']) {
          const m = { transport, impl, ...(await idleMemory(clients, rt, transport, impl, quick ? 1 : 3)) };
          memory.push(m);
          log(`  idle ${transport} ×1000 ${impl}: heap +${mib(m.heap)} (${(m.heap / 1000 / 1024).toFixed(1)} KiB a connection), RSS +${mib(m.rss)}`);
        }
      }
    }
    for (const [transport, n] of SCENARIOS) {
      if (only.length > 0 && !only.includes(`${transport}:${n}`)) continue;
      // ~100 000 deliveries a round at ×1000 (100 messages), 50 000 at ×100 (500 messages).
      const deliveries = (quick ? 0.4 : 1) * (n >= 1000 ? 100_000 : 50_000);
      results.push(await scenario(clients, rt, transport, n, { rounds, deliveries, log }));
    }
  } finally {
    clients.stop();
  }
  return { results, memory, gc: typeof globalThis.gc === 'function' };
}

function minMax(xs) {
  return [Math.min(...xs), Math.max(...xs)];
}

const fmt = (r) =>
  `${(r.perSecond / 1000).toFixed(0)} k deliveries/s (${(r.perCpuSecond / 1000).toFixed(0)} k per server CPU s), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${r.received < r.expected ? ` (LOST ${r.expected - r.received})` : ''}`;
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/**
 * Rows for bench/run.js's table: ≥ 3× naive and ≥ 0.8× raw per scenario. The verdict is on the
 * median over rounds of the same-round ratio of deliveries per second of server CPU time (user +
 * system): on a machine other sessions load, a process's wall-clock rate is mostly its share of
 * the cores, while the CPU it spends per delivery is its own. The wall-clock ratio is printed
 * beside it.
 */
export function fanoutRows({ results, memory }) {
  const rows = [];
  const ms = (x) => `${x.toFixed(1)} ms`;
  const k = (x) => `${(x / 1000).toFixed(0)} k/s`;
  const range = ({ range: [a, b] }) => `${a.toFixed(2)}–${b.toFixed(2)}`;
  for (const r of results) {
    const sw = r.streamwright;
    const figure = `${k(sw.perSecond)} (${k(sw.perCpuSecond)} CPU), p50 ${ms(sw.p50)} p99 ${ms(sw.p99)}`;
    for (const [base, target] of [
      ['naive', 3],
      ['raw', 0.8],
    ]) {
      const b = r[base];
      rows.push({
        name: `fan-out ${r.transport} ×${r.n} vs ${base}`,
        figure,
        baseline: `${k(b.perSecond)} (${k(b.perCpuSecond)} CPU), p50 ${ms(b.p50)} p99 ${ms(b.p99)}`,
        ratio: r.cpu[base].median,
        ratioText: `${r.cpu[base].median.toFixed(2)}× CPU (${range(r.cpu[base])}); wall ${r.wall[base].median.toFixed(2)}× (${range(r.wall[base])})`,
        target: `≥ ${target}×`,
        pass: r.cpu[base].median >= target && sw.lost === 0,
      });
    }
  }
  for (const m of memory.filter((x) => x.impl === 'streamwright')) {
    const base = memory.find((x) => x.transport === m.transport && x.impl === 'raw');
    const kib = (b) => `${(b / 1000 / 1024).toFixed(1)} KiB/conn`;
    rows.push({
      name: `idle memory ${m.transport} ×1000 (heap)`,
      figure: `${kib(m.heap)} (RSS +${mib(m.rss)})`,
      baseline: base ? `${kib(base.heap)} plain ${m.transport === 'ws' ? 'ws' : 'http'}` : '',
      ratioText: '',
      target: '< 7 KiB/conn',
      pass: m.heap / 1000 / 1024 < 7,
    });
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const json = args.includes('--json');
  const out = await benchFanout({
    quick: args.includes('--quick'),
    ...(value('--rounds') ? { rounds: Number(value('--rounds')) } : {}),
    only: value('--only')?.split(',') ?? [],
    memory: !args.includes('--no-memory'),
    // With --json (bench/run.js) the progress goes to stderr and the rows alone to stdout.
    log: json ? (line) => process.stderr.write(line + '\n') : console.log,
  });
  if (json) console.log(JSON.stringify(fanoutRows(out)));
  else
    console.log(
      `\n${table(
        ['benchmark', 'figure', 'baseline (same run)', 'ratio', 'target', 'result'],
        fanoutRows(out).map((r) => [r.name, r.figure, r.baseline, r.ratioText, r.target, r.pass === null ? 'reference' : r.pass ? 'PASS' : 'MISS']),
      )}`,
    );
}
