// `npm run bench`: every benchmark, each against a baseline measured in the same run, then one
// table. Writes only under .tmp/bench/ (the synthetic document, generated code, results.json).
// Exit 0 when every benchmark ran, whether or not targets are met (`--strict`: exit 1 on a miss);
// exit 2 when one could not run.
//
//   node bench/run.js [--runs N] [--rounds N] [--samples N] [--strict]

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchGenerate } from './generate-vs-modelina.js';
import { WORK, ROOT, prepareSpec, table } from './lib.js';
import { benchLoadTime } from './load-time.js';

const args = process.argv.slice(2);
const num = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const strict = args.includes('--strict');

const started = Date.now();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`streamwright bench — ${new Date().toISOString()}`);
console.log(`node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`);

const spec = prepareSpec();
console.log(`synthetic document: ${path.relative(ROOT, spec.file)}: ${spec.channels} channels, ${spec.messages} messages, ${spec.schemas} component schemas, ${(spec.bytes / 1024).toFixed(0)} KiB\n`);

const rows = [];
try {
  rows.push(benchGenerate({ runs: num('--runs', 3) }));
  console.log();
  // In a fresh process, so the JIT sees only what it measures.
  const t = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'validate-throughput.js'), '--json', '--rounds', String(num('--rounds', 15))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (t.status !== 0) throw new Error(`validate-throughput exited ${t.status}`);
  rows.push(...JSON.parse(t.stdout.trim().split('\n').pop()));
  console.log();
  rows.push(...[].concat(benchLoadTime({ samples: num('--samples', 7) })));
  console.log();
  // Fan-out (issue 4): server and clients in processes of their own; --expose-gc for the memory figures.
  const f = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'bench', 'fanout.js'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (f.status !== 0) throw new Error(`fanout exited ${f.status}`);
  rows.push(...JSON.parse(f.stdout.trim().split('\n').pop()));
} catch (e) {
  console.error(`\nbench failed: ${e.stack ?? e}`);
  process.exit(2);
}

console.log(`\n${table(
  ['benchmark', 'figure', 'baseline (same run)', 'ratio', 'target', 'result'],
  rows.map((r) => [r.name, r.figure, r.baseline, r.ratioText, r.target, r.pass === null ? 'reference' : r.pass ? 'PASS' : 'MISS']),
)}`);
console.log('speed-up = baseline time ÷ streamwright time (medians); × of JSON.parse = median over rounds of streamwright ops/s ÷ JSON.parse ops/s');
const seconds = (Date.now() - started) / 1000;
console.log(`\n${rows.filter((r) => r.pass === true).length} met, ${rows.filter((r) => r.pass === false).length} missed, in ${seconds.toFixed(0)} s`);
writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.availableParallelism(), cpu, seconds, rows }, null, 2) + '\n');
if (strict && rows.some((r) => r.pass === false)) process.exitCode = 1;
