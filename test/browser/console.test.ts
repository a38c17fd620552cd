import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePages } from '../../generator/src/index.ts';
import { referenceConsolePage } from '../../reference-server/index.ts';
import { startReferenceServers, type RunningReference } from '../../reference-server/index.ts';
import { browserGate, launchChromium, type RunningChromium } from './harness/chromium.ts';

// The live console (`/_console`) in Chromium against the reference servers: a WebSocket and an
// SSE channel, frames validated in the page, an example sent from the form, an invalid frame
// flagged with its pointer, and the downloaded transcript replayed by `conform`.

const gate = browserGate();
// As the recorded suite: an agnt5 run takes about 8 s at this scale.
const SCALE = 0.01;

type Frame = { dir: string; tag: string; valid: string; errors: string[] };

describe.skipIf(!gate.run)('live console in Chromium', () => {
  let servers: RunningReference[] = [];
  let chromium: RunningChromium | undefined;
  let dir = '';
  const problems: string[] = [];
  const server = (api: string) => servers.find((s) => s.api === api)!;
  const credential = async (api: string, scheme: string) => (await server(api).server.credentials()).find((c) => c.scheme === scheme)!.value;

  beforeAll(async () => {
    if (gate.mustFail) throw new Error(gate.reason);
    dir = await mkdtemp(path.join(tmpdir(), 'streamwright-console-'));
    servers = await startReferenceServers({
      portBase: 0,
      host: '127.0.0.1',
      pages: (api) => consolePages(() => referenceConsolePage(api)),
      reference: { seed: 3, timeScale: SCALE, onError: () => undefined },
    });
    chromium = await launchChromium();
    chromium.page.on('pageerror', (e) => problems.push(e.message));
    chromium.page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    chromium.page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['127.0.0.1', ''].includes(url.hostname) && url.protocol !== 'blob:') problems.push(`request ${r.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await Promise.all(servers.map((s) => s.server.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const frames = () =>
    chromium!.page.locator('#frames li.frame').evaluateAll((items) =>
      items.map((li) => ({
        dir: (li as HTMLElement).dataset.dir!,
        tag: (li as HTMLElement).dataset.tag!,
        valid: (li as HTMLElement).dataset.valid!,
        errors: Array.from(li.querySelectorAll('.errors li')).map((e) => e.textContent ?? ''),
      })),
    ) as Promise<Frame[]>;

  async function open(api: string, channel: string) {
    const page = chromium!.page;
    await page.goto(`${server(api).origin}/_console?channel=${encodeURIComponent(channel)}`);
    await page.waitForSelector('#channel option', { state: 'attached' });
  }

  it('WebSocket (agnt5): typed frames, an invalid one flagged, an example sent, a transcript conform replays', async () => {
    const page = chromium!.page;
    await open('agnt5', 'workflow');
    await page.fill('[data-key="query:x-wf-endpoint"]', 'talent-scout-4f1a9c02');
    await page.selectOption('#scheme', 'apiKeySubprotocol');
    await page.fill('#credential', await credential('agnt5', 'apiKeySubprotocol'));

    // The form starts from the contract's first example.
    const example = await page.inputValue('#send-text');
    expect(JSON.parse(example)).toMatchObject({ name: 'search-candidates' });

    // A frame that breaks the contract is flagged where it breaks it; the server's answer is valid.
    await page.click('#connect');
    await page.waitForSelector('body[data-state="open"]');
    await page.fill('#send-text', '{"name": 5}');
    await page.click('#send');
    await page.waitForSelector('#frames li.frame[data-dir="server"][data-tag="error"]');
    const [sent, answer] = await frames();
    expect(sent).toEqual({ dir: 'client', tag: '', valid: 'false', errors: [expect.stringMatching(/^\/name /)] });
    expect(answer).toMatchObject({ dir: 'server', tag: 'error', valid: 'true' });
    await page.click('#disconnect');
    await page.waitForSelector('body[data-state="closed"]');
    await page.click('#clear');

    // The example runs to its end.
    await page.fill('#send-text', example);
    await page.click('#connect');
    await page.waitForSelector('body[data-state="open"]');
    await page.click('#send');
    await page
      .waitForSelector('#frames li.frame[data-tag="execution_completed"], #frames li.frame[data-tag="execution_failed"]', { timeout: 20_000 })
      .catch(async (e: unknown) => {
        throw new Error(`${(e as Error).message}\nframes: ${JSON.stringify(await frames())}\n${await page.locator('#frames').innerText()}`);
      });
    await page.click('#disconnect');
    await page.waitForSelector('body[data-state="closed"]');
    const seen = await frames();
    expect(seen[0]).toMatchObject({ dir: 'client', valid: 'true' });
    expect(seen.slice(1).map((f) => f.tag)).toContain('execution_started');
    expect(seen.filter((f) => f.valid !== 'true')).toEqual([]);

    const file = await downloadTranscript('agnt5.jsonl');
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind)).toEqual(['header', 'handshake', ...seen.map(() => 'frame'), 'close']);
    expect(await readFile(file, 'utf8')).not.toContain(await credential('agnt5', 'apiKeySubprotocol'));
    expect(await conform('agnt5', file, { apiKeySubprotocol: await credential('agnt5', 'apiKeySubprotocol') }, 'ws')).toEqual({
      code: 0,
      stdout: expect.any(String),
    });
    expect(problems).toEqual([]);
  }, 90_000);

  it('SSE (release-orchestrator dashboard events, bearer header): typed events, a transcript conform replays', async () => {
    const page = chromium!.page;
    await open('release-orchestrator', 'dashboardEvents');
    expect(await page.locator('#send-form').isHidden()).toBe(true);
    await page.selectOption('#scheme', 'bearerHeader');
    // The suite's matchers know this scenario by name: a live dashboard is compared by shape, in any order.
    await page.fill('#scenario', 'dashboard-events-sse');
    await page.fill('#credential', await credential('release-orchestrator', 'bearerHeader'));
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelectorAll('#frames li.frame').length >= 3, undefined, { timeout: 20_000 });
    await page.click('#disconnect');
    await page.waitForSelector('body[data-state="closed"]');
    const seen = await frames();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((f) => f.dir === 'server' && f.valid === 'true' && f.tag !== '')).toBe(true);
    const file = await downloadTranscript('dashboard.jsonl');
    expect(await conform('release-orchestrator', file, { bearerHeader: await credential('release-orchestrator', 'bearerHeader') }, 'http')).toEqual({
      code: 0,
      stdout: expect.any(String),
    });
    expect(problems).toEqual([]);
  }, 90_000);

  async function downloadTranscript(name: string): Promise<string> {
    const page = chromium!.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = path.join(dir, name);
    await download.saveAs(file);
    return file;
  }

  async function conform(api: string, transcript: string, credentials: Record<string, string>, scheme: 'ws' | 'http') {
    const creds = path.join(dir, `${api}-credentials.json`);
    await writeFile(creds, JSON.stringify(credentials));
    const target = scheme === 'ws' ? server(api).origin.replace(/^http/, 'ws') : server(api).origin;
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          'bin/streamwright.js',
          'conform',
          '--spec',
          `spec/${api}.asyncapi.yaml`,
          '--target',
          target,
          '--transcripts',
          transcript,
          '--credentials',
          creds,
          '--time-scale',
          String(SCALE),
          '--probes',
          'none',
        ],
        { encoding: 'utf8' },
      );
      return { code: 0, stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout + err.stderr };
    }
  }
});
