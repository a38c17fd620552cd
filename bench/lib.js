// Shared by the benchmarks: where things go, the synthetic document and its generated code,
// timing whole processes, medians and the result rows.

import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSyntheticSpec } from './synthetic-spec.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Everything the benchmarks write lives here (.tmp/ is gitignored). */
export const WORK = path.join(ROOT, '.tmp', 'bench');
export const SPEC = path.join(WORK, 'synthetic.asyncapi.yaml');
/** Where the benchmarks' generated code for the synthetic document is kept between steps. */
export const GENERATED = path.join(WORK, 'generated');
export const CLI = path.join(ROOT, 'bin', 'streamwright.js');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Writes the synthetic document (deterministic, so rewriting it is harmless) and returns its stats. */
export function prepareSpec() {
  return writeSyntheticSpec(SPEC);
}

/**
 * Runs a command to completion and returns its wall-clock time in ms; throws, with its output,
 * if it fails.
 */
export function timeProcess(cmd, args, { cwd = ROOT } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** `streamwright generate` of the synthetic document into `out` (emptied first, so every file is written). */
export function runGenerate(out = GENERATED) {
  rmSync(out, { recursive: true, force: true });
  return timeProcess(process.execPath, [CLI, 'generate', SPEC, '--out', out]);
}

/** The build writes its stamp only when an input changed: a newer stamp means a newer generator. */
const BUILD_STAMP = path.join(ROOT, 'dist', '.build-stamp');

/** Makes sure the synthetic document and its generated validators exist and are current. */
export function ensureGenerated() {
  if (!existsSync(SPEC)) prepareSpec();
  const validators = path.join(GENERATED, 'validators.gen.js');
  const newest = Math.max(statSync(SPEC).mtimeMs, existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0);
  if (!existsSync(validators) || statSync(validators).mtimeMs < newest) runGenerate();
  return validators;
}

export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtOps(ops) {
  return ops >= 1e6 ? `${(ops / 1e6).toFixed(2)} M ops/s` : `${(ops / 1e3).toFixed(0)} k ops/s`;
}

/** A plain text table: columns padded to their widest cell. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** Whether this module was run as the main script. */
export function isMain(url) {
  return process.argv[1] !== undefined && url === pathToFileURL(path.resolve(process.argv[1])).href;
}
