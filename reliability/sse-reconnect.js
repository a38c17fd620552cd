// Forced SSE reconnects: on every SSE channel of the seed APIs (agent-workspace fleetStream,
// release-orchestrator dashboardEvents), one client is cut off 100 times at seeded moments (after
// 0–3 events, after a random delay, or in the middle of a replay) and reconnects each time with
// the Last-Event-ID of the last event it received, as EventSource does. An observer that never
// drops (it resumes only when the contract's maximum stream duration ends its stream) sees the
// same stream; across all its connections the client must have every event the observer saw,
// from its first to its last, in order, each exactly once.
//
// Events that belong to one connection only (a fresh snapshot, the opening log lines, the
// metrics a fresh dashboard client starts from, heartbeats) carry ids too, but are never part of
// the stream; they are told apart by not being in the observer's stream.
//
//   node --import tsx --conditions=streamwright-source reliability/sse-reconnect.js [--reconnects N] [--seed N] [--json]

import path from 'node:path';
import { signJwt } from '../runtime/auth/index.ts';
import { Random } from '../runtime/seeded/index.ts';
import { SseReader, WORK, isMain, startHost, settleRun } from './lib.js';

const CHANNELS = [
  {
    api: 'agent-workspace',
    channel: 'fleetStream',
    path: '/api/agent-workspace/stream',
    // Polls every 300 ms; the 300 s maximum stream duration becomes 30 s.
    timeScale: 0.1,
    headers: async (host) => ({ cookie: `session=${Object.keys(host.secrets.sessions)[0]}` }),
    // Sent to one connection only: never in the stream.
    side: new Set(['fleet_snapshot', 'heartbeat']),
  },
  {
    api: 'release-orchestrator',
    channel: 'dashboardEvents',
    path: '/api/v1/dashboard/stream',
    // metric_update every 100 ms.
    timeScale: 0.02,
    headers: async (host) => ({ authorization: `Bearer ${await signJwt({ sub: 'dev-user' }, Buffer.from(host.secrets.jwtSecret, 'hex'))}` }),
    side: new Set(),
  },
];

/** An observer that stays connected, resuming only when the server ends its stream. */
function observe(port, path, headers) {
  const o = { events: [], ids: new Set(), resumes: 0, stopped: false, reader: undefined };
  const open = (lastId) => {
    const r = new SseReader(port, path, lastId ? { ...headers, 'last-event-id': lastId } : headers);
    o.reader = r;
    let seen = 0;
    r.waiters.add(() => {
      for (; seen < r.events.length; seen++) {
        const e = r.events[seen];
        o.events.push(e);
        if (e.id) o.ids.add(e.id);
      }
      if (r.ended && !o.stopped && o.reader === r) {
        o.resumes++;
        open(o.events.findLast((e) => e.id)?.id);
      }
    });
  };
  open(undefined);
  o.stop = () => {
    o.stopped = true;
    o.reader.destroy();
  };
  return o;
}

