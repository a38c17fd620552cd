// Fan-out benchmark (issue 4 §6): one validated event to 100 and 1000 WebSocket clients and to
// 100 and 1000 SSE clients, through the runtime (`RuntimeServer.broadcast` / `publish`, outbound
// validation on), against two baselines measured in the same run on the same clients:
//   (a) naive: per client, validate + JSON.stringify + ws.send / res.write;
//   (b) raw best: validate and serialise once, frame once (ws `Sender.frame`), and write each
//       burst of messages to each socket between cork() and uncork().
// Clients live in a child process (bench/fanout-clients.js) so this process measures the server
// alone; latency = receive time − the stamp the server put in the message (same machine clock).
// Also: server RSS / heap growth with 1000 idle clients.
//
//   node --expose-gc bench/fanout.js [--json] [--quick]

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { Sender, WebSocketServer } from 'ws';
import { isMain, table } from './lib.js';

register();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const SECRET = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');
const BURST = 10;

/** A child process of clients, driven by request → reply over IPC. */
function startClients() {
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

async function loadRuntime() {
  const [{ createSteadybaseServer }, { createAgentWorkspaceServer }, sb, aw, { signJwt }, { loadContract }] = await Promise.all([
    import('../generated/steadybase/server.gen.ts'),
    import('../generated/agent-workspace/server.gen.ts'),
    import('../generated/steadybase/validators.gen.js'),
    import('../generated/agent-workspace/validators.gen.js'),
    import('../runtime/auth/jwt.ts'),
    import('../mock/contract.ts'),
  ]);
  const loaded = await loadContract(path.join(HERE, '..', 'spec', 'agent-workspace.asyncapi.yaml'));
  const fleetUpdate = loaded.contract.ir.messages.find((m) => m.id === 'FleetUpdate').examples[0].payload;
  const token = await signJwt({ sub: 'bench' }, SECRET);
  return { createSteadybaseServer, createAgentWorkspaceServer, validateWs: sb.validateEventsServerMessage, validateSse: aw.validateFleetStreamServerEvent, fleetUpdate, token };
}

/** The event, stamped: the stamp rides in a free-form id so the message stays valid. */
const stamp = () => `~${now().toFixed(3)}~`;
const wsMessage = () => ({ type: 'worker-status', workerId: `worker${stamp()}`, status: 'running', currentTask: 'Preparing call brief for Acme Corp', timestamp: new Date().toISOString() });
const sseMessage = (template) => template.map((p, i) => (i === 0 ? { ...p, id: `run${stamp()}` } : p));

/** The three servers under test, each `{ url, headers, broadcast(burst), close }`. */
async function startServer(impl, transport, rt) {
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
    const server = rt.createAgentWorkspaceServer({ handlers: {}, auth: { session: (id) => (id === 'bench' ? 'bench-user' : undefined) }, validateOutbound: true });
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
  const close = () => new Promise((resolve) => {
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

/** One scenario: N clients, `messages` broadcasts in bursts, deliveries/s and latency at the clients. */
async function measure(clients, server, n, messages) {
  await clients.ask({ cmd: 'connect', transport: server.transport, url: server.url, n, headers: server.headers }, 'ready');
  const run = async (count) => {
    const armed = clients.ask({ cmd: 'expect', total: n * count, timeoutMs: 60_000 }, 'armed');
    await armed;
    const done = clients.ask(null, 'done');
    const t0 = now();
    for (let sent = 0; sent < count; sent += BURST) {
      server.broadcast(Math.min(BURST, count - sent));
      await new Promise((r) => setImmediate(r));
    }
    const { stats } = await done;
    return { ...stats, t0 };
  };
  await run(Math.max(BURST, Math.floor(messages / 10))); // warm-up: JIT, socket buffers
  const s = await run(messages);
  await clients.ask({ cmd: 'close' }, 'closed');
  return { received: s.received, expected: n * messages, perSecond: s.received / ((s.lastAt - s.t0) / 1000), p50: s.p50, p99: s.p99 };
}

async function idleMemory(clients, rt, transport, impl) {
  const server = await startServer(impl, transport, rt);
  server.transport = transport;
  globalThis.gc?.();
  const before = process.memoryUsage();
  await clients.ask({ cmd: 'connect', transport, url: server.url, n: 1000, headers: server.headers }, 'ready');
  globalThis.gc?.();
  const after = process.memoryUsage();
  await clients.ask({ cmd: 'close' }, 'closed');
  await server.close();
  return { rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed };
}

export async function benchFanout({ quick = false, log = console.log } = {}) {
  const rt = await loadRuntime();
  const clients = startClients();
  const results = [];
  const memory = [];
  try {
    // Memory first, while the heap holds nothing from the throughput runs.
    for (const transport of ['ws', 'sse']) {
      for (const impl of ['streamwright', 'naive']) memory.push({ transport, impl, ...(await idleMemory(clients, rt, transport, impl)) });
    }
    for (const transport of ['ws', 'sse']) {
      for (const n of [100, 1000]) {
        const messages = (quick ? 20_000 : 100_000) / n;
        const row = { transport, n };
        for (const impl of ['streamwright', 'naive', 'raw']) {
          const server = await startServer(impl, transport, rt);
          server.transport = transport;
          row[impl] = await measure(clients, server, n, messages);
          await server.close();
          log(`  ${transport} ×${n} ${impl.padEnd(12)} ${fmt(row[impl])}`);
        }
        results.push(row);
      }
    }
  } finally {
    clients.stop();
  }
  return { results, memory, gc: typeof globalThis.gc === 'function' };
}

const fmt = (r) => `${(r.perSecond / 1000).toFixed(0)} k deliveries/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${r.received < r.expected ? ` (LOST ${r.expected - r.received})` : ''}`;
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** Rows for bench/run.js's table: targets ≥ 3× naive, ≥ 0.8× raw, per scenario. */
export function fanoutRows({ results, memory }) {
  const rows = [];
  for (const r of results) {
    const vsNaive = r.streamwright.perSecond / r.naive.perSecond;
    const vsRaw = r.streamwright.perSecond / r.raw.perSecond;
    const figure = `${(r.streamwright.perSecond / 1000).toFixed(0)} k/s p50 ${r.streamwright.p50.toFixed(1)} p99 ${r.streamwright.p99.toFixed(1)} ms`;
    rows.push({ name: `fan-out ${r.transport} ×${r.n} vs naive`, figure, baseline: `${(r.naive.perSecond / 1000).toFixed(0)} k/s`, ratioText: `${vsNaive.toFixed(2)}×`, target: '≥ 3×', pass: vsNaive >= 3 });
    rows.push({ name: `fan-out ${r.transport} ×${r.n} vs raw`, figure, baseline: `${(r.raw.perSecond / 1000).toFixed(0)} k/s`, ratioText: `${vsRaw.toFixed(2)}×`, target: '≥ 0.8×', pass: vsRaw >= 0.8 });
  }
  for (const m of memory.filter((x) => x.impl === 'streamwright')) {
    const base = memory.find((x) => x.transport === m.transport && x.impl === 'naive');
    rows.push({ name: `idle memory ${m.transport} ×1000`, figure: `RSS +${mib(m.rss)}, heap +${mib(m.heap)}`, baseline: base ? `RSS +${mib(base.rss)}, heap +${mib(base.heap)}` : '', ratioText: '', target: '', pass: null });
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = await benchFanout({ quick: args.includes('--quick'), log: args.includes('--json') ? () => undefined : console.log });
  if (args.includes('--json')) console.log(JSON.stringify(fanoutRows(out)));
  else {
    console.log(`\n${table(['benchmark', 'figure', 'baseline (same run)', 'ratio', 'target', 'result'], fanoutRows(out).map((r) => [r.name, r.figure, r.baseline, r.ratioText, r.target, r.pass === null ? 'reference' : r.pass ? 'PASS' : 'MISS']))}`);
    for (const m of out.memory) console.log(`memory ${m.transport} ${m.impl}: RSS +${mib(m.rss)}, heap +${mib(m.heap)} (1000 idle clients${out.gc ? ', after gc' : ''})`);
  }
}
