// `npm run bench`: every benchmark, each against a baseline measured in the same run, then one
// table. Writes only under .tmp/bench/ (the synthetic document, generated code, results.json).
// Exit 0 when every benchmark ran, whether or not targets are met (`--strict`: exit 1 on a miss);
// exit 2 when one could not run.
//
// After the table, one verdict per target of issue 14's table (PASS when every row of that
// target passed, MISS otherwise).
//
//   node bench/run.js [--runs N] [--rounds N] [--samples N] [--fanout-rounds N] [--skip generate,validate,load,fanout] [--strict]
//                     [--asyncapi-cli <@asyncapi/cli bin/run_bin>]   (a reference row; see generate-vs-modelina.js)

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAsyncapiCli, benchGenerate } from './generate-vs-modelina.js';
import { WORK, ROOT, prepareSpec, table } from './lib.js';
import { benchLoadTime } from './load-time.js';

const args = process.argv.slice(2);
const num = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const strict = args.includes('--strict');
const skip = new Set((args.includes('--skip') ? args[args.indexOf('--skip') + 1] : '').split(','));

/** Issue 14's targets: which rows each one covers (by name), as the issue words it. */
const TARGETS = [
  { target: 'generate, 500 messages, vs @asyncapi/parser + Modelina: ≥ 3×', rows: (r) => r.name.startsWith('generate') },
  {
    target: 'validate throughput, typical and one seed message per API, vs JSON.parse: ≥ 0.85',
    rows: (r) => r.name.startsWith('validate throughput') || r.name.trim().startsWith('seed message'),
  },
  { target: 'import validators for 500 messages, and for one channel: < 100 ms', rows: (r) => r.name.trim().startsWith('load ') },
  { target: 'fan-out, 100/1000 clients, WS and SSE: ≥ 0.8× raw and ≥ 3× naive', rows: (r) => r.name.startsWith('fan-out') },
  { target: 'idle memory per connection: below 7 KiB (aim)', rows: (r) => r.name.startsWith('idle memory') },
];

const started = Date.now();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`streamwright bench — ${new Date().toISOString()}`);
const loadStart = os.loadavg();
console.log(
  `node ${process.version}, ${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}; load average ${loadStart.map((x) => x.toFixed(1)).join(' ')}`,
);

const spec = prepareSpec();
console.log(
  `synthetic document: ${path.relative(ROOT, spec.file)}: ${spec.channels} channels, ${spec.messages} messages, ${spec.schemas} component schemas, ${(spec.bytes / 1024).toFixed(0)} KiB\n`,
);

const rows = [];
try {
  if (!skip.has('generate')) {
    rows.push(benchGenerate({ runs: num('--runs', 3) }));
    if (args.includes('--asyncapi-cli')) rows.push(benchAsyncapiCli({ bin: path.resolve(args[args.indexOf('--asyncapi-cli') + 1]), runs: num('--runs', 3) }));
    console.log();
  }
  if (!skip.has('validate')) {
    // In a fresh process, so the JIT sees only what it measures.
    const t = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'validate-throughput.js'), '--json', '--rounds', String(num('--rounds', 15))], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (t.status !== 0) throw new Error(`validate-throughput exited ${t.status}`);
    rows.push(...JSON.parse(t.stdout.trim().split('\n').pop()));
    console.log();
  }
  if (!skip.has('load')) {
    rows.push(...[].concat(benchLoadTime({ samples: num('--samples', 7) })));
    console.log();
  }
  if (!skip.has('fanout')) {
    // Fan-out: server and clients in processes of their own; --expose-gc for the memory figures.
    // Its progress comes on stderr, its rows as JSON on the last line of stdout.
    console.log('fan-out: 3 servers side by side per scenario, warm-up, rotating rounds');
    const f = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'bench', 'fanout.js'), '--json', '--rounds', String(num('--fanout-rounds', 5))], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (f.status !== 0) throw new Error(`fanout exited ${f.status}`);
    rows.push(...JSON.parse(f.stdout.trim().split('\n').pop()));
  }
} catch (e) {
  console.error(`\nbench failed: ${e.stack ?? e}`);
  process.exit(2);
}

console.log(
  `\n${table(
    ['benchmark', 'figure', 'baseline (same run)', 'ratio', 'target', 'result'],
    rows.map((r) => [r.name, r.figure, r.baseline, r.ratioText, r.target, r.pass === null ? 'reference' : r.pass ? 'PASS' : 'MISS']),
  )}`,
);
console.log(
  'ratios: generate = Modelina ÷ streamwright (median CPU time; wall-clock beside); validate = median over rounds of streamwright ops/s ÷ JSON.parse ops/s;',
);
console.log('fan-out = median over rounds of streamwright ÷ baseline deliveries per server CPU second (wall-clock beside, with the range over rounds)');

const verdicts = TARGETS.map(({ target, rows: covers }) => {
  const mine = rows.filter((r) => covers(r) && r.pass !== null);
  const verdict = mine.length === 0 ? 'not run' : mine.every((r) => r.pass) ? 'PASS' : 'MISS';
  const missed = mine.filter((r) => !r.pass).map((r) => `${r.name.trim()} ${r.ratioText}`);
  return { target, verdict, rows: mine.length, missed };
});
console.log(
  `\nverdict per target (issue 14)\n${table(
    ['target', 'verdict', 'rows', 'missed'],
    verdicts.map((v) => [v.target, v.verdict, v.rows, v.missed.join('; ')]),
  )}`,
);
const seconds = (Date.now() - started) / 1000;
console.log(
  `\n${rows.filter((r) => r.pass === true).length} rows met, ${rows.filter((r) => r.pass === false).length} missed, in ${seconds.toFixed(0)} s; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
writeFileSync(
  path.join(WORK, 'results.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.availableParallelism(),
      cpu,
      seconds,
      loadavg: { start: loadStart, end: os.loadavg() },
      rows,
      verdicts,
    },
    null,
    2,
  ) + '\n',
);
if (strict && rows.some((r) => r.pass === false)) process.exitCode = 1;
