// Start-up cost of the generated validators of the 500-message document: each sample is a fresh
// Node process that measures, with performance.now() around it, `await import(validators.gen.js)`
// (every channel module and the shared one; Node's own start-up excluded), and the same for one
// channel's module alone (`validators/<Channel>.gen.js`, the largest; what the generated client
// imports on a channel's first use). Figure: the median of SAMPLES processes, after one untimed
// process to warm the file cache. Target: < 100 ms, for both.
//
// Baseline, in the same run: what an application does without generated code, also in fresh
// processes and also timed inside them: import ajv and ajv-formats (full mode), add the document
// (already parsed, outside the timed part) and compile the payload schema of all 500 messages.
// The ratio is the baseline's median over the figure (how many times faster start-up is).
//
//   node bench/load-time.js [--samples N]

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { SPEC, WORK, ensureGenerated, fmtMs, isMain, median } from './lib.js';

export const TARGET_MS = 100;
const SELF = fileURLToPath(import.meta.url);

/** Runs this file as a child that prints one number: milliseconds. */
function sample(kind, file) {
  const r = spawnSync(process.execPath, [SELF, '--child', kind, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`load-time child (${kind}) exited ${r.status}\n${r.stderr}`);
  const ms = Number(r.stdout.trim().split('\n').pop());
  if (!Number.isFinite(ms)) throw new Error(`load-time child (${kind}) printed ${JSON.stringify(r.stdout)}`);
  return ms;
}

/** Returns two rows: the whole API, and one channel. */
export function benchLoadTime({ samples = 7, baselineSamples = 3, log = console.log } = {}) {
  const validators = ensureGenerated();
  const folder = path.join(path.dirname(validators), 'validators');
  const modules = readdirSync(folder).filter((f) => f.endsWith('.gen.js'));
  const size = (f) => statSync(path.join(folder, f)).size;
  const bytes = modules.reduce((n, f) => n + size(f), readFileSync(validators).length);
  // The largest channel module (with the shared one it imports): the worst single channel.
  const channel = modules.filter((f) => f !== 'shared.gen.js').sort((a, b) => size(b) - size(a) || a.localeCompare(b))[0];
  const channelFile = path.join(folder, channel);
  const channelBytes = size(channel) + size('shared.gen.js');
  const json = path.join(WORK, 'synthetic.asyncapi.json');
  writeFileSync(json, JSON.stringify(YAML.parse(readFileSync(SPEC, 'utf8'))));
  log(
    `load time: ${samples} fresh processes importing validators.gen.js (${modules.length} modules, ${(bytes / 1e6).toFixed(2)} MB) and as many importing ${channel} alone (+ shared: ${(channelBytes / 1e3).toFixed(0)} kB), ${baselineSamples} compiling with ajv`,
  );
  sample('generated', validators);
  const gen = [];
  const one = [];
  for (let i = 0; i < samples; i++) {
    gen.push(sample('generated', validators));
    one.push(sample('generated', channelFile));
  }
  sample('ajv', json);
  const base = Array.from({ length: baselineSamples }, () => sample('ajv', json));
  log(`  import all: ${gen.map(fmtMs).join(', ')}`);
  log(`  import one channel: ${one.map(fmtMs).join(', ')}`);
  log(`  ajv compile: ${base.map(fmtMs).join(', ')}`);
  const figure = median(gen);
  const channelFigure = median(one);
  const baseline = median(base);
  const ratio = baseline / figure;
  return [
    {
      name: 'load validators (500 messages)',
      figure: fmtMs(figure),
      baseline: `${fmtMs(baseline)} ajv compile`,
      ratio,
      ratioText: `${ratio.toFixed(1)}× speed-up`,
      target: `< ${TARGET_MS} ms`,
      pass: figure < TARGET_MS,
      raw: { importMs: gen, ajvCompileMs: base, bytes, modules: modules.length },
    },
    {
      name: `  load one channel (${channel})`,
      figure: fmtMs(channelFigure),
      baseline: `${fmtMs(baseline)} ajv compile`,
      ratio: baseline / channelFigure,
      ratioText: `${(baseline / channelFigure).toFixed(1)}× speed-up`,
      target: `< ${TARGET_MS} ms`,
      pass: channelFigure < TARGET_MS,
      raw: { importMs: one, bytes: channelBytes, module: channel },
    },
  ];
}

async function child(kind, file) {
  if (kind === 'generated') {
    const url = pathToFileURL(file).href;
    const t0 = performance.now();
    const mod = await import(url);
    const ms = performance.now() - t0;
    if (Object.keys(mod).length === 0) throw new Error('no exports');
    return ms;
  }
  // Baseline: everything an application would do at start-up without generated validators,
  // except reading and parsing the document.
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const { register } = await import('tsx/esm/api');
  register();
  const { AJV_OPTIONS } = await import('../generator/src/contract/index.ts');
  const t0 = performance.now();
  const { Ajv } = await import('ajv');
  const addFormats = (await import('ajv-formats')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS });
  addFormats(ajv, { mode: 'full' });
  ajv.addSchema(doc, 'https://bench.invalid/doc.json', undefined, false);
  let n = 0;
  for (const name of Object.keys(doc.components.messages)) {
    ajv.compile({ $ref: `https://bench.invalid/doc.json#/components/messages/${name}/payload` });
    n++;
  }
  const ms = performance.now() - t0;
  if (n !== 500) process.stderr.write(`note: ${n} messages compiled\n`);
  return ms;
}

if (process.argv[2] === '--child') {
  console.log(await child(process.argv[3], process.argv[4]));
} else if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--samples');
  const loadStart = os.loadavg();
  console.log(`node ${process.version}, ${os.availableParallelism()} CPUs; load average ${loadStart.map((x) => x.toFixed(1)).join(' ')}`);
  const rows = benchLoadTime({ samples: i > 0 ? Number(process.argv[i + 1]) : 7 });
  // One verdict per row, worded as bench/run.js words them (PASS / MISS against the target).
  for (const r of rows) console.log(`${r.name.trim()}: ${r.figure} vs ${r.baseline}: ${r.ratioText} (target ${r.target}) ${r.pass ? 'PASS' : 'MISS'}`);
  console.log(
    `verdict (import validators for 500 messages: < ${TARGET_MS} ms): ${rows.every((r) => r.pass) ? 'PASS' : 'MISS'}; load average at the end ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}
