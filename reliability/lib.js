// Shared by the reliability scripts: the server process (host.js), its secrets, seeded
// randomness, and a WebSocket client that records what the server answers.

import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { SseParser } from '../runtime/protocol/index.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Logs and results go here (.tmp/ is gitignored). */
export const WORK = path.join(ROOT, '.tmp', 'reliability');
mkdirSync(WORK, { recursive: true });

/** Secrets derived from the seed, so a run can be repeated byte for byte. */
export function secretsFor(seed) {
  const h = (label) => createHash('sha256').update(`streamwright-reliability:${seed}:${label}`).digest('hex');
  return {
    jwtSecret: h('jwt'),
    apiKeys: [`agnt5_fuzz_${h('key-1').slice(0, 32)}`, `agnt5_fuzz_${h('key-2').slice(0, 32)}`],
    sessions: { [h('session').slice(0, 40)]: 'dev-user' },
  };
}

/**
 * Starts the four reference servers in a child process (host.js). Resolves to
 * { servers, api(name), ask(cmd), stop(), crashes, child }.
 */
export async function startHost({ seed = 1, timeScale = 1, log, heapMb } = {}) {
  const secrets = secretsFor(seed);
  if (log) writeFileSync(log, '');
  const child = fork(path.join(ROOT, 'reliability', 'host.js'), [], {
    execArgv: ['--conditions=streamwright-source', '--import', 'tsx', '--expose-gc', ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
    env: { ...process.env, SW_RELIABILITY: JSON.stringify({ seed, timeScale, log, ...secrets }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const crashes = [];
  let exited;
  child.on('message', (m) => m.crash && crashes.push(m.crash));
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const reply = (key) =>
    new Promise((resolve, reject) => {
      const on = (m) => {
        if (key in m) {
          child.off('message', on);
          child.off('exit', gone);
          resolve(m[key]);
        }
      };
      const gone = (code, signal) => reject(new Error(`server process exited (${code ?? signal}) waiting for ${key}`));
      child.on('message', on);
      child.once('exit', gone);
    });
  const ready = await reply('ready');
  const byApi = new Map(ready.servers.map((s) => [s.api, s]));
  return {
    child,
    pid: ready.pid,
    servers: ready.servers,
    secrets,
    crashes,
    /** Whether the process is still running (never exited or crashed out). */
    get alive() {
      return exited === undefined;
    },
    get exited() {
      return exited;
    },
    api(name) {
      return byApi.get(name);
    },
    ask(cmd) {
      const p = reply(cmd);
      child.send({ cmd });
      return p;
    },
    async stop() {
      if (exited) return { crashes, counts: {} };
      const p = reply('stopped');
      child.send({ cmd: 'stop' });
      return p;
    },
  };
}

/**
 * Ends a run: its duration, the host's crash count (a host that died counts as one more) and log
 * levels, then stops the host. Every script closes a run this way.
 */
export async function settleRun(host, result, started) {
  result.seconds = (Date.now() - started) / 1000;
  const stats = host.alive ? await host.ask('stats') : { crashes: host.crashes, counts: {} };
  result.crashes = stats.crashes.length + (host.alive ? 0 : 1);
  result.log = stats.counts;
  await host.stop().catch(() => undefined);
}

export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
}

/** Resolves when `cond()` holds; rejects after `ms` (a generous ceiling, not a sleep). */
export function until(cond, what, ms = 30_000) {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve();
    const started = Date.now();
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(t);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }
    }, 2);
  });
}

/**
 * What a client has seen so far, with a way to wait for it: `waitFor(cond)` resolves once
 * `cond()` holds, checked again on every `wake()` (each frame, event, chunk and the end).
 */
class Watched {
  waiters = new Set();
  wake() {
    for (const w of this.waiters) w();
  }
  /** Resolves once `cond()` holds; rejects after `ms`. */
  waitFor(cond, what, ms = 60_000) {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const check = () => {
        if (!cond()) return;
        clearTimeout(t);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

/**
 * A WebSocket client that keeps its answers (what `answerOf` picks out of each JSON frame: an
 * error code, say), the frames `keep` asks for, its close, and an HTTP refusal of the upgrade.
 * Waits are event-driven: `waitFor(cond)` is re-checked on every frame and on the close.
 */
export class Client extends Watched {
  constructor(url, { protocols = [], headers, onMessage, answerOf, keep = () => true } = {}) {
    super();
    this.frames = [];
    this.answers = [];
    this.received = 0;
    this.garbage = 0;
    this.closed = undefined;
    this.status = undefined;
    this.failed = undefined;
    this.ws = new WebSocket(url, protocols, { headers, maxPayload: 64 << 20 });
    this.ws.on('message', (data, binary) => {
      this.received++;
      let m;
      if (!binary) {
        try {
          m = JSON.parse(data.toString());
        } catch {}
      }
      if (m === undefined) this.garbage++;
      else {
        const answer = answerOf?.(m);
        if (answer !== undefined) this.answers.push(answer);
        if (keep(m)) this.frames.push(m);
        onMessage?.(m, this);
      }
      this.wake();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    this.ws.on('unexpected-response', (_req, res) => {
      this.status = res.statusCode;
      res.resume();
      const done = () => {
        this.closed ??= { code: 1006, reason: `HTTP ${res.statusCode}` };
        this.wake();
      };
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    this.ws.on('error', (e) => {
      this.failed = e;
      if (this.ws.readyState === WebSocket.CLOSED) this.closed ??= { code: 1006, reason: e.message };
      this.wake();
    });
  }
  opened() {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve(this);
      this.ws.once('open', () => resolve(this));
      this.ws.once('close', (code) => reject(new Error(`closed ${code} before open (status ${this.status})`)));
    });
  }
  async ended() {
    await this.waitFor(() => this.closed !== undefined, 'the close');
    return this.closed;
  }
  close() {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const done = new Promise((r) => this.ws.once('close', r));
    this.ws.terminate();
    return done;
  }
}

/**
 * A raw SSE reader (node:http, no EventSource): every event with its id, event name and data, as
 * it arrives; `destroy()` drops the connection as a network failure would.
 */
export class SseReader extends Watched {
  constructor(port, path, headers = {}) {
    super();
    this.events = [];
    this.status = undefined;
    this.ended = false;
    this.chunks = 0;
    this.req = request({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      this.status = res.statusCode;
      this.res = res;
      const parser = new SseParser();
      res.on('data', (chunk) => {
        this.chunks++;
        for (const item of parser.push(chunk)) {
          // An event as its block carried it: only the fields it had (`id` is not carried over).
          if (item.kind === 'event' && item.hasData) {
            const { kind: _kind, hasData: _hasData, ...event } = item;
            this.events.push(event);
          }
        }
        this.wake();
      });
      res.on('end', () => this.finish());
      res.on('close', () => this.finish());
      res.on('error', () => this.finish());
    });
    this.req.on('error', () => this.finish());
    this.req.end();
  }
  finish() {
    this.ended = true;
    this.wake();
  }
  destroy() {
    this.req.destroy();
    this.res?.destroy();
    this.ended = true;
  }
}

export function isMain(url) {
  return process.argv[1] !== undefined && url === pathToFileURL(path.resolve(process.argv[1])).href;
}

export function fmtBytes(n) {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}
