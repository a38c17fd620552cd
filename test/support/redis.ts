import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The redis-server binary on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : undefined;
}

/**
 * Why the Redis tests cannot run here, or undefined when they can. Under CI (env CI set) a
 * missing redis-server is a failure, not a skip: .ci/run installs it.
 */
export function redisSkipReason(): string | undefined {
  if (findRedisServer() || process.env.CI) return undefined;
  return 'redis-server not found and not under CI: skipping the Redis bus tests (apt-get install redis-server, or run .ci/run)';
}

/**
 * A real redis-server on a free loopback port with its own temporary directory, appending every
 * write to disk before answering (appendfsync always), so that kill() then start() is a crash
 * and a restart that keeps the data, as a deployed Redis with persistence would.
 */
export class TestRedis {
  port = 0;
  private dir = '';
  private child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const bin = findRedisServer();
    if (!bin) throw new Error('redis-server not found (CI installs it through .ci/run)');
    if (!this.dir) this.dir = await mkdtemp(path.join(tmpdir(), 'sw-redis-'));
    if (!this.port) this.port = await freePort();
    const child = spawn(
      bin,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--protected-mode',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${log}`)));
    });
    // Keep reading so that a full pipe never blocks the server.
    child.stdout!.resume();
  }

  /** SIGKILL: no shutdown, as in a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
