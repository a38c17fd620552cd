#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`); no TypeScript loader at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  // Only a source checkout gets here: the published package always carries dist/.
  process.stderr.write('streamwright: dist/ is missing; run `npm run build` (or `npm ci`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
