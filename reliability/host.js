// The server side of `npm run fuzz`: the four reference servers in a process of their own, so
// that what the clients measure (a crash, an unhandled error, memory) is the server's alone.
// Started by reliability/lib.js with a TypeScript loader and the source condition, so fixes in
// runtime/ and reference-server/ are measured without a build.
//
// Config comes in SW_RELIABILITY (JSON): { seed, timeScale, jwtSecret (hex), apiKeys, sessions,
// log (path), maxBufferedBytes? }. Every runtime event is written to `log` as one JSON line,
// exactly as `streamwright serve` writes them to stderr (runtime/server/log.ts, the printed
// credentials passed as known secrets). IPC: {cmd: 'memory' | 'stats' | 'stop'}.

import { appendFileSync } from 'node:fs';
import { startReferenceServers } from '../reference-server/index.ts';
import { logRecord } from '../runtime/index.ts';

const config = JSON.parse(process.env.SW_RELIABILITY ?? '{}');
const crashes = [];
const counts = {};
/** The first few error-level events with their stacks: what a failing check points at. */
const errorExamples = [];
const secrets = [];

process.on('uncaughtException', (e) => {
  crashes.push(`uncaughtException: ${e?.stack ?? e}`);
  process.send?.({ crash: crashes.at(-1) });
});
process.on('unhandledRejection', (e) => {
  crashes.push(`unhandledRejection: ${e?.stack ?? e}`);
  process.send?.({ crash: crashes.at(-1) });
});

const onError = (e, info) => {
  const record = logRecord(e, info, { secrets });
  const key = `${record.level} ${record.code}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (record.level === 'error' && errorExamples.length < 5)
    errorExamples.push({
      ...record,
      stack: String(e?.stack ?? '')
        .split('\n')
        .slice(0, 30)
        .join('\n'),
    });
  if (config.log) appendFileSync(config.log, JSON.stringify(record) + '\n');
};

const running = await startReferenceServers({
  portBase: 0,
  host: '127.0.0.1',
  reference: {
    seed: config.seed ?? 1,
    timeScale: config.timeScale ?? 1,
    secrets: {
      jwtSecret: Buffer.from(config.jwtSecret, 'hex'),
      apiKeys: config.apiKeys,
      sessions: config.sessions,
    },
    onError,
  },
});
const servers = [];
for (const r of running) {
  const credentials = await r.server.credentials();
  secrets.push(...credentials.map((c) => c.value));
  servers.push({ api: r.api, port: r.port, origin: r.origin, urls: r.server.urls(r.origin), credentials });
}

const memory = () => {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
};

process.on('message', async (msg) => {
  if (msg.cmd === 'memory') process.send({ memory: memory() });
  else if (msg.cmd === 'stats')
    process.send({ stats: { crashes, counts, errorExamples, stats: running.map((r) => ({ api: r.api, ...(r.server.stats?.() ?? {}) })) } });
  else if (msg.cmd === 'stop') {
    await Promise.all(running.map((r) => r.server.close()));
    process.send({ stopped: { crashes, counts } }, () => process.exit(0));
  }
});
process.send({ ready: { servers, pid: process.pid, memory: memory() } });
