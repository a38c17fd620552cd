// The package as a user gets it: `npm pack`, installed into a fresh project that has nothing but
// typescript and ws beside it, used through its bin, its exports and its generated code, and
// type-checked by that project's own `tsc --strict`. Everything below runs the tarball; nothing
// reaches back into this repository's sources.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve('.');
const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

// npm as a child of `npm test` inherits this package's lifecycle variables; the consumer's npm
// must see its own project, not ours.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_(local_)?prefix$)/i.test(k) && k !== 'INIT_CWD'));

async function sh(command: string, args: string[], cwd: string, timeout = 180_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd, env, timeout, encoding: 'utf8', maxBuffer: 16 << 20 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

const SPEC = `asyncapi: 3.0.0
info:
  title: Echo
  version: 1.0.0
servers:
  local:
    host: localhost:8080
    protocol: ws
channels:
  echo:
    address: /echo
    messages:
      ping:
        payload:
          type: object
          additionalProperties: false
          required: [type, text]
          properties:
            type: { const: ping }
            text: { type: string, maxLength: 100 }
      pong:
        payload:
          type: object
          additionalProperties: false
          required: [type, text]
          properties:
            type: { const: pong }
            text: { type: string }
operations:
  ping:
    action: receive
    channel: { $ref: '#/channels/echo' }
    messages: [{ $ref: '#/channels/echo/messages/ping' }]
  pong:
    action: send
    channel: { $ref: '#/channels/echo' }
    messages: [{ $ref: '#/channels/echo/messages/pong' }]
`;

// The server echoes upper-cased; the client sends one ping and prints what came back. The two
// expected type errors make the consumer's tsc prove the types are real, not `any`.
const MAIN = `import { createEchoServer } from './generated/server.gen.js';
import { createEchoClient } from './generated/client.gen.js';
import type { EchoPong } from './generated/models.gen.js';
import { validate, type ValidateResult } from 'streamwright';

const server = createEchoServer({
  auth: {},
  handlers: {
    echo: {
      onEchoPing(peer, message) {
        peer.send({ type: 'pong', text: message.text.toUpperCase() });
      },
    },
  },
});
const { port } = await server.listen(0, '127.0.0.1');
const client = createEchoClient({ url: \`ws://127.0.0.1:\${port}\` });
const channel = client.echo();
const pong = new Promise<EchoPong>((resolve) => channel.on('pong', resolve));
await channel.ready();
await channel.send({ type: 'ping', text: 'hello' });
// @ts-expect-error the client never sends a pong
const wrongDirection: Parameters<typeof channel.send>[0] = { type: 'pong', text: 'x' };
// @ts-expect-error text is a string
const wrongField: Parameters<typeof channel.send>[0] = { type: 'ping', text: 1 };
void wrongDirection;
void wrongField;
const got: EchoPong = await pong;
const checked: ValidateResult = await validate('echo.asyncapi.yaml');
console.log(JSON.stringify({ got, errors: checked.errors, ok: checked.ok }));
client.close();
await server.close();
`;

// Browser code reaches the client runtime only; a bundler resolves it with "browser"/"import".
const BROWSER = `import { createEchoClient, type EchoConnection } from './generated/client.gen.js';
import { StreamwrightError } from 'streamwright/runtime/client';

export function connect(url: string): EchoConnection {
  const connection = createEchoClient({ url }).echo();
  connection.onState('closed', ({ error }) => {
    if (error instanceof StreamwrightError) document.title = error.code;
  });
  return connection;
}
`;

let dir: string;
let app: string;
let tarball: string;
let packed: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sw-package-'));
  app = path.join(dir, 'app');
  await mkdir(path.join(app, 'src'), { recursive: true });
  // The tarball must hold what the sources say: a stale dist/ fails here, before anything is packed.
  await sh(process.execPath, ['scripts/build.js', '--check'], ROOT);
  const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dir, info!.filename);
  packed = info!.files.map((f) => f.path);
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  await sh(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `typescript@${pkg.devDependencies.typescript}`, `ws@${pkg.dependencies.ws}`],
    app,
    400_000,
  );
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const bin = () => path.join(app, 'node_modules', '.bin', 'streamwright');

