import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitSite } from '../../generator/src/emit/site/index.ts';
import { generate } from '../../generator/src/generate.ts';
import type { ApiIR } from '../../generator/src/ir/types.ts';
import { APIS, specPath } from '../contracts/apis.ts';
import { browserGate, launchChromium, type RunningChromium } from './harness/chromium.ts';

// `streamwright docs` output opened from disk in Chromium: every channel reached from the index,
// its page showing its address and messages; the hostile document's pages run nothing.

const gate = browserGate();
const HOSTILE = 'test/fixtures/hostile/hostile.asyncapi.yaml';

describe.skipIf(!gate.run)('docs site in Chromium', () => {
  let chromium: RunningChromium | undefined;
  let dir = '';
  const irs = new Map<string, ApiIR>();
  const problems: string[] = [];

  beforeAll(async () => {
    if (gate.mustFail) throw new Error(gate.reason);
    dir = await mkdtemp(path.join(tmpdir(), 'streamwright-docs-'));
    for (const [name, spec] of [...APIS.map((a) => [a, specPath(a)] as const), ['hostile', HOSTILE] as const]) {
      const result = await generate(spec);
      irs.set(name, result.ir!);
      for (const f of emitSite(result.ir!)) {
        await mkdir(path.dirname(path.join(dir, name, f.path)), { recursive: true });
        await writeFile(path.join(dir, name, f.path), f.contents);
      }
    }
    chromium = await launchChromium();
    chromium.page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    chromium.page.on('pageerror', (e) => problems.push(e.message));
    chromium.page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`request ${r.url()}`));
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([...APIS, 'hostile'])(
    '%s: every channel is reached from the index and shows its address and messages',
    async (name) => {
      const page = chromium!.page;
      const ir = irs.get(name)!;
      const index = pathToFileURL(path.join(dir, name, 'index.html')).href;
      await page.goto(index);
      expect(await page.locator('h1').first().innerText()).toContain(ir.title.trim().split('\n')[0]!.trim().slice(0, 10));
      const links = await page.locator('table.channels tr[data-channel]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel')));
      expect(links).toEqual(ir.channels.map((c) => c.id));
      for (const c of ir.channels) {
        await page.goto(index);
        await page.locator(`table.channels tr[data-channel="${CSS_escape(c.id)}"] a`).click();
        await page.waitForLoadState('load');
        const shown = await page.evaluate(() => ({
          channel: document.querySelector('article.channel')?.getAttribute('data-channel'),
          address: document.querySelector('code.address')?.textContent,
          messages: Array.from(document.querySelectorAll('section.message')).map((s) => `${s.getAttribute('data-direction')} ${s.getAttribute('data-tag')}`),
          tables: document.querySelectorAll('table.schema').length,
        }));
        expect(shown.channel).toBe(c.id);
        expect(shown.address).toBe(c.address);
        expect(shown.messages).toEqual([
          ...c.send.messages.map((m) => `send ${m.tag ?? m.key}`),
          ...c.receive.messages.map((m) => `receive ${m.tag ?? m.key}`),
        ]);
        expect(shown.tables).toBeGreaterThanOrEqual(shown.messages.length);
      }
      expect(problems).toEqual([]);
    },
    60_000,
  );

  it('runs nothing from the hostile document', async () => {
    const page = chromium!.page;
    for (const file of ['index.html', ...[...new Set(await pagesOf('hostile'))]]) {
      await page.goto(pathToFileURL(path.join(dir, 'hostile', file)).href);
      const state = await page.evaluate(() => ({
        canary: (globalThis as Record<string, unknown>).__swCanary,
        scripts: document.scripts.length,
        handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((a: string) => a.startsWith('on'))),
        comments: document.createTreeWalker(document, NodeFilter.SHOW_COMMENT).nextNode() !== null,
      }));
      expect(state).toEqual({ canary: undefined, scripts: 0, handlers: [], comments: false });
    }
    expect(problems).toEqual([]);
  });

  async function pagesOf(name: string): Promise<string[]> {
    return emitSite(irs.get(name)!)
      .map((f) => f.path)
      .filter((p) => p !== 'index.html');
  }
});

/** CSS.escape for an attribute selector value in double quotes. */
function CSS_escape(value: string): string {
  return value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ');
}
