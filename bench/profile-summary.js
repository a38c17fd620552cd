// Where a `node --cpu-prof` profile spent its time: self time per function, and the total
// (self + callees) of every function, the top N of each. For the profiles BENCHMARKS.md quotes.
//
//   node bench/profile-summary.js <file.cpuprofile> [--top N] [--filter substring]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, isMain, table } from './lib.js';

export function summarize(profile, { top = 25, filter } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const name = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${path.relative(ROOT, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const selfBy = new Map();
  const totalBy = new Map();
  let all = 0;
  for (const [id, us] of self) {
    all += us;
    const n = byId.get(id);
    selfBy.set(name(n), (selfBy.get(name(n)) ?? 0) + us);
    // Each function on the stack once, however often it recurs.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = name(byId.get(at));
      if (seen.has(k)) continue;
      seen.add(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + us);
    }
  }
  const pick = (m) =>
    [...m]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, `${(us / 1000).toFixed(0)} ms`, `${((100 * us) / all).toFixed(1)} %`]);
  return { all, self: pick(selfBy), total: pick(totalBy) };
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const s = summarize(JSON.parse(readFileSync(args[0], 'utf8')), { top: Number(value('--top') ?? 25), filter: value('--filter') });
  console.log(
    `${(s.all / 1000).toFixed(0)} ms sampled\n\nself time\n${table(['function', 'ms', 'share'], s.self)}\n\ntotal time (self + callees)\n${table(['function', 'ms', 'share'], s.total)}`,
  );
}
