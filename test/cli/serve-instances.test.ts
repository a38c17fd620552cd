import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../cli/serve.ts';
import { TestRedis, redisSkipReason } from '../support/redis.ts';
import { sink } from '../support/sink.ts';
import { RawSse } from '../support/sse.ts';
import { RawWs } from '../support/ws.ts';

interface Printed {
  api: string;
  urls: string[];
  instances: string[];
  credentials: { scheme: string; value: string }[];
}

const skip = redisSkipReason();
if (skip) console.warn(skip);
const redis = new TestRedis();

beforeAll(async () => {
  if (!skip) await redis.start();
});
afterAll(async () => {
  if (!skip) await redis.stop();
});

describe.skipIf(skip !== undefined)('streamwright serve --instances', () => {
  it('refuses --instances without a Redis URL', async () => {
    const out = sink(1);
    expect(await serveCommand(['--instances', '2'], { stdout: out.stream, stderr: out.stream } as never, new EventEmitter())).toBe(2);
    expect(out.text).toContain('--redis');
  });

  it('runs two processes per API behind a round-robin front; the simulation reaches clients of both once', async () => {
    const out = sink(4);
    const signals = new EventEmitter();
    const exit = serveCommand(
      ['--instances', '2', '--redis', redis.url, '--port-base', '0', '--json', '--time-scale', '0.05'],
      { stdout: out.stream, stderr: out.stream } as never,
      signals,
    );
    await out.ready;
    const printed = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Printed);
    try {
      expect(printed.map((p) => [p.api, p.instances.length])).toEqual([
        ['steadybase', 2],
        ['release-orchestrator', 2],
        ['agnt5', 2],
        ['agent-workspace', 2],
      ]);
      const steadybase = printed[0]!;
      const token = steadybase.credentials.find((c) => c.scheme === 'accessTokenQuery')!.value;
      const wsUrl = steadybase.urls.find((u) => u.startsWith('ws'))!;
      // Through the front: the first connection lands on instance 0, the second on instance 1.
      const clients = [new RawWs(`${wsUrl}?access_token=${token}`), new RawWs(`${wsUrl}?access_token=${token}`)];
      for (const c of clients) await c.until(() => c.frames.length >= 12, 'simulation events', 20_000);
      for (const c of clients) {
        // Both instances run the same seeded simulation; only the first sends it out: a frame
        // that came twice would be the other instance's copy.
        const texts = c.frames.map((f) => JSON.stringify(f));
        expect(new Set(texts).size).toBe(texts.length);
      }
      for (const c of clients) await c.close();

      const workspace = printed[3]!;
      const cookie = `session=${workspace.credentials.find((c) => c.scheme === 'sessionCookie')!.value}`;
      for (const origin of workspace.instances) {
        const port = Number(new URL(origin).port);
        const sse = new RawSse({ port, path: new URL(workspace.urls[0]!).pathname, headers: { cookie } });
        await sse.until(() => sse.of('fleet_snapshot').length === 1, 'a snapshot from each instance, with the shared credential');
        sse.close();
      }
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
  }, 120_000);
});
