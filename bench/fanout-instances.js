// Fan-out across instances (issue 16): a WebSocket broadcast from one instance to 1000 clients on
// each of 3 instances sharing a Redis bus, against one instance with 1000 clients (memory bus, and
// Redis bus to show the bus's own cost), measured in the same run. Instances and clients run in
// processes of their own; the Redis is a redis-server started here on a free port (no persistence).
// Latency = receive time − the stamp the publishing instance put in the message.
//
//   node bench/fanout-instances.js [--json] [--messages N] [--clients N]

import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { table } from './lib.js';

register();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const num = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const MESSAGES = num('--messages', 200);
const CLIENTS = num('--clients', 1000);
const SECRET = 'bench-secret-bench-secret-bench-secret';
const now = () => performance.timeOrigin + performance.now();

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const bin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) throw new Error('redis-server not found (apt-get install redis-server)');
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-bench-redis-'));
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  child.stdout.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })) };
}

/** A child process answering request → reply over IPC. */
function child(file, env) {
  const proc = fork(path.join(HERE, file), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg, key) =>
    new Promise((resolve, reject) => {
      const on = (reply) => {
        if (reply.error) {
          proc.off('message', on);
          reject(new Error(reply.error));
        } else if (key in reply) {
          proc.off('message', on);
          resolve(reply);
        }
      };
      proc.on('message', on);
      if (msg) proc.send(msg);
    });
  return { proc, ask };
}

async function scenario(name, instances, redisUrl) {
  const prefix = `bench${Math.random().toString(16).slice(2, 8)}`;
  const servers = instances.map((_, index) => child('fanout-instance.js', { BENCH_INSTANCE: JSON.stringify({ index, redisUrl, prefix, secret: SECRET }) }));
  const ports = await Promise.all(servers.map((s) => s.ask(null, 'port')));
  const { signJwt } = await import('../runtime/auth/index.ts');
  const token = await signJwt({ sub: 'bench' }, new TextEncoder().encode(SECRET));
  const clients = servers.map(() => child('fanout-clients.js'));
  await Promise.all(
    clients.map((c, i) =>
      c.ask({ cmd: 'connect', transport: 'ws', url: `ws://127.0.0.1:${ports[i].port}/ws`, n: CLIENTS, headers: { Authorization: `Bearer ${token}` } }, 'ready'),
    ),
  );
  const run = async (count) => {
    await Promise.all(clients.map((c) => c.ask({ cmd: 'expect', total: CLIENTS * count, timeoutMs: 120_000 }, 'armed')));
    const done = Promise.all(clients.map((c) => c.ask(null, 'done')));
    const t0 = now();
    await servers[0].ask({ cmd: 'broadcast', count }, 'sent');
    const stats = (await done).map((d) => d.stats);
    return { t0, stats };
  };
  await run(Math.max(10, Math.floor(MESSAGES / 10))); // warm-up
  const { t0, stats } = await run(MESSAGES);
  for (const c of clients) c.proc.kill();
  for (const s of servers) s.proc.kill();
  const received = stats.reduce((n, s) => n + s.received, 0);
  const lastAt = Math.max(...stats.map((s) => s.lastAt));
  const expected = CLIENTS * MESSAGES * instances.length;
  const row = {
    name,
    clients: CLIENTS * instances.length,
    expected,
    received,
    perSecond: received / ((lastAt - t0) / 1000),
    // The worst instance's percentile (each clients process computes its own).
    p50: Math.max(...stats.map((s) => s.p50)),
    p99: Math.max(...stats.map((s) => s.p99)),
  };
  console.error(
    `${name}: ${(row.perSecond / 1000).toFixed(0)} k deliveries/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms${received < expected ? ` (LOST ${expected - received})` : ''}`,
  );
  return row;
}

const redis = await startRedis();
const rows = [];
try {
  rows.push(await scenario(`1 instance × ${CLIENTS}, memory bus`, [0], undefined));
  rows.push(await scenario(`1 instance × ${CLIENTS}, Redis bus`, [0], redis.url));
  rows.push(await scenario(`3 instances × ${CLIENTS}, Redis bus`, [0, 1, 2], redis.url));
} finally {
  redis.stop();
}
const base = rows[0];
console.log(
  table(
    ['scenario', 'clients', 'deliveries/s', 'vs 1 instance (memory)', 'p50 ms', 'p99 ms', 'lost'],
    rows.map((r) => [
      r.name,
      String(r.clients),
      `${(r.perSecond / 1000).toFixed(0)} k`,
      `${(r.perSecond / base.perSecond).toFixed(2)}×`,
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      String(r.expected - r.received),
    ]),
  ),
);
if (args.includes('--json')) console.log(JSON.stringify(rows));
process.exit(0);
