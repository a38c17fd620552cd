import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { serveCommand } from '../../cli/serve.ts';
import { consolePageForIR } from '../../generator/src/console-page.ts';
import { generate } from '../../generator/src/generate.ts';
import { sink } from '../support/sink.ts';

/** Runs `serve` with `args` until its first `lines` lines are out, gives them to `check`, then stops it. */
async function serving(args: string[], lines: number, check: (printed: Record<string, unknown>[]) => Promise<void>) {
  const out = sink(lines);
  const signals = new EventEmitter();
  const exit = serveCommand(args, { stdout: out.stream, stderr: out.stream } as never, signals);
  await out.ready;
  try {
    await check(
      out.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
  } finally {
    signals.emit('SIGINT');
    expect(await exit).toBe(0);
  }
}

describe('serve: the live console at /_console', () => {
  it('is served by every reference server, self-contained under a strict CSP; --no-console turns it off', async () => {
    await serving(['--port-base', '0', '--json', '--time-scale', '0.01'], 4, async (printed) => {
      for (const p of printed) {
        expect(p.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_console$/);
        const response = await fetch(String(p.console));
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'unsafe-inline'/);
        const page = await response.text();
        // Nothing loaded from anywhere: no src, no href to another document, no import.
        expect(page).not.toMatch(/<script[^>]+src=|<link|\bimport\s*\(|^import /m);
        expect(page).toContain(`"api":"${String(p.api)}"`);
      }
    });
    await serving(['--port-base', '0', '--json', '--no-console'], 4, async (printed) => {
      expect(printed[0]).not.toHaveProperty('console');
      const port = new URL((printed[0]!.urls as string[])[0]!).port;
      expect((await fetch(`http://127.0.0.1:${port}/_console`)).status).toBe(404);
    });
  }, 120_000);

  it('is served by the mock of any document', async () => {
    await serving(['test/fixtures/runtime/echo.asyncapi.yaml', '--port', '0', '--json'], 1, async ([mock]) => {
      expect(mock!.console).toBe(`${String(mock!.origin)}/_console`);
      const page = await (await fetch(String(mock!.console))).text();
      expect(page).toContain('"channels":[{"id":"room"');
    });
  }, 60_000);

  it('keeps the hostile document inert: its strings cannot end the script or data elements', async () => {
    const { ir } = await generate('test/fixtures/hostile/hostile.asyncapi.yaml');
    const page = consolePageForIR(ir!, 'hostile.asyncapi.yaml');
    expect(page.match(/<script/gi)).toHaveLength(2);
    expect(page.match(/<\/script/gi)).toHaveLength(2);
    expect(page).not.toContain('<!--');
    const data = /<script type="application\/json" id="sw-model">([^<]*)<\/script>/.exec(page)![1]!;
    const model = JSON.parse(data) as { title: string; channels: { address: string }[] };
    expect(model.title).toContain('globalThis.__swCanary = 1');
    expect(model.channels.map((c) => c.address)).toContain(ir!.channels[0]!.address);
  });
});
