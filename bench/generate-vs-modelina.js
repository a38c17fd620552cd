// Code generation time, as whole processes starting from the YAML file:
//   (a) node bin/streamwright.js generate <synthetic> --out <dir>
//   (b) node bench/modelina-models.js <synthetic> <dir>   (@asyncapi/parser + Modelina)
// Runs alternate (a, b, a, b, …) after one untimed warm-up of each, so both see the same machine
// load; the figure is the median of each, the ratio is Modelina's median over streamwright's
// (how many times faster streamwright is). Target: ≥ 3.
//
//   node bench/generate-vs-modelina.js [--runs N]

import { rmSync } from 'node:fs';
import path from 'node:path';
import { GENERATED, ROOT, SPEC, WORK, fmtMs, isMain, median, prepareSpec, runGenerate, timeProcess } from './lib.js';

const MODELINA = path.join(ROOT, 'bench', 'modelina-models.js');
export const TARGET = 3;

function runModelina() {
  const out = path.join(WORK, 'modelina');
  rmSync(out, { recursive: true, force: true });
  return timeProcess(process.execPath, [MODELINA, SPEC, out]);
}

export function benchGenerate({ runs = 3, log = console.log } = {}) {
  log(`generate vs Modelina: 1 warm-up + ${runs} timed runs each, alternating`);
  runGenerate();
  runModelina();
  const sw = [];
  const mo = [];
  for (let i = 0; i < runs; i++) {
    sw.push(runGenerate().ms);
    mo.push(runModelina().ms);
    log(`  run ${i + 1}: streamwright ${fmtMs(sw[i])}, modelina ${fmtMs(mo[i])}`);
  }
  // The last streamwright run leaves its output in GENERATED for the other benchmarks.
  const swMedian = median(sw);
  const moMedian = median(mo);
  const ratio = moMedian / swMedian;
  return {
    name: 'generate (500 messages)',
    figure: fmtMs(swMedian),
    baseline: `${fmtMs(moMedian)} Modelina`,
    ratio,
    ratioText: `${ratio.toFixed(2)}× speed-up`,
    target: `≥ ${TARGET}× speed-up`,
    pass: ratio >= TARGET,
    raw: { streamwrightMs: sw, modelinaMs: mo, generated: GENERATED },
  };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 3;
  prepareSpec();
  const r = benchGenerate({ runs });
  console.log(`${r.name}: streamwright ${r.figure}, ${r.baseline}; ${r.ratioText} (target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`);
}
