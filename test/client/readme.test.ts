/**
 * The generated README's five-minute start, followed the way a newcomer would: generate the API
 * into a folder of one's own (`--out`), start the servers (`serve`, as `npm start` does), save the
 * demo from the README next to `client.gen.ts`, put the printed credential in TOKEN and run it
 * with tsx (on the runtime's sources, as the other tests do, not dist/). One change to the
 * demo: it connects to the port the test servers got (port 0) instead of the contract's fixed
 * development port.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { serveCommand } from '../../cli/serve.ts';
import { typeCheck } from '../generator/harness.ts';
import { sink } from '../support/sink.ts';

interface Served {
  api: string;
  urls: string[];
  credentials: { scheme: string; value: string }[];
}

const APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'] as const;
const ROOT = path.resolve('.tmp/readme-demo');
const quiet = () => ({ stdout: sink(Infinity).stream, stderr: sink(Infinity).stream });

/** The project's own compiler settings: the demo is ordinary application code in this package. */
function projectOptions(): ts.CompilerOptions {
  const { config } = ts.readConfigFile('tsconfig.json', ts.sys.readFile) as { config: unknown };
  return ts.parseJsonConfigFileContent(config, ts.sys, process.cwd()).options;
}

/** What the README tells a reader to do: the demo source and the scheme whose credential goes in TOKEN. */
function quickStart(readme: string): { demo: string; scheme: string; tag: string } {
  const section = /## Five-minute start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const demo = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1];
  const scheme = /credential of scheme `([^`]+)` in `TOKEN`/.exec(section)?.[1];
  const tag = /^\w+\.on\("([^"]+)"/m.exec(demo ?? '')?.[1];
  if (!demo || !scheme || !tag) throw new Error(`no five-minute start in the README:\n${section}`);
  return { demo, scheme, tag };
}

/** Runs the demo until it logs a `tag` line (resolves with the output so far) or fails. */
function runDemo(dir: string, token: string, tag: string, timeoutMs = 20_000): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=streamwright-source', '--import', 'tsx', 'demo.ts'], {
    cwd: dir,
    env: { ...process.env, TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${tag} line within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      if (error) reject(Object.assign(error, { message: `${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}` }));
      else resolve({ stdout, stderr });
    };
    child.stdout.on('data', (d) => {
      stdout += String(d);
      if (stdout.split('\n').some((line) => line.startsWith(`${tag} `))) finish();
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('exit', (code, signal) => finish(new Error(`demo exited (${code ?? signal})`)));
  });
}

interface Demo {
  dir: string;
  scheme: string;
  tag: string;
  token: string | undefined;
}

describe('generated README: the five-minute start works as written', () => {
  const signals = new EventEmitter();
  let exit: Promise<number>;
  const demos = new Map<string, Demo>();

  // Generating and type-checking are CPU work on this one thread: done once, up front, so the
  // demos' own runs (separate processes) are what the tests time.
  beforeAll(async () => {
    await rm(ROOT, { recursive: true, force: true });
    const out = sink(APIS.length);
    exit = serveCommand(['--port-base', '0', '--json', '--time-scale', '0.05'], { stdout: out.stream, stderr: out.stream } as never, signals);
    await out.ready;
    const served = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Served);
    for (const api of APIS) {
      const dir = path.join(ROOT, api);
      expect(await main(['generate', `spec/${api}.asyncapi.yaml`, '--out', dir], quiet() as never)).toBe(0);
      const { demo, scheme, tag } = quickStart(await readFile(path.join(dir, 'README.md'), 'utf8'));
      const server = served.find((s) => s.api === api)!;
      const local = demo.replace(/^ {2}server: .*$/m, `  baseUrl: "http://${new URL(server.urls[0]!).host}",`);
      expect(local, `${api}: the demo names a contract server to replace`).not.toBe(demo);
      await writeFile(path.join(dir, 'demo.ts'), `${local}\n`);
      demos.set(api, { dir, scheme, tag, token: server.credentials.find((c) => c.scheme === scheme)?.value });
    }
  }, 120_000);

  afterAll(async () => {
    signals.emit('SIGTERM');
    await exit;
    await rm(ROOT, { recursive: true, force: true });
  });

  it('every demo type-checks under the project settings', () => {
    expect(
      typeCheck(
        ROOT,
        APIS.map((api) => `${api}/demo.ts`),
        projectOptions(),
      ),
    ).toEqual([]);
  }, 60_000);

  it.concurrent.each(APIS)('%s: save demo.ts, put the printed credential in TOKEN, run it: typed events arrive', async (api) => {
    const { dir, scheme, tag, token } = demos.get(api)!;
    expect(token, `serve prints a credential for ${scheme}`).toBeDefined();
    const { stdout, stderr } = await runDemo(dir, token!, tag);
    const lines = stdout.split('\n');
    expect(lines).toContain('open');
    expect(lines.some((l) => l.startsWith('closed'))).toBe(false);
    expect(lines.some((l) => l.startsWith('error '))).toBe(false);
    expect(stderr).toBe('');
  });
});
