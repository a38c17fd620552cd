// `npm run fuzz`: the reliability figures of RELIABILITY.md. Never part of `npm test`; talks only
// to 127.0.0.1 (servers on ephemeral ports, in a process of their own), stops by itself, and is
// seeded, so a run can be repeated. Writes only under .tmp/reliability/ (logs, results.json).
// Exit 1 when a check fails.
//
//   npm run fuzz [-- --only fuzz,stall,sse,jwt] [--frames N] [--clients N] [--reconnects N] [--seed N]

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WS_APIS, fuzzApi } from './fuzz.js';
import { jwtAttacks } from './jwt.js';
import { WORK, machine } from './lib.js';
import { allReconnects } from './sse-reconnect.js';
import { stall, stallSummary } from './stall.js';

const args = process.argv.slice(2);
const num = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1].split(',')) : new Set(['fuzz', 'stall', 'sse', 'jwt']);
const seed = num('--seed', 1);
const started = Date.now();
const results = { date: new Date().toISOString(), machine: machine(), seed, command: `npm run fuzz${args.length ? ` -- ${args.join(' ')}` : ''}` };
console.log(`streamwright reliability — ${results.date}\n${results.machine}\nseed ${seed}\n`);
const verdict = (pass) => (pass ? 'PASS' : 'FAIL');

if (only.has('fuzz')) {
  results.fuzz = [];
  for (const api of WS_APIS) {
    const r = await fuzzApi(api, { frames: num('--frames', 100_000), seed, log: path.join(WORK, `fuzz-${api}.log`) });
    results.fuzz.push(r);
    const answers = Object.entries(r.answers)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const closes = Object.entries(r.closes)
      .map(([k, n]) => `close ${k} ${n}`)
      .join(', ');
    console.log(
      `fuzz ${api}: ${r.frames} frames in ${r.seconds.toFixed(0)} s; answers: ${answers}; ${closes}; wrong answers ${r.mismatches}, crashes ${r.crashes}, error-level log records ${r.errorRecords}${r.firstMessage ? `; first-message auth ${r.firstMessage.ok}/${r.firstMessage.frames}` : ''} — ${verdict(r.pass)}`,
    );
    if (r.failure) console.log(`  ${r.failure}`);
    for (const e of r.examples) console.log(`  ${JSON.stringify(e)}`);
  }
}
if (only.has('stall')) {
  const r = await stall({ clients: num('--clients', 1000), seed, log: path.join(WORK, 'stall.log') });
  results.stall = r;
  console.log(`\nstall: ${stallSummary(r)} — ${verdict(r.pass)}`);
  if (r.failure) console.log(`  ${r.failure}`);
}
if (only.has('sse')) {
  results.sse = await allReconnects({ count: num('--reconnects', 100), seed });
  for (const r of results.sse) {
    console.log(
      `\nsse ${r.api} ${r.channel}: ${r.reconnects} forced reconnects with Last-Event-ID, ${r.events} stream events checked (${r.resumedNonEmpty} resumes replayed something), lost ${r.lost}, duplicated ${r.duplicated}, out of order ${r.outOfOrder}, data differing ${r.dataMismatches} — ${verdict(r.pass)}`,
    );
    if (r.failure) console.log(`  ${r.failure}`);
  }
}
if (only.has('jwt')) {
  const r = await jwtAttacks({ seed });
  results.jwt = r;
  console.log(
    `\ncredentials: ${r.refused}/${r.attacks} attacks refused as the contract says, ${r.controlsAccepted}/${r.controls} valid credentials accepted, on ${r.endpoints} endpoint × scheme pairs; ${r.leaks?.length} of ${r.credentialsChecked} credentials found in ${r.logLines} log lines — ${verdict(r.pass)}`,
  );
  for (const f of r.failures ?? []) console.log(`  FAIL ${f.endpoint} [${f.scheme}] ${f.attack}: want ${f.want}, got ${f.got}`);
  if (r.failure) console.log(`  ${r.failure}`);
}

results.seconds = (Date.now() - started) / 1000;
const all = [...(results.fuzz ?? []), results.stall, ...(results.sse ?? []), results.jwt].filter(Boolean);
results.pass = all.every((r) => r.pass);
writeFileSync(path.join(WORK, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\n${all.filter((r) => r.pass).length}/${all.length} passed in ${results.seconds.toFixed(0)} s (details: .tmp/reliability/results.json)`);
if (!results.pass) process.exitCode = 1;
