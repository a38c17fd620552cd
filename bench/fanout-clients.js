// The client side of bench/fanout.js, in its own process so the server process is measured
// alone: opens N WebSocket or SSE connections, and for each delivered message records the
// latency from the stamp the server put in it (both processes read the same machine clock).
//
// Messages on the IPC channel:  {cmd: 'connect', transport, url, n, headers} → {ready}
//                               {cmd: 'expect', total, timeoutMs}           → {armed}, then {done, stats}
//                               {cmd: 'close'}                               → {closed}

import { request } from 'node:http';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now();
// The stamp is the only thing read from a message: `~<epoch ms with fraction>~` inside a string.
const STAMP = /~(\d+\.\d+)~/;

let sockets = [];
let latencies = [];
let expected = Infinity;
let received = 0;
let lastAt = 0;
let onDone = null;

function record(text) {
  const m = STAMP.exec(text);
  if (!m) return;
  const t = now();
  latencies.push(t - Number(m[1]));
  received++;
  lastAt = t;
  if (received >= expected && onDone) onDone();
}

function connectWs(url, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, skipUTF8Validation: true });
    ws.on('message', (data) => record(data.toString()));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
  });
}

function connectSse(url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          record(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'connect') {
      const open = msg.transport === 'ws' ? connectWs : connectSse;
      // In batches, so the server's accept queue is not flooded.
      for (let i = 0; i < msg.n; i += 50) {
        const batch = Array.from({ length: Math.min(50, msg.n - i) }, () => open(msg.url, msg.headers));
        sockets.push(...(await Promise.all(batch)));
      }
      process.send({ ready: sockets.length });
    } else if (msg.cmd === 'expect') {
      latencies = [];
      received = 0;
      expected = msg.total;
      const firstAt = now();
      const cpu0 = process.cpuUsage();
      process.send({ armed: true });
      await new Promise((resolve) => {
        onDone = resolve;
        if (received >= expected) resolve();
        setTimeout(resolve, msg.timeoutMs).unref();
      });
      onDone = null;
      const cpu = process.cpuUsage(cpu0);
      const sorted = Float64Array.from(latencies).sort();
      process.send({
        done: true,
        stats: { received, firstAt, lastAt, p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpuUs: cpu.user + cpu.system },
      });
    } else if (msg.cmd === 'close') {
      for (const s of sockets) (s.terminate ?? s.close).call(s);
      sockets = [];
      process.send({ closed: true });
    }
  } catch (e) {
    process.send({ error: String(e?.stack ?? e) });
  }
});