export async function reconnects(spec, { count = 100, seed = 1, log } = {}) {
  const host = await startHost({ seed, timeScale: spec.timeScale, log });
  const started = Date.now();
  const result = { api: spec.api, channel: spec.channel, reconnects: 0, replayedEvents: 0, resumedNonEmpty: 0 };
  const rnd = new Random(seed);
  let observer;
  try {
    const port = host.api(spec.api).port;
    const headers = await spec.headers(host);
    observer = observe(port, spec.path, headers);
    await new Promise((r) => setTimeout(r, 100));
    const connections = [];
    let lastId;
    for (let i = 0; i <= count; i++) {
      const c = new SseReader(port, spec.path, lastId ? { ...headers, 'last-event-id': lastId } : headers);
      connections.push(c);
      await c.waitFor(() => c.status !== undefined || c.ended, 'the response');
      if (c.status !== 200) throw new Error(`connection ${i} answered ${c.status}`);
      if (i === count) {
        // The last connection stays until it has caught up with the observer.
        await new Promise((r) => setTimeout(r, 50));
        const target = observer.events.findLast((e) => e.id && !spec.side.has(e.event))?.id;
        // (The observer may lag behind: the target may have come on an earlier connection.)
        await c.waitFor(
          () => connections.some((x) => x.events.some((e) => e.id === target)) || c.ended,
          `the client to reach ${target} (it has ${c.events.length} events, ${c.events.at(0)?.id} … ${c.events.at(-1)?.id}; resumed from ${lastId}; observer ${observer.events.length} events, ended ${observer.reader.ended})`,
        );
        c.destroy();
        break;
      }
      // Where to cut: after a few events, after a random delay, or at the first chunk (mid-replay).
      const roll = rnd.next();
      if (roll < 0.4) {
        const n = rnd.int(1, 3);
        await c.waitFor(() => c.events.length >= n || c.ended, `${n} events`);
      } else if (roll < 0.8) {
        const ms = rnd.int(0, 300);
        await new Promise((r) => setTimeout(r, ms));
      } else {
        await c.waitFor(() => c.chunks >= 1 || c.ended, 'the first chunk');
      }
      c.destroy();
      result.reconnects++;
      lastId = [...connections.flatMap((x) => x.events)].findLast((e) => e.id)?.id ?? lastId;
    }
    // Compare with the observer, over the client's range.
    await new Promise((r) => setTimeout(r, 200));
    const stream = observer.events.filter((e) => e.id && !spec.side.has(e.event));
    const published = stream.filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i);
    result.observerResumes = observer.resumes;
    const got = connections.flatMap((c) => c.events.filter((e) => e.id && observer.ids.has(e.id) && !spec.side.has(e.event)));
    const first = published.findIndex((e) => e.id === got[0]?.id);
    const last = published.findIndex((e) => e.id === got.at(-1)?.id);
    const want = first >= 0 && last >= first ? published.slice(first, last + 1) : [];
    const gotIds = got.map((e) => e.id);
    const counts = new Map();
    for (const id of gotIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    result.events = want.length;
    result.duplicated = [...counts.values()].filter((n) => n > 1).length;
    result.lost = want.filter((e) => !counts.has(e.id)).length;
    result.outOfOrder = JSON.stringify([...new Set(gotIds)]) !== JSON.stringify(want.map((e) => e.id)) && result.lost === 0 && result.duplicated === 0 ? 1 : 0;
    // Each event carries the same data on the client as on the observer.
    const byId = new Map(published.map((e) => [e.id, e]));
    result.dataMismatches = got.filter((e) => byId.get(e.id) && (byId.get(e.id).data !== e.data || byId.get(e.id).event !== e.event)).length;
    // Events the client got that are in no stream and are not the connection's own.
    result.foreign = connections.flatMap((c) => c.events.filter((e) => e.id && !observer.ids.has(e.id) && !spec.side.has(e.event)));
    result.foreign = result.foreign.filter(
      (e) => !(spec.api === 'agent-workspace' && e.event === 'fleet_logs') && !(spec.api === 'release-orchestrator' && e.event === 'metric_update'),
    ).length;
    // How many resumes had something to replay (events sent before the connection's own first event).
    for (const c of connections.slice(1)) {
      const replayed = c.events.filter((e) => observer.ids.has(e.id) && !spec.side.has(e.event)).length;
      if (replayed > 0) result.resumedNonEmpty++;
      result.replayedEvents += replayed;
    }
  } catch (e) {
    result.failure = e.stack ?? String(e);
  }
  observer?.stop();
  await settleRun(host, result, started);
  result.pass =
    !result.failure &&
    result.crashes === 0 &&
    result.reconnects >= count &&
    result.lost === 0 &&
    result.duplicated === 0 &&
    result.outOfOrder === 0 &&
    result.dataMismatches === 0 &&
    result.foreign === 0 &&
    result.events > 0;
  return result;
}

export async function allReconnects(options) {
  const out = [];
  for (const spec of CHANNELS.filter((c) => !options.api || c.api === options.api))
    out.push(await reconnects(spec, { ...options, log: path.join(WORK, `sse-${spec.api}.log`) }));
  return out;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const num = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const results = await allReconnects({
    count: num('--reconnects', 100),
    seed: num('--seed', 1),
    api: args.includes('--api') ? args[args.indexOf('--api') + 1] : undefined,
  });
  for (const r of results) console.log(JSON.stringify(r));
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}
