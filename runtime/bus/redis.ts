import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import type { Redis, RedisOptions } from 'ioredis';
import { StreamwrightError } from '../errors.ts';
import type { Bus, BusNode, BusWsMessage, StreamJoin } from './types.ts';

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** First part of every key and pub/sub channel (default `sw`); the API's name follows. */
  prefix?: string;
  /** This instance's name on the bus (default: random). */
  instance?: string;
  /**
   * Entries each stream keeps so that an instance that lost Redis for a while catches up
   * (default 10 000). An SSE stream keeps at least its contract's replay buffer.
   */
  window?: number;
  /** Publishes held while Redis is unreachable; past it new ones are dropped (default 10 000). */
  maxBacklog?: number;
  /** How long a lookup (connection count, resume) waits for Redis before doing without (default 1000 ms). */
  lookupTimeoutMs?: number;
  /** An instance that stops refreshing its liveness for this long no longer holds connection slots (default 10 s). */
  instanceTtlMs?: number;
  /** Connection options passed to ioredis; the bus sets the retry and queue options itself. */
  redis?: RedisConnectionOptions;
}

/**
 * The ioredis options a deployment sets (a subset of its `RedisOptions`). Our own type, so that
 * the runtime's declarations never name ioredis: its typings do not compile under a consumer's
 * `strict` without `skipLibCheck`, and a server on the memory bus need not install them.
 */
export interface RedisConnectionOptions {
  username?: string;
  password?: string;
  db?: number;
  tls?: ConnectionOptions;
  connectTimeout?: number;
  commandTimeout?: number;
  keepAlive?: number;
  connectionName?: string;
}

/**
 * The bus of several instances, on Redis:
 * - every broadcast and SSE event is appended to a Redis Stream and published on one pub/sub
 *   channel, both in one script, so the live order is the stream order and ids are global;
 * - an SSE stream's Redis Stream is its Last-Event-ID replay window, readable by any instance;
 * - connection counts live in a hash per limit key, one field per live instance;
 * - while Redis is unreachable, an instance serves its own clients (WebSocket broadcasts reach
 *   its own connections at once), holds its publishes, reports SW_BUS_UNAVAILABLE once, and on
 *   return sends what it held and reads what it missed from the streams, each entry once.
 *
 * `ioredis` is imported when the bus starts, so a server on the memory bus never loads it.
 */
export function redisBus(options: RedisBusOptions): Bus {
  return new RedisBus(options);
}

/** KEYS: stream, dedupe. ARGV: maxlen, pub/sub channel, body, dedupe ttl. Returns the entry id. */
const PUBLISH = `
local seen = redis.call('GET', KEYS[2])
if seen then return seen end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[3])
redis.call('SET', KEYS[2], id, 'PX', ARGV[4])
redis.call('PUBLISH', ARGV[2], KEYS[1] .. '\\n' .. id .. '\\n' .. ARGV[3])
return id`;

/** KEYS: stream. ARGV: after id ('' for none), count. Returns {last id, max deleted id, entries}. */
const JOIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'0-0', '0-0', {}} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last, deleted = '0-0', '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
  if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
end
local range = {}
if ARGV[1] ~= '' then range = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2]) end
return {last, deleted, range}`;

/** KEYS: counts hash. ARGV[1]: liveness key prefix. Sums the fields of live instances into `sum`, drops the others. */
const LIVE_SUM = `
local all = redis.call('HGETALL', KEYS[1])
local sum = 0
for i = 1, #all, 2 do
  if redis.call('EXISTS', ARGV[1] .. all[i]) == 1 then sum = sum + tonumber(all[i + 1]) else redis.call('HDEL', KEYS[1], all[i]) end
