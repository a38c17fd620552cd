// Vitest global setup: the tests that run `bin/streamwright.js` (and the package test) run dist/,
// so dist/ is rebuilt first whenever the sources changed since the last build.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const result = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('`node scripts/build.js --if-stale` failed; the tests would run a stale dist/');
}
