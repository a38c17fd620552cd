/**
 * `npm run stress`: the recorded suite of the four seed APIs, run by conformance/README.md's own
 * commands, several times in a row against one long-running `serve`, while CPU hogs keep every
 * core busy. Each run starts the four README `conform` commands at once, each its own process,
 * and times them; a run passes when all four exit 0. Prints one line per API per run and a
 * summary; exits 1 when any run failed (or, without hogs, an API's suite took 60 s or more).
 *
 *   node conformance/scripts/stress-suite.js [--runs 10] [--hogs <n>] [--time-scale <x>] [--one-at-a-time] [--api <name>] [--json]
 *
 * --time-scale overrides the README's serve line (the conform lines follow it through the JSON);
 * --hogs defaults to the number of cores (at least 2). The hogs are child processes that spin and
 * stop by themselves once the longest the runs may take has passed, whatever happens to this one.
 * --one-at-a-time runs the four commands of a run in turn, as QA types them. --api runs only that
 * API's command (e.g. `--api agnt5`), against the same serve.
 * Needs dist/ (`npm run stress` builds it when stale).
 *
 * Verdicts decide the exit code; the 60 s budget per API applies only without hogs
 * (`--hogs 0 --runs 1 --one-at-a-time` is the measurement "each suite in under a minute against
 * serve"), since hogs that take every core slow the replays' own work, not only the server's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/streamwright.js');
/** An API's suite must finish within this, by the README's commands (issue 17). */
const BUDGET_MS = 60_000;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    hogs: { type: 'string' },
    'time-scale': { type: 'string' },
    'one-at-a-time': { type: 'boolean', default: false },
    api: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const hogCount = values.hogs !== undefined ? Number(values.hogs) : Math.max(2, availableParallelism());
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(hogCount) || hogCount < 0) {
  process.stderr.write('stress-suite: --runs must be an integer ≥ 1 and --hogs an integer ≥ 0\n');
  process.exit(2);
}

/** The README's block: one serve line, then one conform line per API (test/cli/readme-commands.test.ts checks its shape). */
function readmeCommands() {
  const readme = readFileSync(path.join(ROOT, 'conformance/README.md'), 'utf8');
  const block = /\*\*The recorded suite against the reference servers\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const lines = block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
  const words = (line) =>
    line
      .replace(/\s*>.*$/, '')
      .replace(/\s*&$/, '')
      .split(/\s+/)
      .slice(2);
  return {
    serve: words(lines[0] ?? ''),
    conform: lines.slice(1).map((l) => ({ api: /--spec spec\/([\w-]+)\.asyncapi\.yaml/.exec(l)?.[1] ?? l, argv: words(l) })),
  };
}