end`;

/** KEYS: counts hash. ARGV: liveness key prefix. */
const COUNT = `${LIVE_SUM}
return sum`;

/** KEYS: counts hash. ARGV: liveness key prefix, limit, instance. */
const ACQUIRE = `${LIVE_SUM}
if sum >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
return 1`;

/** What travels in a stream entry and on pub/sub (`o`: the publishing instance). */
type Body = { o: string; t: 'ws'; c: string; p?: Record<string, string>; x: string; to?: string } | { o: string; t: 'sse'; s: string; e: string; d: string };

type Entry = [id: string, fields: string[]];

const STREAM_ID = /^(\d{1,15})-(\d{1,15})$/;

class RedisBus implements Bus {
  readonly instance: string;
  private readonly options: RedisBusOptions;
  private readonly prefix: string;
  private node: BusNode | undefined;
  private cmd: Redis | undefined;
  private sub: Redis | undefined;
  private channel = '';
  private wsKey = '';
  /** The last entry delivered, per stream this instance reads (its WebSocket stream, SSE streams with readers here). */
  private readonly lastSeen = new Map<string, string | undefined>();
  /** Readers here, per SSE stream key. */
  private readonly readers = new Map<string, number>();
  /** Streams being caught up: live entries wait here so that order holds. */
  private readonly catching = new Map<string, [string, string][]>();
  /** Connections this instance holds, per limit key: re-sent to Redis when it returns. */
  private readonly held = new Map<string, number>();
  private pending = 0;
  private sent = 0;
  private down = false;
  private backlogFull = false;
  private stopped = false;
  private alive: NodeJS.Timeout | undefined;

  constructor(options: RedisBusOptions) {
    this.options = options;
    this.instance = options.instance ?? randomBytes(6).toString('hex');
    if (this.instance.includes('/')) throw new StreamwrightError('SW_CONFIG_INVALID', `a bus instance name has no "/" (got ${this.instance})`);
    this.prefix = options.prefix ?? 'sw';
  }

  async start(node: BusNode): Promise<void> {
    this.node = node;
    const ns = `${this.prefix}:${node.namespace}`;
    this.channel = `${ns}:bus`;
    this.wsKey = `${ns}:ws`;
    this.lastSeen.set(this.wsKey, undefined);
    const { Redis } = await import('ioredis');
    const common: RedisOptions = {
      ...this.options.redis,
      // Never give up on a command: publishes wait for Redis to return (bounded by maxBacklog).
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
      lazyConnect: true,
    };
    this.cmd = new Redis(this.options.url, common);
    this.sub = new Redis(this.options.url, common);
    for (const client of [this.cmd, this.sub]) {
      client.on('error', (e: Error) => this.fault(e));
      client.on('close', () => {
        if (!this.stopped) this.fault(new Error('connection closed'));
      });
    }
    this.cmd.on('ready', () => void this.resync());
    this.sub.on('message', (_channel: string, message: string) => this.onMessage(message));
    this.sub.on('ready', () => void this.listen());
    const ttl = this.options.instanceTtlMs ?? 10_000;
    this.alive = setInterval(() => void this.cmd?.set(this.aliveKey(this.instance), '1', 'PX', ttl).catch(() => undefined), ttl / 3);
    this.alive.unref();
    // A bus that cannot reach Redis at start still starts: ioredis keeps trying, and the first
    // connection runs the same catch-up as a reconnection.
    await Promise.all([this.cmd.connect().catch((e: Error) => this.fault(e)), this.sub.connect().catch((e: Error) => this.fault(e))]);
    // Redis unreachable at start: what is appended from now on is for this instance too (Redis
    // stream ids are Redis's clock in ms; on one host, or hosts in NTP step, the same clock).
    if (this.lastSeen.get(this.wsKey) === undefined && this.cmd.status !== 'ready') this.lastSeen.set(this.wsKey, `${Date.now()}-0`);
  }

  broadcast(message: BusWsMessage): number {
    const local = this.node?.deliverWs(message) ?? 0;
    // A send to a connection of this instance has arrived; nobody else needs it.
    if (message.to?.startsWith(this.instance + '/')) return local;
    const body: Body = { o: this.instance, t: 'ws', c: message.channel, x: message.text };
    if (message.params) body.p = { ...message.params };
    if (message.to !== undefined) body.to = message.to;
    this.append(this.wsKey, this.options.window ?? 10_000, body);
    return local;
  }

  publish(stream: string, capacity: number, event: string, data: string): void {
    this.append(this.sseKey(stream), Math.max(capacity, this.options.window ?? 10_000), { o: this.instance, t: 'sse', s: stream, e: event, d: data });
  }

  async join(stream: string, capacity: number, lastEventId: string | undefined): Promise<StreamJoin> {
    const key = this.sseKey(stream);
    this.readers.set(key, (this.readers.get(key) ?? 0) + 1);
    if (!this.lastSeen.has(key)) this.lastSeen.set(key, undefined);
    const resumable = lastEventId !== undefined && STREAM_ID.test(lastEventId);
    const reply = await this.lookup(
      () => this.cmd!.eval(JOIN, 1, key, resumable ? lastEventId : '', String(capacity + 1)) as Promise<[string, string, Entry[]]>,
    );
    // Without Redis nothing can be replayed; the reader starts afresh and is told so (resumed false).
    if (!reply) return {};
    const [last, deleted, range] = reply;
    if (this.lastSeen.get(key) === undefined) this.lastSeen.set(key, last);
    if (!resumable || this.after(lastEventId, last) || this.after(deleted, lastEventId) || range.length > capacity) return { cursor: last };
    const replay = range.flatMap(([id, fields]) => {
      const body = parseBody(fields[1]);
      return body?.t === 'sse' ? [{ stream, id, event: body.e, data: body.d }] : [];
    });
    return { replay, cursor: last };
  }

  leave(stream: string): void {
    const key = this.sseKey(stream);
    const n = (this.readers.get(key) ?? 1) - 1;
    if (n > 0) return void this.readers.set(key, n);
    this.readers.delete(key);
    this.lastSeen.delete(key);
  }

  sideId(_stream: string, cursor: string | undefined): string | undefined {
    // The id of the last stream event the reader got: resuming from it loses nothing.
    return cursor;
  }

  after(a: string, b: string): boolean {
    const x = STREAM_ID.exec(a);
    const y = STREAM_ID.exec(b);
    if (!x || !y) return false;
    const ms = Number(x[1]) - Number(y[1]);
    return ms > 0 || (ms === 0 && Number(x[2]) > Number(y[2]));
  }

  async count(key: string): Promise<number> {
    const total = await this.lookup(() => this.cmd!.eval(COUNT, 1, this.countKey(key), this.aliveKey('')) as Promise<number>);
    return total ?? this.held.get(key) ?? 0;
  }

  async acquire(key: string, limit: number): Promise<boolean> {
    const granted = await this.lookup(() => this.cmd!.eval(ACQUIRE, 1, this.countKey(key), this.aliveKey(''), String(limit), this.instance) as Promise<number>);
    // Without Redis the limit holds for this instance's own connections.
    const ok = granted === undefined ? (this.held.get(key) ?? 0) < limit : granted === 1;
    if (ok) this.held.set(key, (this.held.get(key) ?? 0) + 1);
    return ok;
  }

  release(key: string): void {
    const n = (this.held.get(key) ?? 1) - 1;
    if (n <= 0) this.held.delete(key);
    else this.held.set(key, n);
    if (this.cmd?.status === 'ready') void this.cmd.hset(this.countKey(key), this.instance, String(Math.max(n, 0))).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.alive);
    const cmd = this.cmd;
    if (cmd?.status === 'ready') {
      // Our slots are free at once, not after the liveness TTL.
      await Promise.race([cmd.del(this.aliveKey(this.instance)).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
    }
    for (const client of [this.cmd, this.sub]) client?.disconnect();
    this.node = undefined;
  }

  // ---- internals ----

  private sseKey(stream: string): string {
    return `${this.prefix}:${this.node?.namespace ?? ''}:sse:${stream}`;
  }

  private countKey(key: string): string {
    return `${this.prefix}:${this.node?.namespace ?? ''}:conn:${key}`;
  }

  private aliveKey(instance: string): string {
    return `${this.prefix}:${this.node?.namespace ?? ''}:alive:${instance}`;
  }

  private append(key: string, maxlen: number, body: Body): void {
    const cmd = this.cmd;
    if (!cmd || this.stopped) return;
    if (this.pending >= (this.options.maxBacklog ?? 10_000)) {
      if (!this.backlogFull)
        this.node?.report(new StreamwrightError('SW_BUS_BACKLOG_FULL', `over ${this.pending} messages wait for Redis; new ones are dropped until it returns`));
      this.backlogFull = true;
      return;
    }
    this.pending++;
    // A command cut off mid-flight is sent again on reconnection: the dedupe key makes the second run a no-op.
    const dedupe = `${this.prefix}:${this.node?.namespace ?? ''}:seen:${this.instance}:${++this.sent}`;
    cmd
      .eval(PUBLISH, 2, key, dedupe, String(maxlen), this.channel, JSON.stringify(body), '600000')
      .catch((e: Error) => this.fault(e))
      .finally(() => {
        this.pending--;
        if (this.pending === 0) this.backlogFull = false;
      });
  }

  private onMessage(message: string): void {
    const a = message.indexOf('\n');
    const b = message.indexOf('\n', a + 1);
    if (a < 0 || b < 0) return;
    const key = message.slice(0, a);
    const entry: [string, string] = [message.slice(a + 1, b), message.slice(b + 1)];
    const waiting = this.catching.get(key);
    if (waiting) waiting.push(entry);
    else this.deliver(key, entry[0], entry[1]);
  }

  /** Delivers one entry to this instance, once: an entry at or before the last one seen is dropped. */
  private deliver(key: string, id: string, text: string): void {
    if (this.lastSeen.has(key)) {
      const seen = this.lastSeen.get(key);
      if (seen !== undefined && !this.after(id, seen)) return;
      this.lastSeen.set(key, id);
    }
    const body = parseBody(text);
    if (!body || !this.node) return;
    if (body.t === 'ws') {
      // The publisher delivered to its own connections when it broadcast.
      if (body.o === this.instance) return;
      this.node.deliverWs({ channel: body.c, text: body.x, ...(body.p ? { params: body.p } : {}), ...(body.to !== undefined ? { to: body.to } : {}) });
    } else {
      this.node.deliverSse({ stream: body.s, id, event: body.e, data: body.d });
    }
  }

  /**
   * The subscriber (re)connected: streams read for the first time start at their end, taken
   * before subscribing; then subscribe; then read what was appended since the last entry
   * delivered. Whatever arrives both ways is delivered once.
   */
  private async listen(): Promise<void> {
    const cmd = this.cmd;
    if (!cmd || !this.sub || this.stopped) return;
    try {
      for (const [key, seen] of this.lastSeen) {
        if (seen !== undefined) continue;
        const tail = (await cmd.xrevrange(key, '+', '-', 'COUNT', 1)) as Entry[];
        if (this.lastSeen.has(key) && this.lastSeen.get(key) === undefined) this.lastSeen.set(key, tail[0]?.[0] ?? '0-0');
      }
      await this.sub.subscribe(this.channel);
      await this.catchUp();
    } catch (e) {
      this.fault(e as Error);
    }
  }

  /** What was appended while this instance could not hear, in order. */
  private async catchUp(): Promise<void> {
    const cmd = this.cmd;
    if (!cmd || this.stopped) return;
    this.down = false;
    const keys = [...this.lastSeen.keys()];
    for (const key of keys) if (!this.catching.has(key)) this.catching.set(key, []);
    for (const key of keys) {
      try {
        const seen = this.lastSeen.get(key);
        if (seen !== undefined) {
          const missed = (await cmd.xrange(key, `(${seen}`, '+')) as Entry[];
          for (const [id, fields] of missed) this.deliver(key, id, fields[1] ?? '');
        }
      } catch (e) {
        this.fault(e as Error);
      } finally {
        const waiting = this.catching.get(key) ?? [];
        this.catching.delete(key);
        for (const [id, text] of waiting) this.deliver(key, id, text);
      }
    }
  }

  /** After (re)connecting: this instance's liveness and connection counts, as they are now. */
  private async resync(): Promise<void> {
    const cmd = this.cmd;
    if (!cmd || this.stopped) return;
    this.down = false;
    try {
      const pipeline = cmd.pipeline().set(this.aliveKey(this.instance), '1', 'PX', this.options.instanceTtlMs ?? 10_000);
      for (const [key, n] of this.held) pipeline.hset(this.countKey(key), this.instance, String(n));
      await pipeline.exec();
    } catch (e) {
      this.fault(e as Error);
    }
  }

  /** A lookup that does without Redis rather than wait for it (undefined then). */
  private async lookup<T>(run: () => Promise<T>): Promise<T | undefined> {
    if (this.cmd?.status !== 'ready') {
      this.fault(new Error(`connection ${this.cmd?.status ?? 'not started'}`));
      return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        run(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.options.lookupTimeoutMs ?? 1000);
        }),
      ]);
    } catch (e) {
      this.fault(e as Error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reported once per outage. */
  private fault(cause: Error): void {
    if (this.down || this.stopped) return;
    this.down = true;
    this.node?.report(new StreamwrightError('SW_BUS_UNAVAILABLE', `Redis at ${redact(this.options.url)}: ${cause.message}`, { cause }));
  }
}

function parseBody(text: string | undefined): Body | undefined {
  if (text === undefined) return undefined;
  try {
    const body = JSON.parse(text) as Body;
    return body && typeof body === 'object' && (body.t === 'ws' || body.t === 'sse') ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
