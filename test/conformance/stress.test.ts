import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conform, renderText } from '../../conformance/src/conform/index.ts';
import { startSuiteServers, SUITE, type SuiteTarget } from './suite.ts';

// No false verdicts under load: the whole recorded suite (the four APIs at once, probes
// included), replayed against faithful reference servers while CPU hogs this test spawns keep
// every core busy, passes. A small time scale keeps it cheap (250 ms auth deadlines, heartbeats
// every 0.75–1.5 s, a 15 s fleet stream); `npm run stress` is the full version: ten
// runs by the README's commands against `serve` at the README's scale (figures in
// RELIABILITY.md, "Recorded suites under load").
const SCALE = 0.05;
const RUNS = 1;
/** The hogs stop themselves after this long, whatever happens to the test process. */
const HOG_MS = 140_000;

let hogs: ChildProcess[] = [];
let targets: SuiteTarget[] = [];

beforeAll(async () => {
  targets = await startSuiteServers(SCALE);
  const burn = `const end = Date.now() + ${HOG_MS}; while (Date.now() < end) { for (let i = 0; i < 1e6; i++); }`;
  hogs = Array.from({ length: Math.max(2, availableParallelism()) }, () => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
  // A hog is only load once it runs: wait for each to be scheduled.
  await Promise.all(
    hogs.map((h) => new Promise((resolve, reject) => (h.pid !== undefined ? resolve(undefined) : h.once('spawn', resolve).once('error', reject)))),
  );
});

afterAll(async () => {
  for (const h of hogs) if (h.exitCode === null) h.kill('SIGKILL');
  hogs = [];
  await Promise.all(targets.map((t) => t.server.close()));
});

describe('conform under load', () => {
  it(`the whole recorded suite passes ${RUNS === 1 ? 'once' : `${RUNS} times out of ${RUNS}`} with every core busy`, { timeout: 130_000 }, async () => {
    const failures: string[] = [];
    const replayed = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      expect(
        hogs.every((h) => h.exitCode === null),
        'the CPU hogs are still running',
      ).toBe(true);
      const reports = await Promise.all(
        targets.map((t) =>
          conform({
            spec: `spec/${t.api}.asyncapi.yaml`,
            target: t.origin,
            transcripts: SUITE(t.api),
            credentials: t.credentials,
            credentialsFor: t.credentialsFor,
            timeScale: SCALE,
          }),
        ),
      );
      for (const report of reports) {
        replayed.set(report.api, report.cases.filter((c) => c.kind === 'transcript' && !c.skipped).length);
        if (report.summary.failed > 0) failures.push(`run ${run + 1}, ${report.api}:\n${renderText(report)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    // Every API's suite was replayed, not skipped for want of a credential.
    expect(Object.fromEntries(replayed)).toEqual({ steadybase: 5, 'release-orchestrator': 22, agnt5: 15, 'agent-workspace': 5 });
  });
});
