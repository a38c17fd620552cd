/**
 * Running `streamwright <args>` from a test, two ways:
 * - `runCli`: in this process, through `main` (cli/main.ts, the sources) with captured streams.
 *   A process adds nothing to most command tests and costs a Node start and a cold import of the
 *   parser and the generator per case.
 * - `runBin`: `node bin/streamwright.js` in a process of its own (dist/), for what only a process
 *   shows: the exit status, the bin's wiring, an uncaught error's stack on stderr.
 * Both give `{ code, stdout, stderr }`, so a test can switch between them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = path.resolve('bin/streamwright.js');

// The working directory is per process: in-process runs with a `cwd` take turns.
let turn: Promise<unknown> = Promise.resolve();

/** `streamwright <args>` in this process, as if started in `cwd` (default: the project). */
export function runCli(args: string[], cwd?: string): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
    const home = process.cwd();
    if (cwd !== undefined) process.chdir(cwd);
    try {
      const code = await main(args, io);
      return { code, stdout, stderr };
    } finally {
      process.chdir(home);
    }
  };
  const result = turn.then(run, run);
  turn = result.catch(() => undefined);
  return result;
}

/** `node bin/streamwright.js <args>` in a process of its own, started in `cwd` (default: the project). */
export async function runBin(args: string[], cwd?: string): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
