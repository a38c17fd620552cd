import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serveCommand } from '../../cli/serve.ts';
import { answerHead } from '../support/http.ts';
import { sink } from '../support/sink.ts';

interface Printed {
  api: string;
  urls: string[];
  credentials: { scheme: string; usage: string; value: string }[];
}

/** First WebSocket message, parsed, or the HTTP status of a refused upgrade. */
function firstFrame(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) {
  return new Promise<{ frame?: Record<string, unknown>; status?: number; protocol?: string }>((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    ws.once('message', (data) => {
      resolve({ frame: JSON.parse(String(data)) as Record<string, unknown>, protocol: ws.protocol });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      res.resume();
    });
    ws.once('error', reject);
  });
}

/** First SSE event of a stream (raw HTTP), with the status. */
function firstEvent(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; event?: string }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve({ status: res.statusCode ?? 0 });
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const event = /^event: (.+)$/m.exec(buffer);
        if (event) {
          resolve({ status: 200, event: event[1] });
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const credential = (p: Printed, scheme: string) => p.credentials.find((c) => c.scheme === scheme)!.value;

describe('streamwright serve', () => {
  it('starts all four APIs, prints one JSON line each, and every printed credential works', async () => {
    const out = sink(4);
    const signals = new EventEmitter();
    const exit = serveCommand(['--port-base', '0', '--json', '--time-scale', '0.01'], { stdout: out.stream, stderr: out.stream } as never, signals);
    await out.ready;
    const printed = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Printed);
    expect(printed.map((p) => p.api)).toEqual(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace']);
    const [steadybase, orchestrator, agnt5, workspace] = printed as [Printed, Printed, Printed, Printed];
    try {
      const wsUrl = (p: Printed, part: string) => p.urls.find((u) => u.startsWith('ws') && u.includes(part))!;

      const sb = await firstFrame(wsUrl(steadybase, '/ws'), { headers: { authorization: `Bearer ${credential(steadybase, 'bearerJwt')}` } });
      expect(sb.frame).toHaveProperty('type');
      const sbQuery = await firstFrame(`${wsUrl(steadybase, '/ws')}?access_token=${credential(steadybase, 'accessTokenQuery')}`);
      expect(sbQuery.frame).toHaveProperty('type');
      expect((await firstFrame(wsUrl(steadybase, '/ws'))).status).toBe(401);

      const dash = await firstFrame(`${wsUrl(orchestrator, '/dashboard/')}?token=${credential(orchestrator, 'queryToken')}`);
      expect(dash.frame).toHaveProperty('type');
      const dashSse = orchestrator.urls.find((u) => u.startsWith('http') && u.includes('/dashboard/'))!;
      expect(await firstEvent(dashSse, { authorization: `Bearer ${credential(orchestrator, 'bearerHeader')}` })).toMatchObject({ status: 200 });
      expect((await firstEvent(dashSse, {})).status).toBe(401);

      const key = credential(agnt5, 'apiKeySubprotocol');
      const invoked = new WebSocket(agnt5.urls[0]!, [`x-api-key.${key}`]);
      await new Promise((resolve, reject) => invoked.once('open', resolve).once('error', reject));
      expect(invoked.protocol).toBe(`x-api-key.${key}`);
      invoked.close();
      expect((await firstFrame(agnt5.urls[0]!, { protocols: ['x-api-key.wrong'] })).status).toBe(401);

      const stream = workspace.urls[0]!;
      expect(await firstEvent(stream, { cookie: `session=${credential(workspace, 'sessionCookie')}` })).toEqual({ status: 200, event: 'fleet_snapshot' });
      expect((await firstEvent(stream, { cookie: 'session=nope' })).status).toBe(401);
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
  });

  it('logs each failed login as one JSON line on stderr, naming the API and channel, with no credential in it', async () => {
    const out = sink(4);
    const err = sink(2);
    const signals = new EventEmitter();
    const exit = serveCommand(['--port-base', '0', '--json', '--time-scale', '0.01'], { stdout: out.stream, stderr: err.stream } as never, signals);
    await out.ready;
    const printed = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Printed);
    const [, , agnt5, workspace] = printed as [Printed, Printed, Printed, Printed];
    try {
      expect(err.text).toBe('');
      expect((await firstFrame(agnt5.urls[0]!, { protocols: ['x-api-key.agnt5_dev_not-the-key'] })).status).toBe(401);
      expect((await firstEvent(workspace.urls[0]!, { cookie: 'session=stolen-session-value' })).status).toBe(401);
      await err.ready;
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
    const lines = err.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.code, l.api, l.channel])).toEqual([
      ['warn', 'SW_AUTH_INVALID', 'agnt5', expect.any(String)],
      ['warn', 'SW_AUTH_INVALID', 'agent-workspace', 'fleetStream'],
    ]);
    for (const l of lines) expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(err.text).not.toMatch(/not-the-key|stolen-session-value/);
    for (const p of printed) for (const c of p.credentials) expect(err.text).not.toContain(c.value);
  });

  it('as a process: prints four JSON lines, then stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/streamwright.js'), 'serve', '--port-base', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += String(d);
        if (stdout.split('\n').length > 4) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const apis = stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as Printed).api);
    expect(apis).toEqual(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace']);
    child.kill('SIGTERM');
    const exit = await new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    expect({ exit, stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
  });

  it('a signal that arrives while the servers start still ends in a graceful stop', async () => {
    const out = sink(4);
    const signals = new EventEmitter();
    const exit = serveCommand(['--port-base', '0', '--json'], { stdout: out.stream, stderr: out.stream } as never, signals);
    signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('refuses a bad option with a usage error', async () => {
    const out = sink(1);
    const code = await serveCommand(['--port-base', 'x'], { stdout: out.stream, stderr: out.stream } as never, new EventEmitter());
    expect(code).toBe(2);
    expect(out.text).toContain('--port-base must be a valid number');
    const cors = sink(1);
    expect(await serveCommand(['--cors', 'http://localhost:5173/app'], { stdout: cors.stream, stderr: cors.stream } as never, new EventEmitter())).toBe(2);
    expect(cors.text).toContain('--cors takes an origin');
  });

  it('--cors: pages on that origin may read the SSE endpoints, with a bearer header or the session cookie', async () => {
    const page = 'http://localhost:5173';
    const out = sink(4);
    const signals = new EventEmitter();
    const exit = serveCommand(['--port-base', '0', '--json', '--cors', page], { stdout: out.stream, stderr: out.stream } as never, signals);
    await out.ready;
    const [, orchestrator, , workspace] = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Printed) as [Printed, Printed, Printed, Printed];
    try {
      const dashboard = orchestrator.urls.find((u) => u.startsWith('http') && u.includes('/dashboard/'))!;
      const preflight = await answerHead(dashboard, 'OPTIONS', {
        origin: page,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,last-event-id',
      });
      expect(preflight.status).toBe(204);
      expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Authorization/);
      const bearer = await answerHead(dashboard, 'GET', { origin: page, authorization: `Bearer ${credential(orchestrator, 'bearerHeader')}` });
      expect([bearer.status, bearer.headers['access-control-allow-origin']]).toEqual([200, page]);

      const cookie = await answerHead(workspace.urls[0]!, 'GET', { origin: page, cookie: `session=${credential(workspace, 'sessionCookie')}` });
      expect([cookie.status, cookie.headers['access-control-allow-origin'], cookie.headers['access-control-allow-credentials']]).toEqual([200, page, 'true']);
      const elsewhere = await answerHead(workspace.urls[0]!, 'GET', {
        origin: 'http://localhost:9999',
        cookie: `session=${credential(workspace, 'sessionCookie')}`,
      });
      expect([elsewhere.status, elsewhere.headers['access-control-allow-origin']]).toEqual([403, undefined]);
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
  });
});
