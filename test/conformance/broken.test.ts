import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conform, renderText, type ProbeId } from '../../conformance/src/conform/index.ts';
import { DEFECTS } from '../fixtures/broken/defects.ts';
import { startProxy, type RunningProxy } from '../fixtures/broken/proxy.ts';
import { startSuiteServers, SUITE, type SuiteTarget } from './suite.ts';

// Every broken implementation (a faithful reference server behind a proxy that injects one
// defect) fails `conform`, naming the rule that catches that defect; the same proxy without a
// defect passes, so the failures are the defects' and not the proxy's.
const SCALE = 0.01;
let running: SuiteTarget[];
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  running = await startSuiteServers(SCALE);
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(running.map((r) => r.server.close()));
});

const reference = (api: string) => running.find((r) => r.api === api)!;

async function run(api: string, origin: string, probes: string[], transcript?: string) {
  const ref = reference(api);
  return conform({
    spec: `spec/${api}.asyncapi.yaml`,
    target: origin,
    transcripts: transcript === undefined ? SUITE(api) : `${SUITE(api)}/${transcript}.jsonl`,
    credentials: ref.credentials,
    credentialsFor: ref.credentialsFor,
    timeScale: SCALE,
    timeoutMs: 1500,
    probes: probes as ProbeId[],
  });
}

describe('broken implementations fail conform for the right reason', () => {
  it.each(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'])('%s: the transparent proxy passes', async (api) => {
    const proxy = await startProxy(reference(api).origin);
    proxies.push(proxy);
    const report = await run(api, proxy.origin, [
      'auth-required',
      'size-limit',
      'malformed-frame',
      'heartbeat',
      'pong-timeout',
      'sse-resume',
      'connection-limit',
      'rate-limit',
    ]);
    expect(report.summary.failed, renderText(report)).toBe(0);
  });

  it('release-orchestrator: the agent task stream over a slow client link (100 ms) passes; a live task the recording lacks is no missing one', async () => {
    // Regression: in `key` order the replay waited for a frame count, so a task assigned while a
    // report was on its way ended the wait early and gave a false transcript/missing. (Only this
    // transcript: at time scale 0.01 the 5 s auth deadline is 50 ms, less than the link's delay.)
    const proxy = await startProxy(reference('release-orchestrator').origin, { clientDelayMs: 100 });
    proxies.push(proxy);
    const report = await run('release-orchestrator', proxy.origin, [], 'agent-task-stream');
    expect(report.cases.filter((c) => !c.skipped)).toHaveLength(1);
    expect(report.summary.failed, renderText(report)).toBe(0);
  });

  it('a newer server (an added field, an unknown worker state) passes, with each unknown part a warning at its pointer', async () => {
    // Error codes stay literal under the matchers (a different code is a different answer), so the
    // unknown value is a status, an open set in every simulation event that has one (which events a
    // replay sees depends on the simulation's timing, so no one tag is relied on); the added field
    // rides on the error answers.
    const newer = (text: string) => {
      const m = JSON.parse(text) as Record<string, unknown>;
      if (m.type === 'error') return [JSON.stringify({ ...m, hint: 'send nothing' })];
      return [JSON.stringify(typeof m.status === 'string' ? { ...m, status: 'hibernating' } : m)];
    };
    const proxy = await startProxy(reference('steadybase').origin, { serverFrame: newer });
    proxies.push(proxy);
    // Every transcript: error answers come in one, worker states in the streams of the others.
    const report = await run('steadybase', proxy.origin, []);
    expect(report.summary.failed, renderText(report)).toBe(0);
    const warnings = report.cases.flatMap((c) => c.findings.filter((f) => f.severity === 'warning').map((f) => [f.rule, f.pointer]));
    expect(warnings, renderText(report)).toContainEqual(['schema/unknown-value', '/status']);
    expect(warnings, renderText(report)).toContainEqual(['schema/unknown-property', '/hint']);
    expect(report.summary.warnings).toBe(warnings.length);
  });

  it.each(DEFECTS.map((d) => [`${d.api}: ${d.name}`, d] as const))('%s', async (_name, defect) => {
    let hooks = defect.hooks;
    if (defect.rule === 'probe/auth-required') {
      // The defect: a request without a credential is let through as if it had one.
      const token = (await reference(defect.api).server.credentials())[0]!.value;
      hooks = {
        request: (r) =>
          r.headers.authorization || r.url.includes('access_token=') ? r : { url: r.url, headers: { ...r.headers, authorization: `Bearer ${token}` } },
      };
    }
    const proxy = await startProxy(reference(defect.api).origin, hooks);
    proxies.push(proxy);
    const report = await run(defect.api, proxy.origin, defect.probes);
    const rules = report.cases.flatMap((c) => c.findings.map((f) => f.rule));
    expect(report.summary.failed, renderText(report)).toBeGreaterThan(0);
    expect(rules, renderText(report)).toContain(defect.rule);
  });
});
