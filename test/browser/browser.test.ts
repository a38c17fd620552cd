import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateFleetStreamServerEvent } from '../../generated/agent-workspace/validators.gen.js';
import { validateWorkflowServerMessage } from '../../generated/agnt5/validators.gen.js';
import {
  validateDashboardEventsServerEvent,
  validateDashboardStreamServerMessage,
  validateWorkflowRunStreamServerMessage,
} from '../../generated/release-orchestrator/validators.gen.js';
import { validateEventsServerMessage } from '../../generated/steadybase/validators.gen.js';
import { startReferenceServers, type RunningReference } from '../../reference-server/index.ts';
import { browserGate, launchChromium, type RunningChromium } from './harness/chromium.ts';
import { bundlePage, type PageBundle } from './harness/bundle.ts';
import { PageServer, type ProxiedRequest } from './harness/page-server.ts';
import type { ConnectionReport, PageConfig, PageResults } from './page/protocol.ts';

// The clients in a real headless Chromium (Debian's package, driven by playwright-core) against
// the four reference servers, each through its browser auth path. The page is bundled from
// TypeScript with esbuild and served by a same-origin proxy (see harness/page-server.ts), which
// also logs every request it forwards: that is how "no retry loop" is checked. One test skips the
// proxy and reads the SSE streams cross-origin, through the servers' CORS.

const gate = browserGate();
if (!gate.run) console.warn(`\n*** BROWSER TESTS SKIPPED: ${gate.reason} ***\n`);

/** 0.05: heartbeats every 750 ms, first-message auth deadline 250 ms, a workflow run in ~1-2 s. */
const SCALE = 0.05;
const PAGE_DEADLINE_MS = 15_000;
/**
 * Longest first reconnect delay of the contracts, scaled (release-orchestrator: 1000 ms, full
 * jitter), plus margin: a client that was going to retry a refused connection has done so by then.
 */
const QUIET_MS = 1000 * SCALE + 400;
const ENTRY = 'test/browser/page/main.ts';

const title = gate.reason === undefined ? 'browser clients in Chromium' : `browser clients in Chromium (${gate.run ? '' : 'SKIPPED: '}${gate.reason})`;

