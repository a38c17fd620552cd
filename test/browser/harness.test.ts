import { describe, expect, it } from 'vitest';
import { BrowserBundleError, bundlePage } from './harness/bundle.ts';
import { browserGate, CHROMIUM_PATH } from './harness/chromium.ts';

// The browser harness's own guards, without a browser: they decide whether the Chromium tests
// may skip, and they keep Node-only code out of the page bundle.

describe('browser gate', () => {
  const present = (path: string) => path === CHROMIUM_PATH;
  const absent = () => false;

  it('runs when Chromium is installed', () => {
    expect(browserGate({}, present)).toEqual({ run: true, mustFail: false });
  });

  it('skips, with the reason, only on a developer machine without Chromium', () => {
    const gate = browserGate({}, absent);
    expect(gate).toMatchObject({ run: false, mustFail: false });
    expect(gate.reason).toContain(CHROMIUM_PATH);
  });

  it.each([{ STREAMWRIGHT_REQUIRE_BROWSER: '1' }, { CI: 'true' }, { CI: '1' }])('fails instead of skipping under %o', (env) => {
    expect(browserGate(env, absent)).toMatchObject({ run: true, mustFail: true, reason: expect.stringContaining('required') });
  });

  it.each([{ CI: 'false' }, { CI: '0' }, { CI: '' }, { STREAMWRIGHT_REQUIRE_BROWSER: '0' }])('may skip under %o', (env) => {
    expect(browserGate(env, absent).run).toBe(false);
  });
});

describe('page bundle guard', () => {
  it('refuses a bundle that pulls ws, naming the importer', async () => {
    const error = await bundlePage('test/browser/fixtures/pulls-ws.ts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserBundleError);
    expect((error as Error).message).toMatch(/Node-only code: node_modules\/ws\/.*imported by test\/browser\/fixtures\/pulls-ws\.ts/);
  });

  it('refuses a bundle that imports a Node built-in', async () => {
    const error = await bundlePage('test/browser/fixtures/pulls-builtin.ts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserBundleError);
    expect((error as Error).message).toMatch(/Node built-in module.*node:crypto/);
  });

  it('bundles the browser page itself as ESM', async () => {
    const bundle = await bundlePage('test/browser/page/main.ts');
    expect(bundle.inputs).toContain('test/browser/page/main.ts');
    expect(bundle.js).toContain('__streamwright');
  });
});