describe('the installed package', () => {
  it('packs only what runs: bin/, dist/, package.json, README', () => {
    const stray = packed.filter((f) => !/^(bin\/|dist\/|package\.json$|README\.md$|LICENSE$)/.test(f));
    expect(stray).toEqual([]);
    expect(packed).toContain('dist/cli/main.js');
    expect(packed).toContain('dist/templates/server/server.hbs');
    expect(packed).toContain('dist/spec/extensions/x-sw-heartbeat.schema.json');
    // The AsyncAPI document schemas, precompiled by the build: no command compiles them at run time.
    expect(packed).toContain('dist/generator/src/load/asyncapi-schema-3.0.0.gen.cjs');
    expect(packed).toContain('dist/generator/src/load/asyncapi-schema-3.1.0.gen.cjs');
    expect(packed.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
  });

  it('runs its bin on plain Node, without a TypeScript loader', async () => {
    expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
    const { stdout } = await sh(bin(), ['--version'], app);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('validates and generates from a document in the project', async () => {
    await writeFile(path.join(app, 'echo.asyncapi.yaml'), SPEC);
    const validated = await sh(bin(), ['validate', 'echo.asyncapi.yaml'], app);
    expect(validated.stdout).toContain('0 errors, 0 warnings in 1 file');
    const generated = await sh(bin(), ['generate', 'echo.asyncapi.yaml', '--out', 'src/generated'], app);
    expect(generated.stdout).toMatch(/^echo: 11 written/);
    const server = await readFile(path.join(app, 'src/generated/server.gen.ts'), 'utf8');
    const client = await readFile(path.join(app, 'src/generated/client.gen.ts'), 'utf8');
    // Generated code reaches the package through its public subpaths only.
    const specifiers = [...(server + client).matchAll(/from '([^'.][^']*)'/g)].map((m) => m[1]);
    expect(new Set(specifiers)).toEqual(new Set(['streamwright/runtime', 'streamwright/runtime/client']));
  }, 120_000);

  // Before the type-check: tsc compiles in place, and --check counts the *.gen.js it writes as stale.
  it('reads the default config from the working directory, and says what to do without one', async () => {
    await expect(sh(bin(), ['generate'], app)).rejects.toThrow(
      /no streamwright\.config\.json in .*: run `streamwright generate <spec> --out <dir>`, or create streamwright\.config\.json/,
    );
    await writeFile(path.join(app, 'streamwright.config.json'), JSON.stringify({ apis: [{ name: 'echo', spec: 'echo.asyncapi.yaml', out: 'src/generated' }] }));
    const { stdout } = await sh(bin(), ['generate', '--check'], app);
    expect(stdout).toContain('generated code is up to date (1 API)');
  }, 120_000);

  it("type-checks with the project's own tsc --strict (nodenext and bundler), then a generated server and client talk over a socket", async () => {
    await writeFile(path.join(app, 'src/main.ts'), MAIN);
    await writeFile(path.join(app, 'src/browser.ts'), BROWSER);
    await writeFile(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          noUncheckedIndexedAccess: true,
        },
        include: ['src'],
      }),
    );
    await writeFile(
      path.join(app, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', lib: ['ES2023', 'DOM'], strict: true, noEmit: true },
        include: ['src'],
      }),
    );
    const tsc = path.join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    await sh(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], app);
    await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    const { stdout } = await sh(process.execPath, ['src/main.js'], app, 60_000);
    expect(JSON.parse(stdout)).toEqual({ got: { type: 'pong', text: 'HELLO' }, errors: 0, ok: true });
  }, 240_000);
});
