// Stalled consumers: 1,000 WebSocket clients of steadybase (the API whose every event goes to
// every client) complete the upgrade and then never read again. The server is driven with
// broadcasts (POST /api/tasks/status, each task-update carrying a 64 KiB message) until its
// backpressure bound (maxBufferedBytes, 1 MiB of unsent bytes per connection) has cut every one
// of them off (SW_SLOW_CONSUMER, close 1013, then terminate). Measured: the server process's
// RSS and heap (after gc) before, with the stalled clients connected, at the peak, and after;
// and that one client that does read receives every broadcast throughout.
//
//   node --import tsx --conditions=streamwright-source reliability/stall.js [--clients N] [--seed N] [--json]

import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { signJwt } from '../runtime/auth/index.ts';
import { Client, WORK, fmtBytes, isMain, startHost, settleRun } from './lib.js';

/** A WebSocket upgrade done by hand on a raw socket, which then stops reading. */
function stalledClient(port, token) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    const state = { socket, closed: false, bytesRead: 0 };
    socket.on('close', () => (state.closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Authorization: Bearer ${token}\r\n\r\n`,
      ),
    );
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      // From here on the client reads nothing: the kernel's receive buffer fills, then the server's.
      socket.pause();
      resolve(state);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function post(port, token, body) {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/tasks/status',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        let out = '';
        res.on('data', (c) => (out += c));
        res.on('end', () => resolve({ status: res.statusCode, body: out }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export async function stall({ clients = 1000, seed = 1, log, messageBytes = 64 * 1024, maxPosts = 400 } = {}) {
  const host = await startHost({ seed, log });
  const started = Date.now();
  const result = { clients, messageBytes, memory: {} };
  try {
    const port = host.api('steadybase').port;
    const token = await signJwt({ sub: 'stall' }, Buffer.from(host.secrets.jwtSecret, 'hex'));
    result.memory.before = await host.ask('memory');
    const live = new Client(`ws://127.0.0.1:${port}/ws`, {
      headers: { authorization: `Bearer ${token}` },
      keep: (m) => m.type === 'task-update' && String(m.taskId).startsWith('stall-'),
    });
    await live.opened();
    const stalled = [];
    for (let i = 0; i < clients; i += 50)
      stalled.push(...(await Promise.all(Array.from({ length: Math.min(50, clients - i) }, () => stalledClient(port, token)))));
    result.memory.connected = await host.ask('memory');

    const cut = async () => (await host.ask('stats')).counts['warn SW_SLOW_CONSUMER'] ?? 0;
    let posts = 0;
    let peak = result.memory.connected;
    const message = 'm'.repeat(messageBytes);
    while (posts < maxPosts) {
      const answer = await post(port, token, { taskId: `stall-${posts}`, status: 'running', message });
      if (answer.status !== 202) throw new Error(`POST answered ${answer.status} ${answer.body}`);
      posts++;
      if (posts % 8 === 0) {
        const m = await host.ask('memory');
        if (m.rss > peak.rss) peak = m;
        if ((await cut()) >= clients) break;
      }
    }
    result.posts = posts;
    result.bytesPerClient = posts * messageBytes;
    result.memory.peak = peak;
    result.slowConsumersCut = await cut();
    // Every stalled client was cut off: once it reads again it finds the end of its connection.
    for (const s of stalled) s.socket.resume();
    const deadline = Date.now() + 60_000;
    while (stalled.some((s) => !s.closed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    result.stalledClosed = stalled.filter((s) => s.closed).length;
    for (const s of stalled) s.socket.destroy();
    // The client that reads got every broadcast, in order, and is still connected.
    await live.waitFor(() => live.frames.length >= posts, `${posts} task-updates on the reading client`, 60_000);
    result.liveReceived = live.frames.length;
    result.liveInOrder = live.frames.every((m, i) => m.taskId === `stall-${i}`);
    result.liveOpen = live.closed === undefined;
    await live.close();
    await new Promise((r) => setTimeout(r, 200));
    result.memory.after = await host.ask('memory');
  } catch (e) {
    result.failure = e.stack ?? String(e);
  }
  await settleRun(host, result, started);
  const m = result.memory;
  if (m.before && m.after && m.peak) {
    result.peakRssGrowth = m.peak.rss - m.before.rss;
    result.heapAfterGrowth = m.after.heapUsed - m.before.heapUsed;
    // The design's bound: 1 MiB unsent per connection. Broadcast frames are built once and shared
    // by every socket's queue, so the real peak sits far below clients × 1 MiB.
    result.bound = clients * (1 << 20);
  }
  result.pass =
    !result.failure &&
    result.crashes === 0 &&
    result.slowConsumersCut === clients &&
    result.stalledClosed === clients &&
    result.liveReceived === result.posts &&
    result.liveInOrder &&
    result.liveOpen &&
    result.peakRssGrowth < result.bound &&
    result.heapAfterGrowth < 32 * 2 ** 20;
  return result;
}

export function stallSummary(r) {
  const m = r.memory;
  return [
    `${r.clients} stalled WebSocket consumers (steadybase /ws), ${r.posts} broadcasts of ${r.messageBytes / 1024} KiB (${fmtBytes(r.bytesPerClient ?? 0)} offered to each)`,
    `cut off as slow consumers: ${r.slowConsumersCut}/${r.clients}; sockets found closed: ${r.stalledClosed}/${r.clients}; reading client got ${r.liveReceived}/${r.posts} in order: ${r.liveInOrder}, still open: ${r.liveOpen}`,
    m.after &&
      `server RSS ${fmtBytes(m.before.rss)} → ${fmtBytes(m.connected.rss)} (${r.clients} connected) → peak ${fmtBytes(m.peak.rss)} → ${fmtBytes(m.after.rss)} after; heap ${fmtBytes(m.before.heapUsed)} → ${fmtBytes(m.connected.heapUsed)} → ${fmtBytes(m.peak.heapUsed)} → ${fmtBytes(m.after.heapUsed)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const num = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const r = await stall({ clients: num('--clients', 1000), seed: num('--seed', 1), log: path.join(WORK, 'stall.log') });
  console.log(args.includes('--json') ? JSON.stringify(r, null, 2) : `${stallSummary(r)}\n${r.pass ? 'PASS' : `FAIL ${r.failure ?? ''}`}`);
  if (!r.pass) process.exitCode = 1;
}
