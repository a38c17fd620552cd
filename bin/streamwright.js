#!/usr/bin/env node
// The sources are TypeScript; tsx compiles them on load so there is no build step between
// editing the generator and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../generator/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
