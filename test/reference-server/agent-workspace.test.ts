import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateFleetStreamServerEvent } from '../../generated/agent-workspace/validators.gen.js';
import type { AgentLog, PipelineSnapshot } from '../../generated/agent-workspace/models.gen.ts';
import {
  createAgentWorkspaceReference,
  ownOrigins,
  type AgentWorkspaceReference,
  type AgentWorkspaceReferenceOptions,
} from '../../reference-server/agent-workspace/index.ts';
import { Random } from '../../runtime/seeded/random.ts';
import { RawSse, type RawSseEvent } from '../support/sse.ts';

// The agent-workspace reference server over real sockets on 127.0.0.1, read with raw node:http
// (not streamwright's client). Every event received is checked against the generated validators.
// At SCALE 0.01 the 3 s poll runs every 30 ms, the 15 s heartbeat every 150 ms and the 300 s
// stream limit is 3 s.
const SCALE = 0.01;
const POLL_MS = 3000 * SCALE;
const HEARTBEAT_MS = 15000 * SCALE;
const MAX_STREAM_MS = 300000 * SCALE;
const PATH = '/api/agent-workspace/stream';
// The active statuses as the contract states them (the known values of PipelineSnapshot.status),
// not as the server under test lists them.
const CONTRACT = parse(readFileSync(new URL('../../spec/agent-workspace.asyncapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: { PipelineSnapshot: { properties: { status: { 'x-sw-known-values': string[] } } } } };
};
const ACTIVE = new Set(CONTRACT.components.schemas.PipelineSnapshot.properties.status['x-sw-known-values']);
const PUBLISHED = new Set(['fleet_update', 'fleet_logs']);

let ref: AgentWorkspaceReference | undefined;
let port: number;
let cookie: string;
let origin: string;
const errors: Error[] = [];
const violations: string[] = [];
const clients: Sse[] = [];

async function start(options: AgentWorkspaceReferenceOptions = {}, { paused = false } = {}) {
  errors.length = 0;
  ref = createAgentWorkspaceReference({ timeScale: SCALE, seed: 42, onError: (e) => errors.push(e), ...options });
  // Paused before the first poll tick, the fleet stays exactly as seeded.
  if (paused) ref.fleet.pause();
  ({ port } = await ref.listen(0));
  origin = `http://127.0.0.1:${port}`;
  const [credential] = await ref.credentials();
  cookie = `session=${credential!.value}`;
  return ref;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ref?.close();
  ref = undefined;
  const found = violations.splice(0);
  expect(found).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface SseEvent extends RawSseEvent {
  /** Parsed JSON of `data`. */
  json?: unknown;
  /** Sequence number of the id (`<boot>-<seq>`). */
  seq: number;
}

type Sse = RawSse<SseEvent>;

/** A raw HTTP SSE reader on the fleet stream; every event is checked against the contract. */
function sse(headers: Record<string, string>, options: { path?: string; method?: string; track?: boolean } = {}): Sse {
  const client = new RawSse<SseEvent>({
    port,
    path: options.path ?? PATH,
    headers,
    ...(options.method ? { method: options.method } : {}),
    onEvent: (e) => {
      const event: SseEvent = { ...e, seq: e.id ? Number(e.id.split('-')[1]) : -1 };
      if (e.event !== undefined) {
        try {
          event.json = JSON.parse(e.data ?? '');
        } catch {
          violations.push(`${e.event}: data is not JSON: ${e.data}`);
        }
        const verdict = validateFleetStreamServerEvent(e.event, event.json);
        if (!verdict.ok) violations.push(`${e.event} breaks the contract: ${JSON.stringify(verdict.errors)}`);
        if (!/^[0-9a-f]{8}-\d+$/.test(e.id ?? '')) violations.push(`${e.event} without a proper id: ${e.id}`);
      }
      return event;
    },
  });
  if (options.track !== false) clients.push(client);
  return client;
}

const fingerprint = (run: PipelineSnapshot) => JSON.stringify([run.status, run.jobs.map((j) => j.status), run.pendingInterventions.length]);
const runsOf = (e: SseEvent) => e.json as PipelineSnapshot[];
const logsOf = (e: SseEvent) => e.json as Required<AgentLog>[];
const isChronological = (logs: Required<AgentLog>[]) => logs.every((l, i) => i === 0 || Date.parse(logs[i - 1]!.createdAt) <= Date.parse(l.createdAt));

describe('agent-workspace: authentication', () => {
  it('answers 401 without a valid session cookie and opens no stream', async () => {
    await start();
    const cases: Record<string, string>[] = [
      {},
      { cookie: 'session=not-a-session' },
      { cookie: 'other=1' },
      { cookie: 'session=' },
      { cookie: `Session=${cookie.slice(8)}` },
      { cookie: 'session=%E0%A4%A' },
    ];
    const answers = cases.map((headers) => sse(headers));
    for (const a of answers) await a.until(() => a.ended && a.status !== undefined, '401');
    expect(answers.map((a) => a.status)).toEqual(cases.map(() => 401));
    for (const a of answers) {
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.events).toEqual([]);
    }
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(expect.arrayContaining(['SW_AUTH_MISSING', 'SW_AUTH_INVALID']));
  });

  it('answers 403 for an Origin not on the allow-list; allows listed origins and requests without Origin', async () => {
    await start();
    const foreign = sse({ cookie, origin: 'http://evil.test' });
    const lookalike = sse({ cookie, origin: `${origin}.evil.test` });
    const listed = sse({ cookie, origin });
    const localhost = sse({ cookie, origin: `http://localhost:${port}` });
    const none = sse({ cookie });
    for (const c of [foreign, lookalike]) await c.until(() => c.ended && c.status !== undefined, '403');
    expect([foreign.status, lookalike.status]).toEqual([403, 403]);
    for (const c of [listed, localhost, none]) await c.until(() => c.of('fleet_snapshot').length === 1, 'a snapshot');
    expect([listed.status, localhost.status, none.status]).toEqual([200, 200, 200]);
  });

  it('allows only its own origin: never a fixed :3003 one, wherever it listens', async () => {
    await start();
    expect(port).not.toBe(3003);
    const fixed = [sse({ cookie, origin: 'http://localhost:3003' }), sse({ cookie, origin: 'http://127.0.0.1:3003' })];
    const own = sse({ cookie, origin });
    for (const c of fixed) await c.until(() => c.ended && c.status !== undefined, '403');
    await own.until(() => own.of('fleet_snapshot').length === 1, 'a snapshot');
    expect([...fixed.map((c) => c.status), own.status]).toEqual([403, 403, 200]);
  });

  it('adds --cors origins to its own', async () => {
    await start({ cors: { origins: ['http://localhost:5173'] } });
    const front = sse({ cookie, origin: 'http://localhost:5173' });
    const other = sse({ cookie, origin: 'http://localhost:5174' });
    await front.until(() => front.of('fleet_snapshot').length === 1, 'a snapshot');
    await other.until(() => other.ended && other.status !== undefined, '403');
    expect([front.status, other.status]).toEqual([200, 403]);
  });

  it.each([
    ['127.0.0.1', ['http://127.0.0.1:4100', 'http://localhost:4100']],
    ['::1', ['http://[::1]:4100', 'http://localhost:4100']],
    ['0.0.0.0', ['http://localhost:4100', 'http://127.0.0.1:4100', 'http://[::1]:4100']],
    ['10.0.0.7', ['http://10.0.0.7:4100']],
  ])('derives its own origins from the listen address %s', (host, want) => {
    expect(ownOrigins(host, 4100)).toEqual(want);
  });

  it('honours a configured allow-list and configured sessions', async () => {
    await start({ allowedOrigins: ['https://workspace.example'], secrets: { sessions: { 'sess-1': 'ada' } } });
    expect(await ref!.credentials()).toEqual([{ scheme: 'sessionCookie', usage: expect.stringContaining('Cookie: session=') as unknown, value: 'sess-1' }]);
    const ok = sse({ cookie: 'theme=dark; session=sess-1', origin: 'https://workspace.example' });
    const local = sse({ cookie: 'session=sess-1', origin });
    await ok.until(() => ok.of('fleet_snapshot').length === 1, 'a snapshot');
    await local.until(() => local.ended, '403');
    expect([ok.status, local.status]).toEqual([200, 403]);
  });

  it('lists the endpoint URL and answers other methods and paths with 405 and 404', async () => {
    await start();
    expect(ref!.urls(origin)).toEqual([`${origin}${PATH}`]);
    const post = sse({ cookie, 'content-type': 'application/json' }, { method: 'POST' });
    const elsewhere = sse({ cookie }, { path: '/api/agent-workspace/streams' });
    await post.until(() => post.ended && post.status !== undefined, '405');
    await elsewhere.until(() => elsewhere.ended && elsewhere.status !== undefined, '404');
    expect([post.status, elsewhere.status]).toEqual([405, 404]);
    expect(post.headers.allow).toBe('GET');
  });
});

describe('agent-workspace: bad input', () => {
  it('ignores a request body (SSE takes no client frames) and survives oversized headers', async () => {
    await start();
    const withBody = await new Promise<{ status: number | undefined; first: string }>((resolve) => {
      const body = Buffer.concat([Buffer.from('not json {'), Buffer.from([0, 0xff, 0xfe, 0x80]), Buffer.alloc(70_000, 0x41)]);
      const headers = { cookie, 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
      const req = request({ host: '127.0.0.1', port, path: PATH, method: 'GET', headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('event: fleet_snapshot')) {
            resolve({ status: res.statusCode, first: /event: (\S+)/.exec(text)![1]! });
            req.destroy();
          }
        });
      });
      req.on('error', () => undefined);
      req.end(body);
    });
    expect(withBody).toEqual({ status: 200, first: 'fleet_snapshot' });
    const huge = sse({ cookie: `${cookie}; filler=${'x'.repeat(20_000)}` });
    await huge.until(() => huge.ended, 'the oversized request to be refused');
    expect(huge.status === undefined || huge.status === 431).toBe(true);
    const after = sse({ cookie });
    await after.until(() => after.of('fleet_snapshot').length === 1, 'a snapshot afterwards');
  });
});