describe.skipIf(!gate.run)(title, () => {
  let servers: RunningReference[] = [];
  let pageServer: PageServer | undefined;
  let chromium: RunningChromium | undefined;
  let bundle: PageBundle;
  let pageOrigin = '';
  /** What the page was last given (credentials are signed afresh per call). */
  let lastConfig: PageConfig | undefined;
  const serverErrors: Error[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    if (gate.mustFail) throw new Error(gate.reason);
    bundle = await bundlePage(ENTRY);
    pageServer = new PageServer({
      html: '<!doctype html><meta charset="utf-8"><title>streamwright browser test</title><script type="module" src="/page.js"></script>',
      js: bundle.js,
    });
    pageOrigin = await pageServer.listen('127.0.0.1');
    servers = await startReferenceServers({
      portBase: 0,
      host: '127.0.0.1',
      // Only agent-workspace's cookie scheme checks Origin; the page's origin is the one it sees.
      // The page's origin may also read SSE straight from the servers (CORS): the cross-origin test.
      reference: { seed: 5, timeScale: SCALE, allowedOrigins: [pageOrigin], cors: { origins: [pageOrigin] }, onError: (e) => serverErrors.push(e) },
    });
    const origin = (api: string) => servers.find((s) => s.api === api)!.origin;
    pageServer.setRoutes([
      { prefix: '/api/v1/', target: origin('release-orchestrator') },
      { prefix: '/api/agent-workspace/', target: origin('agent-workspace') },
    ]);
    const [session] = await server('agent-workspace').credentials();
    pageServer.setCookie(`session=${session!.value}; Path=/; HttpOnly; SameSite=Strict`);
    chromium = await launchChromium();
    chromium.page.on('console', (m) => consoleLines.push(`[console.${m.type()}] ${m.text()}`));
    chromium.page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  }, 60_000);

  // Auth rejections are expected; a server that broke its own contract or whose handler threw is not.
  afterEach(() => {
    const broken = serverErrors.splice(0).filter((e) => ['SW_OUTBOUND_INVALID', 'SW_HANDLER_FAILED'].includes((e as { code?: string }).code ?? ''));
    expect(broken.map((e) => e.message)).toEqual([]);
  });

  afterAll(async () => {
    await chromium?.close();
    await Promise.all(servers.map((s) => s.server.close()));
    await pageServer?.close();
  });

  function server(api: string) {
    const found = servers.find((s) => s.api === api);
    if (!found) throw new Error(`no ${api} reference server`);
    return found.server;
  }

  async function config(mode: PageConfig['mode'], crossOrigin = false): Promise<PageConfig> {
    const value = async (api: string, scheme: string) => {
      const credential = (await server(api).credentials()).find((c) => c.scheme === scheme);
      if (!credential) throw new Error(`${api} has no ${scheme} credential`);
      return credential.value;
    };
    const origin = (api: string) => servers.find((s) => s.api === api)!.origin;
    return {
      mode,
      deadlineMs: PAGE_DEADLINE_MS,
      timeScale: SCALE,
      quietMs: QUIET_MS,
      pageOrigin,
      steadybase: { origin: origin('steadybase'), token: await value('steadybase', 'accessTokenQuery') },
      releaseOrchestrator: {
        origin: crossOrigin ? origin('release-orchestrator') : pageOrigin,
        token: await value('release-orchestrator', 'queryToken'),
        runId: 'wr-1002',
      },
      agnt5: { origin: origin('agnt5'), apiKey: await value('agnt5', 'apiKeySubprotocol'), endpoint: 'coffee-shop-e66b8d23', workflow: 'lookup-order' },
      agentWorkspace: { origin: crossOrigin ? origin('agent-workspace') : pageOrigin },
    };
  }

  /** Loads the page fresh and runs one mode of it; the browser console is attached to failures. */
  async function runPage(mode: PageConfig['mode'], how: { keepPage?: boolean; deadlineMs?: number; crossOrigin?: boolean } = {}): Promise<PageResults> {
    const page = chromium!.page;
    consoleLines.length = 0;
    if (!how.keepPage) await page.goto(`${pageOrigin}/`);
    await page.waitForFunction(() => window.__streamwright !== undefined, undefined, { timeout: 10_000 });
    const cfg = { ...(await config(mode, how.crossOrigin)), ...(how.deadlineMs !== undefined ? { deadlineMs: how.deadlineMs } : {}) };
    lastConfig = cfg;
    return page.evaluate((c) => window.__streamwright!.run(c), cfg);
  }

  const tags = (r: ConnectionReport | undefined) => (r?.events ?? []).map((e) => e.tag);
  const context = (results: PageResults) => `page results: ${JSON.stringify(summarise(results))}\nbrowser console:\n${consoleLines.join('\n')}`;

  it('bundles the page for the browser without ws or Node built-ins', () => {
    expect(bundle.inputs.some((p) => /node_modules\/ws\//.test(p))).toBe(false);
    expect(bundle.inputs).toContain('test/browser/page/main.ts');
  });

  it('native baseline: every API is reachable through its browser auth path', async () => {
    const before = pageServer!.forwarded.length;
    const results = await runPage('native');
    const why = context(results);
    checkContract(results);

    // steadybase: JWT in ?access_token (browsers cannot set Authorization on a WebSocket).
    const sb = results.steadybase!.stream!;
    expect(sb.timedOut, why).toBe(false);
    const status = sb.events.find((e) => e.tag === 'worker-status')!.data as { workerId: string; status: string };
    expect(typeof status.workerId, why).toBe('string');
    expect(typeof status.status, why).toBe('string');

    // release-orchestrator: a failed run's steps in order, heartbeats answered, dashboard by first-message auth and bearer SSE.
    const ro = results['release-orchestrator']!;
    expect(ro.run!.timedOut, why).toBe(false);
    const run = tags(ro.run);
    expect(run[0], why).toBe('step_started');
    expect(run.indexOf('step_completed'), why).toBeGreaterThan(0);
    const completed = ro.run!.events.find((e) => e.tag === 'workflow_completed')!.data as { status: string };
    expect(completed.status, why).toBe('failed');
    expect(ro.run!.sent, why).toContain('pong');
    expect(ro.dashboard!.timedOut, why).toBe(false);
    expect(ro.dashboard!.sent[0], why).toBe('auth');
    expect(tags(ro.dashboard), why).toContain('metric_update');
    expect(ro.dashboardSse!.timedOut, why).toBe(false);
    expect(ro.dashboardSse!.notes.status, why).toBe(200);
    expect(tags(ro.dashboardSse), why).toContain('metric_update');

    // agnt5: the key as subprotocol, echoed; one invocation, its execution from start to end.
    const ag = results.agnt5!.workflow!;
    expect(ag.timedOut, why).toBe(false);
    expect(ag.notes.protocol, why).toMatch(/^x-api-key\./);
    const execution = ag.events.map((e) => e.data as { type: string; data: { execution_id?: string } });
    expect(execution[0]!.type, why).toBe('execution_started');
    expect(new Set(execution.map((e) => e.data.execution_id)).size, why).toBe(1);

    // agent-workspace: the session cookie rides on the EventSource request.
    const aw = results['agent-workspace']!.stream!;
    expect(aw.timedOut, why).toBe(false);
    expect(tags(aw)[0], why).toBe('fleet_snapshot');
    expect(Array.isArray(aw.events[0]!.data), why).toBe(true);
    expect((aw.events.find((e) => e.tag === 'heartbeat')!.data as { ts: unknown }).ts, why).toEqual(expect.any(Number));
    const forwarded = pageServer!.forwarded.slice(before);
    expectCookieStreams(forwarded, why);

    // Auth failures: a bad query token gets the contract's error and close 4401; a bad bearer gets 401; each tried once.
    expect(
      ro.badToken!.events.map((e) => (e.data as { code?: string }).code),
      why,
    ).toEqual(['unauthorized']);
    expect(ro.badToken!.states.at(-1), why).toMatchObject({ state: 'closed', code: 4401 });
    expect(ro.badBearer!.notes.status, why).toBe(401);
    expect(forwarded.filter((r) => r.path.includes('token=not-a-jwt')).length, why).toBe(1);
    expect(forwarded.filter((r) => r.authorization === 'Bearer not-a-jwt').length, why).toBe(1);
  }, 45_000);

  it('generated clients: typed events from all four APIs, auth failures typed and not retried', async () => {
    const before = pageServer!.forwarded.length;
    const results = await runPage('generated');
    const why = context(results);
    checkContract(results);
    const forwarded = pageServer!.forwarded.slice(before);
    const ro = results['release-orchestrator']!;
    const good = [results.steadybase!.stream!, ro.run!, ro.dashboard!, ro.dashboardSse!, results.agnt5!.workflow!, results['agent-workspace']!.stream!];
    for (const r of good) expectCleanRun(r, why);

    // steadybase: only the header scheme's token was given; the browser client carried it as ?access_token.
    const sb = results.steadybase!.stream!;
    expect(sb.notes.scheme, why).toBe('accessTokenQuery');
    expect(sb.notes.workerStatus, why).toMatch(/^.+:.+$/);
    expect(tags(sb), why).toContain('workflow-progress');

    // release-orchestrator: the failed run from its first step to its end, by ?token.
    expect(ro.run!.notes.scheme, why).toBe('queryToken');
    expect(tags(ro.run)[0], why).toBe('step_started');
    expect(tags(ro.run), why).toContain('step_completed');
    expect(ro.run!.notes.runStatus, why).toBe('failed');
    // The dashboard by first-message auth, open across three heartbeats: the client answered them (else 4408).
    expect(ro.dashboard!.notes.scheme, why).toBe('firstMessageToken');
    expect(tags(ro.dashboard), why).toContain('metric_update');
    expect(ro.dashboard!.notes.heartbeats, why).toBeGreaterThanOrEqual(3);
    expect(ro.dashboard!.notes.stateWhenDone, why).toBe('open');
    // The SSE twin needs a bearer header: a fetch stream, seen by the proxy as a plain GET with it.
    expect(ro.dashboardSse!.notes.scheme, why).toBe('bearerHeader');
    expect(tags(ro.dashboardSse), why).toContain('metric_update');
    const token = lastConfig!.releaseOrchestrator.token;
    expect(
      forwarded.filter((r) => !r.upgrade && r.path.startsWith('/api/v1/dashboard/stream') && r.authorization === `Bearer ${token}` && r.status === 200).length,
      why,
    ).toBe(1);

    // agnt5: the key as subprotocol; the invocation answered by one execution, start to end.
    const ag = results.agnt5!.workflow!;
    expect(ag.notes.scheme, why).toBe('apiKeySubprotocol');
    expect(ag.sent, why).toEqual(['invoke']);
    const execution = ag.events.map((e) => e.data as { type: string; data: { execution_id?: string } });
    expect(execution[0]?.type, why).toBe('execution_started');
    expect(new Set(execution.map((e) => e.data.execution_id)), why).toEqual(new Set([ag.notes.executionId]));
    expect(['execution_completed', 'execution_failed', 'execution_cancelled'], why).toContain(execution.at(-1)?.type);

    // agent-workspace: the session cookie on an EventSource; snapshot first, then a heartbeat.
    const aw = results['agent-workspace']!.stream!;
    expect(aw.notes.scheme, why).toBe('sessionCookie');
    expect(tags(aw)[0], why).toBe('fleet_snapshot');
    expect(aw.notes.snapshotRuns, why).toBeGreaterThan(0);
    expect(aw.notes.heartbeatTs, why).toEqual(expect.any(Number));
    expect(aw.notes.lastEventId, why).not.toBe('');
    expectCookieStreams(forwarded, why);

    // A bad query token: the contract's `error` message, close 4401, SW_AUTH_REJECTED, no retry;
    // refused after the upgrade, so the browser client never said `open`.
    const badToken = ro.badToken!;
    expect(
      badToken.events.map((e) => [e.tag, (e.data as { code?: string }).code]),
      why,
    ).toEqual([['error', 'unauthorized']]);
    expect(badToken.states, why).toEqual([expect.objectContaining({ state: 'closed', code: 4401 })]);
    expect(badToken.notes.closedWith, why).toBe('SW_AUTH_REJECTED');
    expect(
      badToken.errors.map((e) => e.code),
      why,
    ).toEqual(['SW_AUTH_REJECTED']);
    expect(forwarded.filter((r) => r.upgrade && r.path.includes('token=not-a-jwt')).length, why).toBe(1);
    // A bad bearer on the SSE stream: HTTP 401, SW_AUTH_REJECTED, no retry.
    const badBearer = ro.badBearer!;
    expect(
      badBearer.states.map((s) => s.state),
      why,
    ).toEqual(['closed']);
    expect(badBearer.notes.httpStatus, why).toBe(401);
    expect(badBearer.notes.closedWith, why).toBe('SW_AUTH_REJECTED');
    expect(
      badBearer.errors.map((e) => [e.code, e.status]),
      why,
    ).toEqual([['SW_AUTH_REJECTED', 401]]);
    expect(forwarded.filter((r) => r.authorization === 'Bearer not-a-jwt').length, why).toBe(1);
  }, 45_000);

  // A page on its own origin, the servers on theirs: the SSE streams and their refusals must carry
  // CORS headers, or the browser hides them from the client (a 401 would look like a network failure).
  it('cross-origin: SSE by bearer header and by session cookie, straight to the servers (CORS)', async () => {
    const before = pageServer!.forwarded.length;
    const results = await runPage('generated', { crossOrigin: true });
    const why = context(results);
    checkContract(results);
    const ro = results['release-orchestrator']!;
    const aw = results['agent-workspace']!.stream!;
    for (const r of [ro.dashboardSse!, aw]) expectCleanRun(r, why);
    expect(tags(ro.dashboardSse), why).toContain('metric_update');
    expect(tags(aw)[0], why).toBe('fleet_snapshot');
    expect(aw.notes.heartbeatTs, why).toEqual(expect.any(Number));
    // The refused bearer is read as a 401, not lost as a network error and retried.
    expect(ro.badBearer!.notes.httpStatus, why).toBe(401);
    expect(
      ro.badBearer!.errors.map((e) => e.code),
      why,
    ).toEqual(['SW_AUTH_REJECTED']);
    // Nothing went through the page's own server.
    const proxied = pageServer!.forwarded.slice(before).filter((r) => r.path.startsWith('/api/'));
    expect(proxied, why).toEqual([]);
  }, 45_000);

  // An EventSource hides the 401; the client asks for the status once so that, with the contract's
  // unlimited retries, a refused session does not loop.
  it('agent-workspace without a session surfaces SW_AUTH_REJECTED and does not retry', async () => {
    await chromium!.page.goto(`${pageOrigin}/`);
    await chromium!.context.clearCookies();
    const before = pageServer!.forwarded.length;
    const results = await runPage('generated-refused-session', { keepPage: true, deadlineMs: 3_000 });
    const why = context(results);
    const refused = results['agent-workspace']!.refused!;
    expect(
      refused.states.map((s) => s.state),
      why,
    ).toEqual(['closed']);
    expect(refused.notes.httpStatus, why).toBe(401);
    expect(refused.notes.closedWith, why).toBe('SW_AUTH_REJECTED');
    const attempts = pageServer!.forwarded.slice(before).filter((r) => r.path.startsWith('/api/agent-workspace/'));
    expect(
      attempts.every((r) => !r.hadCookie && r.status === 401),
      why,
    ).toBe(true);
    // The EventSource's request, and at most one request to learn its status.
    expect(attempts.length, why).toBeLessThanOrEqual(2);
  }, 20_000);

  /** Every event the page received is checked against the generated validators of its channel. */
  function checkContract(results: PageResults) {
    const problems: string[] = [];
    const check = (where: string, r: ConnectionReport | undefined, validate: (tag: string, data: unknown) => { ok: boolean; errors?: unknown }) => {
      for (const e of r?.events ?? []) {
        const verdict = validate(e.tag, e.data);
        if (!verdict.ok) problems.push(`${where} ${e.tag}: ${JSON.stringify(verdict.errors)}`);
      }
    };
    const ro = results['release-orchestrator'] ?? {};
    check('steadybase', results.steadybase?.stream, (_t, d) => validateEventsServerMessage(d));
    check('release-orchestrator run', ro.run, (_t, d) => validateWorkflowRunStreamServerMessage(d));
    check('release-orchestrator dashboard', ro.dashboard, (_t, d) => validateDashboardStreamServerMessage(d));
    check('release-orchestrator dashboard SSE', ro.dashboardSse, (t, d) => validateDashboardEventsServerEvent(t, d));
    check('agnt5', results.agnt5?.workflow, (_t, d) => validateWorkflowServerMessage(d));
    check('agent-workspace', results['agent-workspace']?.stream, (t, d) => validateFleetStreamServerEvent(t, d));
    expect(problems).toEqual([]);
  }
});

/** The results without bulky payloads, for failure messages. */
/** A connection that opened, saw no error and closed when the page closed it, within the deadline. */
function expectCleanRun(r: ConnectionReport, why: string) {
  expect(r.timedOut, `${r.via} timed out\n${why}`).toBe(false);
  expect(r.errors, `${r.via} reported errors\n${why}`).toEqual([]);
  expect(
    r.states.map((s) => s.state),
    `${r.via} states\n${why}`,
  ).toEqual(['open', 'closed']);
}

/** agent-workspace streamed over requests that each carried the session cookie and were accepted. */
function expectCookieStreams(forwarded: readonly ProxiedRequest[], why: string) {
  const streams = forwarded.filter((r) => r.path.startsWith('/api/agent-workspace/'));
  expect(streams.length, why).toBeGreaterThan(0);
  expect(
    streams.every((r) => r.hadCookie && r.status === 200),
    why,
  ).toBe(true);
}

function summarise(results: PageResults) {
  return Object.fromEntries(
    Object.entries(results).map(([api, connections]) => [
      api,
      Object.fromEntries(
        Object.entries(connections).map(([name, r]) => [
          name,
          { via: r.via, tags: r.events.map((e) => e.tag).slice(0, 40), states: r.states, errors: r.errors, sent: r.sent, timedOut: r.timedOut, notes: r.notes },
        ]),
      ),
    ]),
  );
}