function startServe(argv) {
  const args = [...argv];
  args[args.indexOf('--port-base') + 1] = '0';
  if (values['time-scale'] !== undefined) {
    const at = args.indexOf('--time-scale');
    if (at >= 0) args[at + 1] = values['time-scale'];
    else args.push('--time-scale', values['time-scale']);
  }
  const child = spawn(process.execPath, [BIN, ...args, '--no-console'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let printed = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      printed += chunk;
      if (printed.split('\n').filter((l) => l.startsWith('{')).length >= 4) resolve(printed);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its four servers`)));
  });
  return { child, ready };
}

/** Spins until `untilMs` (an epoch time), checking the clock between bursts so it stops by itself. */
function startHogs(n, untilMs) {
  const burn = `const end = ${untilMs}; while (Date.now() < end) { for (let i = 0; i < 1e6; i++); }`;
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
}

function run(argv, serveFile) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...argv.map((w) => (w === 'serve.jsonl' ? serveFile : w))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    conformChildren.add(child);
    let text = '';
    child.stdout.on('data', (c) => (text += String(c)));
    child.stderr.on('data', (c) => (text += String(c)));
    child.once('exit', (code) => {
      conformChildren.delete(child);
      resolve({ code, ms: Date.now() - started, text });
    });
  });
}

const { serve, conform: all } = readmeCommands();
if (all.length !== 4) {
  process.stderr.write(`stress-suite: expected four conform lines in conformance/README.md, found ${all.length}\n`);
  process.exit(2);
}
const conform = values.api === undefined ? all : all.filter((c) => c.api === values.api);
if (conform.length === 0) {
  process.stderr.write(`stress-suite: --api must be one of ${all.map((c) => c.api).join(', ')}\n`);
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), 'sw-stress-'));
const serveFile = path.join(dir, 'serve.jsonl');
const server = startServe(serve);
const out = (line) => process.stdout.write(line + '\n');
let hogs = [];
const results = [];
const conformChildren = new Set();
// Interrupted: stop what this script started (the hogs would stop by themselves, serve would not).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const c of [...hogs, ...conformChildren, server.child]) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(130);
  });
}
try {
  const printed = await server.ready;
  writeFileSync(serveFile, printed);
  const timeScale = JSON.parse(printed.split('\n').find((l) => l.startsWith('{'))).timeScale;
  // Each run is bounded by the slowest API's budget (twice over, for a loaded machine).
  hogs = startHogs(hogCount, Date.now() + runs * BUDGET_MS * (values['one-at-a-time'] ? 4 : 2));
  await Promise.all(hogs.map((h) => new Promise((resolve, reject) => (h.pid !== undefined ? resolve() : h.once('spawn', resolve).once('error', reject)))));
  if (!values.json)
    out(`recorded suite × ${runs}, time scale ${timeScale}, ${hogCount} CPU hog(s) on ${availableParallelism()} core(s), one serve for every run`);
  for (let r = 1; r <= runs; r++) {
    const busy = hogs.filter((h) => h.exitCode === null).length;
    const one = async (c) => ({ run: r, api: c.api, hogs: busy, ...(await run(c.argv, serveFile)) });
    const got = [];
    if (values['one-at-a-time']) for (const c of conform) got.push(await one(c));
    else got.push(...(await Promise.all(conform.map(one))));
    for (const g of got) {
      results.push(g);
      const summary = /\d+ cases: [^\n]*/.exec(g.text)?.[0] ?? '(no summary)';
      if (!values.json)
        out(
          `run ${String(r).padStart(2)}  ${g.api.padEnd(22)} ${g.code === 0 ? 'pass' : `FAIL (exit ${g.code})`}  ${(g.ms / 1000).toFixed(1).padStart(5)} s  ${summary}${g.hogs < hogCount ? `  (${g.hogs} of ${hogCount} hogs still running)` : ''}`,
        );
      if (g.code !== 0 && !values.json)
        out(
          g.text
            .split('\n')
            .filter((l) => !l.startsWith('PASS'))
            .join('\n'),
        );
    }
  }
} finally {
  for (const h of hogs) if (h.exitCode === null) h.kill('SIGKILL');
  server.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

const byApi = conform.map((c) => {
  const mine = results.filter((x) => x.api === c.api);
  const ms = mine.map((x) => x.ms).sort((a, b) => a - b);
  return { api: c.api, passed: mine.filter((x) => x.code === 0).length, runs: mine.length, medianMs: ms[Math.floor(ms.length / 2)], maxMs: ms[ms.length - 1] };
});
const runsPassed = Array.from({ length: runs }, (_, i) => results.filter((x) => x.run === i + 1).every((x) => x.code === 0)).filter(Boolean).length;
const inBudget = byApi.every((a) => a.maxMs < BUDGET_MS);
const ok = runsPassed === runs && (hogCount > 0 || inBudget);
if (values.json) out(JSON.stringify({ runs, runsPassed, hogs: hogCount, oneAtATime: values['one-at-a-time'], apis: byApi, ok }));
else {
  out(`\n${runsPassed}/${runs} runs passed (every API's suite)${hogCount > 0 ? '; times under the hogs, not held to the 60 s budget' : ''}`);
  for (const a of byApi)
    out(
      `  ${a.api.padEnd(22)} ${a.passed}/${a.runs} passed, median ${(a.medianMs / 1000).toFixed(1)} s, slowest ${(a.maxMs / 1000).toFixed(1)} s${a.maxMs >= BUDGET_MS ? '  (over the 60 s budget)' : ''}`,
    );
}
process.exitCode = ok ? 0 : 1;