describe('agent-workspace: the stream', () => {
  it('starts with retry, fleet_snapshot of active runs, then at once one fleet_logs of recent lines', async () => {
    await start();
    const s = sse({ cookie });
    await s.until(() => s.events.length >= 3, 'the opening events');
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream');
    expect(s.headers['cache-control']).toBe('no-cache, no-transform');
    expect(s.headers['x-accel-buffering']).toBe('no');
    expect(s.events[0]).toMatchObject({ retry: String(3000 * SCALE) });
    expect(s.events[1]!.event).toBe('fleet_snapshot');
    expect(s.events[2]!.event).toBe('fleet_logs');
    const runs = runsOf(s.events[1]!);
    const logs = logsOf(s.events[2]!);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThanOrEqual(50);
    expect(runs.every((r) => ACTIVE.has(r.status) && r.pendingInterventions.every((i) => i.status === 'pending'))).toBe(true);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.length).toBeLessThanOrEqual(300);
    expect(isChronological(logs)).toBe(true);
    const ids = new Set(runs.map((r) => r.id));
    expect(logs.every((l) => ids.has(l.pipelineRunId))).toBe(true);
    // Ids increase along the stream.
    await s.until(() => s.events.length >= 8, 'more events');
    const seqs = s.events.filter((e) => e.event).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('is deterministic: the same seed gives the same fleet', async () => {
    const first = await start({ seed: 7 }, { paused: true });
    const a = sse({ cookie });
    await a.until(() => a.of('fleet_logs').length >= 1, 'the opening');
    await first.close();
    await start({ seed: 7 }, { paused: true });
    const b = sse({ cookie });
    await b.until(() => b.of('fleet_logs').length >= 1, 'the opening');
    const strip = (runs: PipelineSnapshot[]) =>
      runs.map((r) => ({
        ...r,
        startedAt: null,
        jobs: r.jobs.map((j) => ({ ...j, startedAt: null, completedAt: null })),
        pendingInterventions: r.pendingInterventions.map((i) => ({ ...i, createdAt: '' })),
      }));
    expect(strip(runsOf(b.of('fleet_snapshot')[0]!))).toEqual(strip(runsOf(a.of('fleet_snapshot')[0]!)));
    expect(logsOf(b.of('fleet_logs')[0]!).map((l) => l.id)).toEqual(logsOf(a.of('fleet_logs')[0]!).map((l) => l.id));
  });

  it('keeps the snapshot limits: at most 50 runs and the 300 most recent lines', async () => {
    const server = await start({ activeRuns: 60, initialLogLines: [8, 12] }, { paused: true });
    const s = sse({ cookie });
    await s.until(() => s.of('fleet_logs').length >= 1, 'the opening');
    const runs = runsOf(s.of('fleet_snapshot')[0]!);
    expect(runs).toHaveLength(50);
    expect(new Set(runs.map((r) => r.id)).size).toBe(50);
    // Newest runs first, the same ones the server holds as active.
    expect(runs.map((r) => r.id)).toEqual(server.fleet.activeRunIds().slice(0, 50));
    const logs = logsOf(s.of('fleet_logs')[0]!);
    expect(logs).toHaveLength(300);
    expect(isChronological(logs)).toBe(true);
    const ids = new Set(runs.map((r) => r.id));
    expect(logs.every((l) => ids.has(l.pipelineRunId))).toBe(true);
  });

  it('sends at most 50 new lines per run per poll, in order, none twice', async () => {
    const server = await start({}, { paused: true });
    const s = sse({ cookie });
    await s.until(() => s.of('fleet_logs').length === 1, 'the opening');
    const [a, b] = server.fleet.activeRunIds();
    server.fleet.writeLogs(a!, 120);
    server.fleet.writeLogs(b!, 30);
    await s.until(() => s.of('fleet_logs').slice(1).flatMap(logsOf).length >= 150, '150 new lines');
    const batches = s.of('fleet_logs').slice(1).map(logsOf);
    const perRun = (id: string) => batches.map((batch) => batch.filter((l) => l.pipelineRunId === id).length).filter((n) => n > 0);
    expect(perRun(a!)).toEqual([50, 50, 20]);
    expect(perRun(b!)).toEqual([30]);
    const all = batches.flat();
    expect(new Set(all.map((l) => l.id)).size).toBe(150);
    expect(batches.every(isChronological)).toBe(true);
    expect(s.of('fleet_update')).toEqual([]);
  });

  it('sends fleet_update only for runs whose fingerprint changed, nothing when nothing did, and drops finished runs', async () => {
    const server = await start({}, { paused: true });
    const s = sse({ cookie });
    await s.until(() => s.of('fleet_logs').length === 1, 'the opening');
    const snapshot = runsOf(s.of('fleet_snapshot')[0]!);
    const [target, other] = snapshot;
    // Quiet world: heartbeats only.
    await s.until(() => s.of('heartbeat').length >= 2, 'two heartbeats');
    expect(s.events.filter((e) => PUBLISHED.has(e.event ?? '')).length).toBe(1);

    server.fleet.addIntervention(target!.id);
    await s.until(() => s.of('fleet_update').length === 1, 'an update');
    const [changed] = runsOf(s.of('fleet_update')[0]!);
    expect(runsOf(s.of('fleet_update')[0]!)).toHaveLength(1);
    expect(changed!.id).toBe(target!.id);
    expect(changed!.pendingInterventions.length).toBe(target!.pendingInterventions.length + 1);
    expect(fingerprint(changed!)).not.toBe(fingerprint(target!));

    // Same pending count, same statuses: no update.
    expect(server.fleet.swapIntervention(target!.id)).toBe(true);
    const heartbeats = s.of('heartbeat').length;
    await s.until(() => s.of('heartbeat').length >= heartbeats + 2, 'two more heartbeats');
    expect(s.of('fleet_update')).toHaveLength(1);

    // A finished run is never sent again; a new run arrives as an update.
    server.fleet.finishRun(target!.id, 'completed');
    server.fleet.finishRun(other!.id, 'failed');
    const fresh = server.fleet.startRun();
    await s.until(() => s.of('fleet_update').length === 2, 'the new run');
    const arrived = runsOf(s.of('fleet_update')[1]!);
    expect(arrived.map((r) => r.id)).toEqual([fresh]);
    expect(arrived[0]!.status).toBe('queued');
    expect(arrived[0]!.startedAt).toBeNull();
    await sleep(5 * POLL_MS);
    const later = sse({ cookie });
    await later.until(() => later.of('fleet_snapshot').length === 1, 'a new snapshot');
    const ids = runsOf(later.of('fleet_snapshot')[0]!).map((r) => r.id);
    expect(ids).toContain(fresh);
    expect(ids).not.toContain(target!.id);
    expect(ids).not.toContain(other!.id);
    expect(
      s
        .of('fleet_update')
        .flatMap(runsOf)
        .map((r) => r.id),
    ).not.toContain(other!.id);
  });

  it('with the simulation running: every update item changed its fingerprint, every status is active, no line twice', async () => {
    await start({ seed: 3 });
    const s = sse({ cookie });
    await s.until(() => s.of('fleet_update').length >= 15 && s.of('fleet_logs').length >= 10, 'a busy fleet', 10_000);
    const known = new Map<string, string>();
    for (const run of runsOf(s.of('fleet_snapshot')[0]!)) known.set(run.id, fingerprint(run));
    const seen = new Set<string>();
    let lines = 0;
    for (const e of s.events) {
      if (e.event === 'fleet_update') {
        for (const run of runsOf(e)) {
          expect(ACTIVE.has(run.status)).toBe(true);
          expect(known.get(run.id)).not.toBe(fingerprint(run));
          known.set(run.id, fingerprint(run));
        }
        expect(new Set(runsOf(e).map((r) => r.id)).size).toBe(runsOf(e).length);
      }
      if (e.event === 'fleet_logs') {
        for (const log of logsOf(e)) {
          expect(seen.has(log.id)).toBe(false);
          seen.add(log.id);
          lines++;
        }
        expect(isChronological(logsOf(e))).toBe(true);
      }
    }
    expect(lines).toBeGreaterThan(0);
  });

  it('sends a heartbeat {ts} every 15 s (scaled), in server time', async () => {
    await start();
    const s = sse({ cookie });
    const opened = Date.now();
    await s.until(() => s.of('heartbeat').length >= 3, 'three heartbeats');
    expect(Date.now() - opened).toBeGreaterThanOrEqual(3 * HEARTBEAT_MS - 20);
    const ts = s.of('heartbeat').map((e) => (e.json as { ts: number }).ts);
    expect(ts.every((t) => Number.isInteger(t) && t >= Date.parse('2026-01-10T14:00:00Z'))).toBe(true);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('ends the stream at its maximum duration; the reconnect with Last-Event-ID is replayed and gets a fresh snapshot', async () => {
    await start();
    const opened = Date.now();
    const s = sse({ cookie });
    await s.until(() => s.ended, 'the end of the stream', MAX_STREAM_MS + 5000);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(MAX_STREAM_MS - 100);
    expect(s.status).toBe(200);
    const last = s.events.at(-1)!;
    const again = sse({ cookie, 'last-event-id': last.id! });
    await again.until(() => again.of('fleet_snapshot').length === 1, 'the snapshot after resuming');
    const snapshotAt = again.events.indexOf(again.of('fleet_snapshot')[0]!);
    const replayed = again.events.slice(1, snapshotAt);
    expect(replayed.every((e) => PUBLISHED.has(e.event ?? '') && e.seq > last.seq)).toBe(true);
    // No dump of recent lines after the snapshot: those lines were replayed or seen.
    await sleep(3 * POLL_MS);
    const after = again.events.slice(snapshotAt + 1);
    expect(after.every((e) => e.event === 'heartbeat' || (PUBLISHED.has(e.event ?? '') && e.seq > again.of('fleet_snapshot')[0]!.seq))).toBe(true);
  }, 20_000);
});

describe('agent-workspace: Last-Event-ID resume', () => {
  it('replays exactly the published events the client missed: none lost, none repeated', async () => {
    await start({ seed: 5 });
    const observer = sse({ cookie });
    await observer.until(() => observer.of('fleet_snapshot').length === 1, 'the observer');
    const first = sse({ cookie });
    await first.until(() => first.of('fleet_snapshot').length === 1, 'the first snapshot');
    const firstSnapshotSeq = first.of('fleet_snapshot')[0]!.seq;
    await first.until(() => first.events.filter((e) => PUBLISHED.has(e.event ?? '') && e.seq > firstSnapshotSeq + 1).length >= 4, 'some published events');
    first.close();
    await until(() => first.ended, 'the first stream to close');
    const lastSeen = first.events.at(-1)!;
    await observer.until(() => observer.events.filter((e) => PUBLISHED.has(e.event ?? '') && e.seq > lastSeen.seq).length >= 6, 'events while away');

    const second = sse({ cookie, 'last-event-id': lastSeen.id! });
    await second.until(() => second.of('fleet_snapshot').length === 1, 'the resumed snapshot');
    const snapshot = second.of('fleet_snapshot')[0]!;
    await observer.until(() => observer.events.some((e) => e.seq > snapshot.seq), 'the observer to pass the resume');

    const replayed = second.events.slice(1, second.events.indexOf(snapshot));
    const missed = observer.events.filter((e) => PUBLISHED.has(e.event ?? '') && e.seq > lastSeen.seq && e.seq < snapshot.seq);
    expect(missed.length).toBeGreaterThanOrEqual(6);
    expect(replayed.map((e) => [e.id, e.event, e.data])).toEqual(missed.map((e) => [e.id, e.event, e.data]));

    // Across both connections, the observer's published events are all there, once each.
    const got = [...first.events.filter((e) => e.seq > firstSnapshotSeq + 1), ...replayed].filter((e) => PUBLISHED.has(e.event ?? ''));
    const want = observer.events.filter((e) => PUBLISHED.has(e.event ?? '') && e.seq > firstSnapshotSeq + 1 && e.seq < snapshot.seq);
    expect(got.map((e) => e.id)).toEqual(want.map((e) => e.id));
    // No log line twice, counting the first connection's opening lines too.
    await sleep(4 * POLL_MS);
    const lineIds = [...first.of('fleet_logs'), ...second.of('fleet_logs')].flatMap(logsOf).map((l) => l.id);
    expect(new Set(lineIds).size).toBe(lineIds.length);
    // After the snapshot, only live events (the same ids the observer got).
    const live = second.events.slice(second.events.indexOf(snapshot) + 1).filter((e) => PUBLISHED.has(e.event ?? ''));
    const observed = new Set(observer.events.map((e) => e.id));
    expect(live.every((e) => observed.has(e.id))).toBe(true);
  }, 20_000);

  it('starts afresh (snapshot, then the recent lines) with an unknown, foreign or malformed Last-Event-ID', async () => {
    await start();
    const probe = sse({ cookie });
    await probe.until(() => probe.of('fleet_logs').length >= 1, 'the opening');
    const [boot, seq] = probe.of('fleet_snapshot')[0]!.id!.split('-');
    const foreignBoot = boot === '00000000' ? '11111111' : '00000000';
    for (const id of [`${foreignBoot}-${seq}`, `${boot}-999999999`, 'garbage', '', `${boot}-`, `${boot}-1-1`, '-'.repeat(300)]) {
      const s = sse({ cookie, 'last-event-id': id });
      await s.until(() => s.of('fleet_logs').length >= 1, `a fresh start for ${JSON.stringify(id)}`);
      expect(s.events.slice(1, 3).map((e) => e.event)).toEqual(['fleet_snapshot', 'fleet_logs']);
      s.close();
    }
  });
});

describe('agent-workspace: the error event', () => {
  it('sends error instead of fleet_snapshot when the initial state cannot be loaded, then ends the stream', async () => {
    const server = await start({ failingStore: true });
    const s = sse({ cookie });
    await s.until(() => s.ended, 'the end of the stream');
    expect(s.status).toBe(200);
    expect(s.events.map((e) => e.event ?? 'retry')).toEqual(['retry', 'error']);
    expect(s.events[1]!.json).toEqual({ message: 'Failed to load initial state' });
    // The store recovers: the next connection gets its snapshot.
    server.fleet.setStoreFailing(false);
    const next = sse({ cookie });
    await next.until(() => next.of('fleet_snapshot').length === 1, 'a snapshot');
    expect(next.of('error')).toEqual([]);
  });

  it('publishes nothing while the store fails during a stream, then carries on', async () => {
    const server = await start();
    const s = sse({ cookie });
    await s.until(() => s.of('fleet_snapshot').length === 1, 'the opening');
    server.fleet.setStoreFailing(true);
    await sleep(POLL_MS * 2);
    const before = s.events.filter((e) => PUBLISHED.has(e.event ?? '')).length;
    await s.until(() => s.of('heartbeat').length >= 2, 'heartbeats while failing');
    expect(s.events.filter((e) => PUBLISHED.has(e.event ?? '')).length).toBe(before);
    expect(s.ended).toBe(false);
    server.fleet.setStoreFailing(false);
    await s.until(() => s.events.filter((e) => PUBLISHED.has(e.event ?? '')).length > before, 'events again');
    expect(errors.filter((e) => !('code' in e))).toEqual([]);
  });
});

describe('agent-workspace: shutdown', () => {
  it('ends every stream on close, stops its timers and stops listening', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const server = await start();
    const a = sse({ cookie });
    const b = sse({ cookie, origin });
    await a.until(() => a.of('fleet_snapshot').length === 1, 'a');
    await b.until(() => b.of('fleet_snapshot').length === 1, 'b');
    await server.close();
    ref = undefined;
    await until(() => a.ended && b.ended, 'both streams to end');
    await sleep(20);
    expect(timers()).toBeLessThanOrEqual(before);
    const refused = sse({ cookie });
    await refused.until(() => refused.ended, 'the refusal');
    expect(refused.failed).toBeDefined();
    expect(refused.status).toBeUndefined();
  });
});

describe('agent-workspace: fuzz', () => {
  it('answers a few thousand random and mutated requests as the contract says and stays up', async () => {
    const server = await start({ seed: 11 });
    const valid = cookie.slice('session='.length);
    const random = new Random(20260110);
    const warm = sse({ cookie });
    await warm.until(() => warm.events.filter((e) => e.id).length >= 6, 'some ids');
    const knownIds = warm.events.filter((e) => e.id).map((e) => e.id!);
    const printable = (n: number) => Array.from({ length: n }, () => String.fromCharCode(random.int(0x20, 0x7e))).join('');
    const mutate = (s: string) => {
      const chars = [...s];
      const i = random.int(0, Math.max(0, chars.length - 1));
      switch (random.int(0, 3)) {
        case 0:
          chars[i] = String.fromCharCode(random.int(0x21, 0x7e));
          break;
        case 1:
          chars.splice(i, 1);
          break;
        case 2:
          chars.splice(i, 0, String.fromCharCode(random.int(0x21, 0x7e)));
          break;
        default:
          return s + s;
      }
      return chars.join('');
    };

    interface Case {
      method: string;
      path: string;
      headers: Record<string, string>;
      want: number;
    }
    const makeCase = (): Case => {
      const headers: Record<string, string> = {};
      const method = random.next() < 0.85 ? 'GET' : random.pick(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      const pathRoll = random.next();
      const path =
        pathRoll < 0.7
          ? PATH
          : pathRoll < 0.8
            ? `${PATH}?${encodeURIComponent(printable(random.int(0, 20)))}=${encodeURIComponent(printable(random.int(0, 20)))}`
            : pathRoll < 0.85
              ? `${PATH}/`
              : random.pick([
                  '/',
                  '/api',
                  '/api/agent-workspace',
                  `${PATH}/x`,
                  `/${encodeURIComponent(printable(random.int(1, 30)))}`,
                  '/API/agent-workspace/stream',
                ]);
      const cookieRoll = random.next();
      let credentialOk = false;
      if (cookieRoll < 0.5) {
        headers.cookie = `session=${valid}`;
        credentialOk = true;
      } else if (cookieRoll < 0.6) {
        headers.cookie = `a=1; session=${valid}; b=2`;
        credentialOk = true;
      } else if (cookieRoll < 0.75) {
        const bad = mutate(valid);
        headers.cookie = `session=${bad}`;
        credentialOk = bad === valid;
      } else if (cookieRoll < 0.85) {
        headers.cookie = printable(random.int(0, 60)).replace(/session/gi, 'x');
      }
      const presented = headers.cookie !== undefined && /(^|;\s*)session=[^;]/.test(headers.cookie);
      const originRoll = random.next();
      let originOk = true;
      if (originRoll < 0.15) headers.origin = origin;
      else if (originRoll < 0.3) {
        headers.origin = random.pick(['http://evil.test', 'null', printable(random.int(1, 20)), `${origin}/`, origin.toUpperCase()]);
        originOk = false;
      }
      const idRoll = random.next();
      if (idRoll < 0.3) headers['last-event-id'] = random.pick(knownIds);
      else if (idRoll < 0.5) headers['last-event-id'] = mutate(random.pick(knownIds));
      else if (idRoll < 0.6) headers['last-event-id'] = printable(random.int(0, 100));
      let want: number;
      if (!(path.split('?')[0] === PATH || path.split('?')[0] === `${PATH}/`)) want = 404;
      else if (method !== 'GET') want = 405;
      else if (!presented) want = 401;
      else if (!originOk) want = 403;
      else if (!credentialOk) want = 401;
      else want = 200;
      return { method, path, headers, want };
    };

    const TOTAL = 2500;
    const cases = Array.from({ length: TOTAL }, makeCase);
    const outcomes: { want: number; got: number | undefined; first: string | undefined; events: number; lastEventId: string | undefined }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const s = sse(c.headers, { path: c.path, method: c.method, track: false });
        try {
          await s.until(
            () => s.of('fleet_snapshot').length === 1 || s.of('error').length === 1 || (s.status !== undefined && s.status !== 200) || s.ended,
            'an answer',
            10_000,
          );
          if (s.status !== 200) await s.until(() => s.ended, 'the end of a refusal', 10_000);
        } finally {
          s.close();
        }
        const firstEvent = s.events.find((e) => e.event === 'fleet_snapshot' || e.event === 'error');
        outcomes.push({ want: c.want, got: s.status, first: firstEvent?.event, events: s.events.length, lastEventId: c.headers['last-event-id'] });
        if (c.want === 200 && s.status === 200) {
          // The stream opens with retry, then replayed published events (if resumed), then the snapshot.
          const opening = s.events.slice(0, s.events.indexOf(firstEvent!) + 1);
          if (opening[0]?.retry !== String(3000 * SCALE)) violations.push(`no retry first: ${JSON.stringify(opening[0])}`);
          if (!opening.slice(1, -1).every((e) => PUBLISHED.has(e.event ?? ''))) violations.push(`unexpected opening ${opening.map((e) => e.event).join(',')}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    expect(outcomes).toHaveLength(TOTAL);
    const wrong = outcomes.filter((o) => o.want !== o.got || (o.want === 200 && o.first !== 'fleet_snapshot'));
    expect(wrong.slice(0, 10)).toEqual([]);
    const statuses = new Set(outcomes.map((o) => o.got));
    expect([...statuses].sort()).toEqual([200, 401, 403, 404, 405]);
    // Still up, still streaming.
    const after = sse({ cookie });
    await after.until(() => after.of('fleet_snapshot').length === 1, 'a snapshot after the fuzz');
    expect(
      errors.every((e) => ['SW_AUTH_MISSING', 'SW_AUTH_INVALID', 'SW_ORIGIN_REJECTED', 'SW_NOT_FOUND'].includes((e as { code?: string }).code ?? '')),
    ).toBe(true);
    expect(server.fleet.activeRunIds().length).toBeGreaterThan(0);
  }, 60_000);
});
