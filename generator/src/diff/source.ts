import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadContract } from '../contract/index.ts';
import type { ApiIR } from '../ir/types.ts';
import type { Diagnostic } from '../load/diagnostic.ts';

export interface LoadedIR {
  diagnostics: Diagnostic[];
  ir?: ApiIR;
}

/** `git:<rev>:<path>` names a file as committed at `<rev>`, read with `git show`. */
const GIT_REF = /^git:([^:]+):(.+)$/;

/**
 * Loads a document for `diff`: a file, or `git:<rev>:<path>` (path relative to the repository
 * root, read with `git show`, so the working tree is not touched). Never throws for a bad input.
 */
export async function loadIRForDiff(ref: string, options: { cwd?: string } = {}): Promise<LoadedIR> {
  const git = GIT_REF.exec(ref);
  if (!git) return loadIR(ref);
  const [, rev, file] = git as unknown as [string, string, string];
  let text: string;
  try {
    // `--` would end options; a rev starting with `-` is refused outright instead of trusted.
    if (rev.startsWith('-')) throw new Error(`bad revision ${rev}`);
    text = (await promisify(execFile)('git', ['show', `${rev}:${file}`], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })).stdout;
  } catch (e) {
    const message = ((e as { stderr?: string }).stderr || (e as Error).message).trim();
    return {
      diagnostics: [{ code: 'sw/file-unreadable', severity: 'error', message: `cannot read ${ref}: ${message}`, file: ref, line: 1, column: 1, pointer: '#' }],
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'streamwright-diff-'));
  try {
    const temp = path.join(dir, path.basename(file));
    await writeFile(temp, text);
    const loaded = await loadIR(temp);
    // Diagnostics name what the user typed, not the temporary copy.
    return { ...loaded, diagnostics: loaded.diagnostics.map((d) => ({ ...d, file: ref })) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadIR(file: string): Promise<LoadedIR> {
  const loaded = await loadContract(file, { payloadExamples: false });
  return loaded.ok ? { diagnostics: loaded.diagnostics, ir: loaded.contract.ir } : { diagnostics: loaded.diagnostics };
}
