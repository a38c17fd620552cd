import path from 'node:path';
import { emitMetadata } from './emit/metadata/index.ts';
import { emitModels } from './emit/models/index.ts';
import { emitServer } from './emit/server/index.ts';
import type { EmittedFile } from './emit/types.ts';
import { emitValidators } from './emit/validators/index.ts';
import { buildIR } from './ir/build/index.ts';
import type { ApiIR } from './ir/types.ts';
import type { Diagnostic } from './load/diagnostic.ts';
import { hasErrors, loadSpec, type LoadOptions } from './load/load.ts';

export interface GenerateResult {
  diagnostics: Diagnostic[];
  /** Present when the document loaded without errors. */
  ir?: ApiIR;
  files?: EmittedFile[];
}

/** Every artifact for one API, in a fixed order. Pure: IR in, files out. */
export function emitAll(ir: ApiIR): EmittedFile[] {
  return [emitModels(ir), ...emitValidators(ir), emitMetadata(ir), emitServer(ir)];
}

/** The API name used when none is configured: the file name without `.asyncapi.yaml` and the like. */
export function defaultApiName(spec: string): string {
  return path.basename(spec).replace(/(\.asyncapi)?\.(ya?ml|json)$/i, '');
}

/** Loads, checks, builds the IR and emits every artifact; touches no file but the spec. */
export async function generate(spec: string, options: LoadOptions & { name?: string } = {}): Promise<GenerateResult> {
  const loaded = await loadSpec(spec, { rules: 'schema', ...options });
  if (hasErrors(loaded.diagnostics) || loaded.document === undefined) return { diagnostics: loaded.diagnostics };
  const name = options.name ?? defaultApiName(spec);
  let ir: ApiIR;
  try {
    ir = buildIR(loaded.document, name);
  } catch (e) {
    const diagnostic: Diagnostic = {
      code: 'sw/generate-unsupported',
      severity: 'error',
      message: (e as Error).message,
      file: spec,
      line: 1,
      column: 1,
      pointer: '#',
    };
    return { diagnostics: [...loaded.diagnostics, diagnostic] };
  }
  return { diagnostics: loaded.diagnostics, ir, files: emitAll(ir) };
}
