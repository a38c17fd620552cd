import path from 'node:path';
import { emitClient } from './emit/client/index.ts';
import { emitDocs } from './emit/docs/index.ts';
import { emitMetadata } from './emit/metadata/index.ts';
import { emitModels } from './emit/models/index.ts';
import { emitServer } from './emit/server/index.ts';
import type { EmittedFile } from './emit/types.ts';
import { compilePayloads, emitValidators, type CompiledPayloads } from './emit/validators/index.ts';
import { normalizeAjvErrors } from './validate/ajv.ts';
import { parsePointer, toPointer, type PathSegment } from './load/pointer.ts';
import { buildIR } from './ir/build/index.ts';
import type { ApiIR } from './ir/types.ts';
import { compareDiagnostics, type Diagnostic } from './load/diagnostic.ts';
import { EXAMPLE_BUDGET_MS, hasErrors, loadSpec, type LoadOptions } from './load/load.ts';

export interface GenerateResult {
  diagnostics: Diagnostic[];
  /** Present when the document loaded without errors. */
  ir?: ApiIR;
  files?: EmittedFile[];
}

/** Every artifact for one API, in a fixed order. Pure: IR in, files out. */
export function emitAll(ir: ApiIR, compiled: CompiledPayloads = compilePayloads(ir)): EmittedFile[] {
  return [emitModels(ir), ...emitValidators(ir, compiled), emitMetadata(ir), emitServer(ir), emitClient(ir), emitDocs(ir)];
}

/** The API name used when none is configured: the file name without `.asyncapi.yaml` and the like. */
export function defaultApiName(spec: string): string {
  return path.basename(spec).replace(/(\.asyncapi)?\.(ya?ml|json)$/i, '');
}

/** Loads, checks, builds the IR and emits every artifact; touches no file but the spec. */
export async function generate(spec: string, options: LoadOptions & { name?: string } = {}): Promise<GenerateResult> {
  // Payload examples are checked below with the validators generation compiles anyway.
  const loaded = await loadSpec(spec, { rules: 'schema', payloadExamples: false, ...options });
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
  const compiled = compilePayloads(ir);
  const exampleDiagnostics: Diagnostic[] = [];
  const located = (code: Diagnostic['code'], message: string, path: PathSegment[]): Diagnostic => {
    return { code, severity: 'error', message, ...loaded.locate!(path) };
  };
  const budgetMs = options.exampleBudgetMs ?? EXAMPLE_BUDGET_MS;
  const deadline = performance.now() + budgetMs;
  examples: for (const m of ir.messages) {
    const validate = compiled.validatorOf(m);
    for (const [i, example] of m.examples.entries()) {
      const at = [...parsePointer(m.pointer), 'examples', i, 'payload'];
      if (performance.now() > deadline) {
        exampleDiagnostics.push(located('sw/example-budget', `example checks stopped here after their ${budgetMs} ms budget (a slow pattern?); this and later examples were not checked`, at));
        break examples;
      }
      if (validate(example.payload)) continue;
      for (const error of normalizeAjvErrors(validate.errors)) {
        exampleDiagnostics.push(located('sw/example-invalid', `example ${example.name ? `"${example.name}"` : `#${i}`}: ${error.pointer || '(root)'} ${error.message}`, [...at, ...parsePointer(error.pointer)]));
      }
    }
  }
  if (exampleDiagnostics.length > 0) return { diagnostics: [...loaded.diagnostics, ...exampleDiagnostics].sort(compareDiagnostics) };
  return { diagnostics: loaded.diagnostics, ir, files: emitAll(ir, compiled) };
}
