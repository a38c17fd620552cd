import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conform, renderText } from '../../conformance/src/conform/index.ts';
import { startSuiteServer, SUITE, type SuiteTarget } from './suite.ts';

// No false verdicts under load: the recorded suite of an API, replayed several times against a
// faithful reference server while every core is kept busy by CPU hogs this test spawns, passes
// every time, at a low time scale (100 ms auth deadline, 300 ms heartbeats) that used to give
// false failures.
const SCALE = 0.02;
const RUNS = 5;
/** The hogs stop themselves after this long, whatever happens to the test process. */
const HOG_MS = 50_000;

let hogs: ChildProcess[] = [];
let target: SuiteTarget;

beforeAll(async () => {
  target = await startSuiteServer('release-orchestrator', SCALE);
  const burn = `const end = Date.now() + ${HOG_MS}; while (Date.now() < end) { for (let i = 0; i < 1e6; i++); }`;
  hogs = Array.from({ length: Math.max(2, availableParallelism()) }, () => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
  // A hog is only load once it runs: wait for each to be scheduled.
  await Promise.all(hogs.map((h) => new Promise((resolve, reject) => (h.pid !== undefined ? resolve(undefined) : h.once('spawn', resolve).once('error', reject)))));
});

afterAll(async () => {
  for (const h of hogs) if (h.exitCode === null) h.kill('SIGKILL');
  hogs = [];
  await target?.server.close();
});

describe('conform under load', () => {
  it(`release-orchestrator's recorded suite passes ${RUNS} times out of ${RUNS} with every core busy`, { timeout: 55_000 }, async () => {
    const failures: string[] = [];
    let transcripts = 0;
    for (let run = 0; run < RUNS; run++) {
      expect(hogs.every((h) => h.exitCode === null), 'the CPU hogs are still running').toBe(true);
      const report = await conform({
        spec: 'spec/release-orchestrator.asyncapi.yaml',
        target: target.origin,
        transcripts: SUITE('release-orchestrator'),
        credentials: target.credentials,
        credentialsFor: target.credentialsFor,
        timeScale: SCALE,
        probes: false,
      });
      transcripts = report.cases.filter((c) => c.kind === 'transcript' && !c.skipped).length;
      if (report.summary.failed > 0) failures.push(`run ${run + 1}:\n${renderText(report)}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(transcripts).toBeGreaterThan(10);
  });
});
