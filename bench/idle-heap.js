// Where the idle memory per connection goes (issue 14 item 4): a heap snapshot of this process
// before and after N idle WebSocket clients connect to the steadybase reference contract's
// generated server (the fan-out bench's server), diffed by constructor. The clients live in a
// child process (bench/fanout-clients.js), so the snapshots hold the server's side only. The
// `(code)` row is mostly code the JIT compiled during the connects, not memory each connection
// keeps. Not part of `npm run bench`: it writes two heap snapshots (tens of MB, deleted once read)
// under .tmp/bench/.
//
//   node --expose-gc bench/idle-heap.js [--clients N] [--top N]

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { loadRuntime, startClients, startServer } from './fanout.js';
import { WORK, isMain, table } from './lib.js';

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

export async function idleHeap({ count = 1000, top = 25, log = console.log } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  mkdirSync(WORK, { recursive: true });
  // The fan-out bench's streamwright WebSocket server and its clients' process.
  const server = await startServer('streamwright', 'ws', await loadRuntime());
  const clients = startClients();
  const connect = (n) => clients.ask({ cmd: 'connect', transport: 'ws', url: server.url, n, headers: server.headers }, 'ready');
  try {
    // One connection first, so that code compiled on the first connection is in both snapshots.
    await connect(1);
    globalThis.gc();
    const before = byConstructor(writeHeapSnapshot(path.join(WORK, 'idle-before.heapsnapshot')));
    await connect(count);
    globalThis.gc();
    const after = byConstructor(writeHeapSnapshot(path.join(WORK, 'idle-after.heapsnapshot')));
    const rows = [...after]
      .map(([key, e]) => {
        const b = before.get(key) ?? { count: 0, bytes: 0 };
        return { key, count: (e.count - b.count) / count, bytes: (e.bytes - b.bytes) / count };
      })
      .filter((r) => r.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    const total = rows.reduce((n, r) => n + r.bytes, 0);
    log(`heap growth per idle WebSocket connection, ${count} clients: ${total.toFixed(0)} bytes (self sizes of every new node)`);
    log(
      table(
        ['node (type / constructor)', 'bytes per connection', 'nodes per connection'],
        rows.slice(0, top).map((r) => [r.key, r.bytes.toFixed(0), r.count.toFixed(1)]),
      ),
    );
    return { total, rows };
  } finally {
    await clients.ask({ cmd: 'close' }, 'closed').catch(() => {});
    clients.stop();
    await server.close();
  }
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
if (isMain(import.meta.url)) {
  await idleHeap({ count: arg('--clients', 1000), top: arg('--top', 25) });
}
