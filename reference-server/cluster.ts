import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { redisBus } from '../runtime/bus/index.ts';
import { REFERENCE_APIS } from './index.ts';
import type { DevCredential, ReferenceOptions, ReferenceServer } from './shared/types.ts';

/** What every instance of every API is started with. */
export interface ClusterOptions {
  /** Instances per API (processes), at least 1. */
  instances: number;
  /** The Redis every instance shares (`redis://host:port`). */
  redisUrl: string;
  /** Port of the first API's round-robin front (then + 1, + 2, + 3); 0 picks free ports. */
  portBase: number;
  host: string;
  seed?: number;
  timeScale?: number;
  cors?: ReferenceOptions['cors'];
}

export interface RunningApi {
  api: string;
  /** The round-robin front: one address for every instance. */
  origin: string;
  /** Each instance's own address, in start order (the first runs the simulation for all). */
  instances: string[];
  urls: string[];
  credentials: DevCredential[];
}

export interface RunningCluster {
  apis: RunningApi[];
  /** Stops the fronts and every instance (SIGTERM, then a graceful close in each). */
  close(): Promise<void>;
}

/** What an instance process is told (env STREAMWRIGHT_INSTANCE, JSON). */
interface InstanceConfig {
  api: string;
  index: number;
  host: string;
  redisUrl: string;
  prefix: string;
  seed?: number;
  timeScale?: number;
  cors?: ReferenceOptions['cors'];
  secrets: { jwtSecret: string; apiKeys: string[]; sessions: Record<string, string> };
}

/**
 * Starts `instances` processes per seed API, all on one Redis bus (broadcasts, SSE replay and
 * connection limits are shared), and one round-robin TCP front per API. Every instance gets the
 * same development secrets, so a credential works on any of them.
 */
export async function startReferenceCluster(options: ClusterOptions): Promise<RunningCluster> {
  const secrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    apiKeys: [`agnt5_dev_${randomBytes(16).toString('hex')}`],
    sessions: { [randomBytes(24).toString('base64url')]: 'dev-user' },
  };
  // A fresh key prefix per run: a previous run's streams and counts in the same Redis do not leak in.
  const prefix = `sw:${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  const fronts: Server[] = [];
  const close = async () => {
    await Promise.all(fronts.map((f) => new Promise((r) => f.close(r))));
    await Promise.all(children.map(stopChild));
  };
  try {
    const apis: RunningApi[] = [];
    const start = (api: string, index: number) => {
      const config: InstanceConfig = {
        api,
        index,
        host: options.host,
        redisUrl: options.redisUrl,
        prefix,
        secrets,
        seed: options.seed,
        timeScale: options.timeScale,
        cors: options.cors,
      };
      const child = fork(fileURLToPath(new URL('./instance.js', import.meta.url)), [], {
        env: { ...process.env, STREAMWRIGHT_INSTANCE: JSON.stringify(config) },
        execArgv: [],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.push(child);
      return listening(child);
    };
    // Every process at once: each compiles its sources on load, which is most of the start time.
    const started = await Promise.allSettled(
      REFERENCE_APIS.map((entry) => Promise.all(Array.from({ length: options.instances }, (_, index) => start(entry.api, index)))),
    );
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [i, entry] of REFERENCE_APIS.entries()) {
      const ports = (started[i] as PromiseFulfilledResult<number[]>).value;
      const front = await roundRobin(ports, options.host, options.portBase === 0 ? 0 : options.portBase + i);
      fronts.push(front.server);
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const origin = `http://${host}:${front.port}`;
      // The URLs and credentials of an instance that never listens: same secrets, same answers.
      const create = (await entry.load()) as (o?: ReferenceOptions) => ReferenceServer;
      const describer = create({ secrets: instanceSecrets(secrets) });
      apis.push({
        api: entry.api,
        origin,
        instances: ports.map((p) => `http://${host}:${p}`),
        urls: describer.urls(origin),
        credentials: await describer.credentials(),
      });
      await describer.close();
    }
    return { apis, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The body of an instance process: one reference server on the Redis bus until SIGTERM. */
export async function runInstance(config: InstanceConfig): Promise<void> {
  const entry = REFERENCE_APIS.find((a) => a.api === config.api);
  if (!entry) throw new Error(`no reference server ${config.api}`);
  const create = (await entry.load()) as (o?: ReferenceOptions) => ReferenceServer;
  const server = create({
    seed: config.seed,
    timeScale: config.timeScale,
    cors: config.cors,
    secrets: instanceSecrets(config.secrets),
    bus: redisBus({ url: config.redisUrl, prefix: config.prefix, instance: `${config.api}-${config.index}` }),
    fanOutSimulation: config.index === 0,
    // A bus fault is worth a line on the console; the instance keeps serving its own clients.
    onError: (e) => {
      const code = (e as { code?: string }).code;
      if (code === 'SW_BUS_UNAVAILABLE' || code === 'SW_BUS_BACKLOG_FULL') process.stderr.write(`${config.api}#${config.index}: ${code}: ${e.message}\n`);
    },
  });
  const { port } = await server.listen(0, config.host);
  process.send?.({ port });
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.once('disconnect', () => void server.close().then(() => process.exit(0)));
}

function instanceSecrets(s: InstanceConfig['secrets']): NonNullable<ReferenceOptions['secrets']> {
  return { jwtSecret: new Uint8Array(Buffer.from(s.jwtSecret, 'base64url')), apiKeys: s.apiKeys, sessions: s.sessions };
}

function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port?: number }) => (typeof m?.port === 'number' ? resolve(m.port) : reject(new Error('an instance did not say its port'))));
    child.once('exit', (code) => reject(new Error(`an instance exited with ${code} before listening`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP front that hands each new connection to the next instance in turn (WebSocket and SSE alike). */
function roundRobin(ports: number[], host: string, port: number): Promise<{ server: Server; port: number }> {
  let next = 0;
  const server = createServer((client: Socket) => {
    const upstream = connect(ports[next++ % ports.length]!, host);
    client.pipe(upstream).pipe(client);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
