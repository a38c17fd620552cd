/**
 * The generator's calls as the package exports them (`import { validate, generate } from
 * 'streamwright'`) and as the CLI makes them: data in, data out; nothing printed, nothing exited.
 */
import { compareDiagnostics, type Diagnostic } from './load/diagnostic.ts';
import { hasErrors, loadSpec, type LoadOptions } from './load/load.ts';
import { generate as emitFromSpec, type GenerateResult } from './generate.ts';
import { writeFiles, type WriteReport } from './write/write.ts';

export interface ValidateOptions {
  /** Follow `http(s)` `$ref`s (default false: a document must not make streamwright fetch URLs). */
  allowRemote?: boolean;
}

export interface ValidateResult {
  /** Every file's diagnostics, sorted by file, position, then code. */
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  /** True when no diagnostic is an error (warnings allowed). */
  ok: boolean;
}

/** Checks AsyncAPI documents with the full rule set, as `streamwright validate` does. */
export async function validate(files: string | readonly string[], options: ValidateOptions = {}): Promise<ValidateResult> {
  const diagnostics: Diagnostic[] = [];
  for (const file of typeof files === 'string' ? [files] : files) {
    diagnostics.push(...(await loadSpec(file, { allowRemote: options.allowRemote === true })).diagnostics);
  }
  diagnostics.sort(compareDiagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { diagnostics, errors, warnings: diagnostics.length - errors, ok: !hasErrors(diagnostics) };
}

export interface GenerateOptions extends Pick<LoadOptions, 'allowRemote'> {
  /** The API's name (default: the spec's file name without `.asyncapi.yaml`). */
  name?: string;
  /** Write the files into this folder (and remove stale `*.gen.*` files there); none: only return them. */
  out?: string;
  /** With `out`: write nothing, report in `written` what would change. */
  check?: boolean;
}

export interface GenerateOutput extends GenerateResult {
  /** With `out`, when the files were emitted: what was (or, with `check`, would be) written and removed. */
  written?: WriteReport;
}

/** Everything `streamwright generate` emits for one document: diagnostics, the IR, the files, and with `out` writes them. */
export async function generate(spec: string, options: GenerateOptions = {}): Promise<GenerateOutput> {
  const result = await emitFromSpec(spec, {
    ...(options.allowRemote !== undefined ? { allowRemote: options.allowRemote } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
  });
  if (options.out === undefined || result.files === undefined) return result;
  return { ...result, written: await writeFiles(options.out, result.files, { check: options.check === true }) };
}
