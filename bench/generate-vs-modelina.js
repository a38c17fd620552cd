// Code generation time, as whole processes starting from the YAML file:
//   (a) node bin/streamwright.js generate <synthetic> --out <dir>
//   (b) node bench/modelina-models.js <synthetic> <dir>   (@asyncapi/parser + Modelina)
// Runs alternate (a, b, a, b, …) after one untimed warm-up of each, so both see the same machine
// load. Each run is timed by the wall clock and by its CPU time (user + system of the whole
// process, every thread; bench/cpu-report.js); the ratios are Modelina's median over
// streamwright's (how many times faster streamwright is). The verdict is on CPU time: other
// sessions' load stretches wall-clock by their share of the two cores, not by what a process does.
// Target: ≥ 3.
//
// With --asyncapi-cli <path to @asyncapi/cli's bin/run_bin> (installed by hand in a folder of
// your choice: it is not a dependency, 1.5 GB), `asyncapi generate models typescript` on the same
// document is timed the same way, as a reference (its first, cold run is reported apart).
//
//   node bench/generate-vs-modelina.js [--runs N] [--asyncapi-cli PATH]

import { rmSync } from 'node:fs';
import path from 'node:path';
import { CLI, GENERATED, ROOT, SPEC, WORK, fmtMs, isMain, median, prepareSpec, timeProcess } from './lib.js';

const MODELINA = path.join(ROOT, 'bench', 'modelina-models.js');
const CPU_REPORT = path.join(ROOT, 'bench', 'cpu-report.js');
export const TARGET = 3;

/** Wall-clock and CPU time of one node process running `args`. */
function timeNode(args) {
  const r = timeProcess(process.execPath, ['--import', CPU_REPORT, ...args]);
  const cpu = /\[cpu-us (\d+)\]\s*$/.exec(r.stderr);
  if (!cpu) throw new Error(`no CPU time reported by node ${args.join(' ')}`);
  return { ms: r.ms, cpuMs: Number(cpu[1]) / 1000 };
}

function runStreamwright() {
  rmSync(GENERATED, { recursive: true, force: true });
  return timeNode([CLI, 'generate', SPEC, '--out', GENERATED]);
}

function runModelina() {
  const out = path.join(WORK, 'modelina');
  rmSync(out, { recursive: true, force: true });
  return timeNode([MODELINA, SPEC, out]);
}

function runAsyncapiCli(bin) {
  const out = path.join(WORK, 'asyncapi-cli');
  rmSync(out, { recursive: true, force: true });
  return timeNode([bin, 'generate', 'models', 'typescript', SPEC, '--output', out, '--no-interactive']);
}

/**
 * streamwright's generate against another generator's process (`other`), alternating after one
 * untimed run of each (the other's is reported as its cold run); ratios of the medians, CPU time
 * first. The last streamwright run leaves its output in GENERATED for the other benchmarks.
 */
function compare({ label, other, runs, log }) {
  const cold = other();
  runStreamwright();
  const sw = [];
  const them = [];
  for (let i = 0; i < runs; i++) {
    sw.push(runStreamwright());
    them.push(other());
    log(`  run ${i + 1}: streamwright ${fmtMs(sw[i].ms)} (CPU ${fmtMs(sw[i].cpuMs)}), ${label} ${fmtMs(them[i].ms)} (CPU ${fmtMs(them[i].cpuMs)})`);
  }
  const m = (xs, key) => median(xs.map((x) => x[key]));
  const ratio = m(them, 'cpuMs') / m(sw, 'cpuMs');
  return {
    figure: `CPU ${fmtMs(m(sw, 'cpuMs'))}, wall ${fmtMs(m(sw, 'ms'))}`,
    baseline: `CPU ${fmtMs(m(them, 'cpuMs'))}, wall ${fmtMs(m(them, 'ms'))}`,
    ratio,
    ratioText: `${ratio.toFixed(2)}× CPU; wall ${(m(them, 'ms') / m(sw, 'ms')).toFixed(2)}×`,
    sw,
    them,
    cold,
  };
}

/** streamwright generate vs the AsyncAPI CLI's `generate models typescript` (a reference row, no target). */
export function benchAsyncapiCli({ bin, runs = 3, log = console.log }) {
  log(`generate vs AsyncAPI CLI (${bin}): 1 cold run + ${runs} timed runs each, alternating`);
  const r = compare({ label: 'asyncapi CLI', other: () => runAsyncapiCli(bin), runs, log });
  return {
    name: '  reference: generate vs AsyncAPI CLI generate models',
    figure: r.figure,
    baseline: `${r.baseline} (cold ${fmtMs(r.cold.ms)})`,
    ratio: r.ratio,
    ratioText: r.ratioText,
    target: '—',
    pass: null,
    raw: { streamwright: r.sw, asyncapiCli: r.them, cold: r.cold },
  };
}

export function benchGenerate({ runs = 3, log = console.log } = {}) {
  log(`generate vs Modelina: 1 warm-up + ${runs} timed runs each, alternating`);
  const r = compare({ label: 'modelina', other: runModelina, runs, log });
  return {
    name: 'generate (500 messages) vs Modelina',
    figure: r.figure,
    baseline: r.baseline,
    ratio: r.ratio,
    ratioText: r.ratioText,
    target: `≥ ${TARGET}×`,
    pass: r.ratio >= TARGET,
    raw: { streamwright: r.sw, modelina: r.them, generated: GENERATED },
  };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 3;
  prepareSpec();
  const r = benchGenerate({ runs });
  console.log(`${r.name}: streamwright ${r.figure}, ${r.baseline}; ${r.ratioText} (target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`);
  const c = process.argv.indexOf('--asyncapi-cli');
  if (c > 0) {
    const a = benchAsyncapiCli({ bin: path.resolve(process.argv[c + 1]), runs });
    console.log(`${a.name.trim()}: streamwright ${a.figure}, ${a.baseline}; ${a.ratioText}`);
  }
}
