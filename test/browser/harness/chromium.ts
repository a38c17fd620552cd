import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's `chromium` package; the tests never download a browser of their own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags issue 5 fixes. The background-networking ones matter here: without them Chromium
 * keeps dialling Google's hosts, which this closed network refuses, many at a time.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface BrowserGate {
  /** Run the browser tests. */
  run: boolean;
  /** Why not, in words fit for the test output (when `run` is false or the browser is missing). */
  reason?: string;
  /** The browser is missing but the environment demands it: the tests must fail, not skip. */
  mustFail: boolean;
}

/**
 * Skipping is allowed only on a developer machine without Chromium; under CI (or when
 * STREAMWRIGHT_REQUIRE_BROWSER=1, which .ci/run sets) a missing browser is a failure.
 */
export function browserGate(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): BrowserGate {
  const required = env.STREAMWRIGHT_REQUIRE_BROWSER === '1' || (env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false');
  if (exists(CHROMIUM_PATH)) return { run: true, mustFail: false };
  const reason = `${CHROMIUM_PATH} is absent (install Debian's chromium: sudo apt-get install -y chromium, or run .ci/run)`;
  return required
    ? { run: true, mustFail: true, reason: `the browser tests are required here (CI or STREAMWRIGHT_REQUIRE_BROWSER=1) but ${reason}` }
    : { run: false, mustFail: false, reason };
}

export interface RunningChromium {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** Starts Debian's Chromium headless on a fresh, throw-away profile. */
export async function launchChromium(): Promise<RunningChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'streamwright-chromium-'));
  let context: BrowserContext;
  try {
    // launchPersistentContext passes the profile as --user-data-dir itself (and refuses it in args).
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS], timeout: 20_000 });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}
