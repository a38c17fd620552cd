import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { cleanup, generateInto, importGenerated, STUB_OPTIONS, tempDir, typeCheck } from './harness.ts';

// The generated server stub, type-checked and run: typed handlers receive validated messages,
// typed broadcast reaches real `ws` clients.
const SECRET = new TextEncoder().encode('server-stub-secret-server-stub-secret');
let dir: string;

beforeAll(async () => {
  dir = await tempDir('server-stub');
  await generateInto('test/fixtures/runtime/echo.asyncapi.yaml', dir, 'echo');
});
afterAll(() => cleanup(dir));

describe('server.gen.ts', () => {
  it('type-checks under strict settings', () => {
    const diagnostics = typeCheck(dir, ['server.gen.ts'], STUB_OPTIONS);
    expect(diagnostics).toEqual([]);
  });

  it('requires the `auth` option when the contract has security schemes', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/no-auth.ts`, "import { createEchoServer } from './server.gen.ts';\nexport const server = createEchoServer({ handlers: {} });\n");
    const diagnostics = typeCheck(dir, ['no-auth.ts'], STUB_OPTIONS);
    expect(diagnostics.join('\n')).toMatch(/auth/);
  });

  it.each(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'])(
    'generated/%s/server.gen.ts has no type assertion for a user to step through',
    async (api) => {
      const { readFile } = await import('node:fs/promises');
      const code = (await readFile(`generated/${api}/server.gen.ts`, 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^import .*$/gm, '');
      expect(code.match(/.*\bas\b.*/g) ?? []).toEqual([]);
    },
  );

  it('routes each client message to its typed handler, never pongs or auth', async () => {
    type Peer = { params: { room: string }; send(m: unknown): void };
    type Server = { listen(port: number): Promise<{ port: number }>; close(): Promise<void>; room: { broadcast(m: unknown, p?: object): number } };
    const { createEchoServer } = await importGenerated<{ createEchoServer: (o: unknown) => Server }>(dir, 'server.gen.ts');
    const seen: unknown[] = [];
    const server = createEchoServer({
      auth: { jwtSecret: SECRET },
      handlers: {
        room: {
          onSay: (peer: Peer, message: { text: string }) => {
            seen.push(message);
            server.room.broadcast({ type: 'said', from: 'x', text: message.text.toUpperCase() }, { room: peer.params.room });
          },
        },
      },
      errorMessage: (_c: string, code: string, message: string) => ({ type: 'error', code, message }),
    });
    const { port } = await server.listen(0);
    try {
      const token = await new SignJWT({ sub: 'ann' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(SECRET);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/rooms/r1?token=${token}`);
      const reply = new Promise<unknown>((resolve) => ws.on('message', (d) => resolve(JSON.parse(d.toString()))));
      await new Promise((resolve) => ws.on('open', resolve));
      ws.send(JSON.stringify({ type: 'pong' }));
      ws.send(JSON.stringify({ type: 'say', text: 'hello' }));
      expect(await reply).toEqual({ type: 'said', from: 'x', text: 'HELLO' });
      expect(seen).toEqual([{ type: 'say', text: 'hello' }]);
      ws.close();
    } finally {
      await server.close();
    }
  });
});
