// Where the idle memory per connection goes (issue 14 item 4): a heap snapshot of this process
// before and after N idle WebSocket clients connect to the steadybase reference contract's
// generated server (the fan-out bench's server), diffed by constructor. The clients live in a
// child process (bench/fanout-clients.js), so the snapshots hold the server's side only. The
// `(code)` row is mostly code the JIT compiled during the connects, not memory each connection
// keeps. Not part of `npm run bench`: it writes two heap snapshots (tens of MB, deleted once read)
// under .tmp/bench/.
//
//   node --expose-gc bench/idle-heap.js [--clients N] [--top N]

import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { register } from 'tsx/esm/api';
import { WORK, isMain, table } from './lib.js';

register();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECRET = new TextEncoder().encode('bench-secret-bench-secret-bench-secret');

/** Self size and count of the snapshot's nodes, by node type and constructor name. */
function byConstructor(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const t = types[snap.nodes[i + type]];
    const key = t === 'object' || t === 'closure' ? `${t} ${snap.strings[snap.nodes[i + name]]}` : `(${t})`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + size];
    out.set(key, e);
  }
  return out;
}

export async function idleHeap({ clients = 1000, top = 25, log = console.log } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  mkdirSync(WORK, { recursive: true });
  const [{ createSteadybaseServer }, { signJwt }] = await Promise.all([import('../generated/steadybase/server.gen.ts'), import('../runtime/auth/index.ts')]);
  const token = await signJwt({ sub: 'bench' }, SECRET);
  const server = createSteadybaseServer({ handlers: {}, auth: { jwtSecret: SECRET }, validateOutbound: true });
  const { port } = await server.listen(0, '127.0.0.1');
  const child = fork(path.join(HERE, 'fanout-clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg, key) =>
    new Promise((resolve, reject) => {
      const on = (reply) => {
        if (!reply.error && !(key in reply)) return;
        child.off('message', on);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      };
      child.on('message', on);
      child.send(msg);
    });
  try {
    // One connection first, so that code compiled on the first connection is in both snapshots.
    await ask({ cmd: 'connect', transport: 'ws', url: `ws://127.0.0.1:${port}/ws`, n: 1, headers: { Authorization: `Bearer ${token}` } }, 'ready');
    globalThis.gc();
    const before = byConstructor(writeHeapSnapshot(path.join(WORK, 'idle-before.heapsnapshot')));
    await ask({ cmd: 'connect', transport: 'ws', url: `ws://127.0.0.1:${port}/ws`, n: clients, headers: { Authorization: `Bearer ${token}` } }, 'ready');
    globalThis.gc();
    const after = byConstructor(writeHeapSnapshot(path.join(WORK, 'idle-after.heapsnapshot')));
    const rows = [...after]
      .map(([key, e]) => {
        const b = before.get(key) ?? { count: 0, bytes: 0 };
        return { key, count: (e.count - b.count) / clients, bytes: (e.bytes - b.bytes) / clients };
      })
      .filter((r) => r.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    const total = rows.reduce((n, r) => n + r.bytes, 0);
    log(`heap growth per idle WebSocket connection, ${clients} clients: ${total.toFixed(0)} bytes (self sizes of every new node)`);
    log(
      table(
        ['node (type / constructor)', 'bytes per connection', 'nodes per connection'],
        rows.slice(0, top).map((r) => [r.key, r.bytes.toFixed(0), r.count.toFixed(1)]),
      ),
    );
    return { total, rows };
  } finally {
    await ask({ cmd: 'close' }, 'closed').catch(() => {});
    child.kill();
    await server.close();
  }
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
if (isMain(import.meta.url)) {
  await idleHeap({ clients: arg('--clients', 1000), top: arg('--top', 25) });
}
