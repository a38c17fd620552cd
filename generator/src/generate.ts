import { emitClient } from './emit/client/index.ts';
import { emitDocs } from './emit/docs/index.ts';
import { emitMetadata } from './emit/metadata/index.ts';
import { emitModels } from './emit/models/index.ts';
import { emitServer } from './emit/server/index.ts';
import type { EmittedFile } from './emit/types.ts';
import { compilePayloads, emitValidators, type CompiledPayloads } from './emit/validators/index.ts';
import { normalizeAjvErrors } from './validate/ajv.ts';
import { parsePointer, type PathSegment } from './load/pointer.ts';
import type { ApiIR } from './ir/types.ts';
import { compareDiagnostics, type Diagnostic } from './load/diagnostic.ts';
import { EXAMPLE_BUDGET_MS } from './load/load.ts';
import { loadContract, type ContractLoadOptions } from './contract/load.ts';

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

/** Loads, checks, builds the IR and emits every artifact; touches no file but the spec. */
export async function generate(spec: string, options: ContractLoadOptions = {}): Promise<GenerateResult> {
  // Payload examples are checked below with the validators generation compiles anyway.
  const loaded = await loadContract(spec, { payloadExamples: false, ...options });
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const { ir, locate } = loaded.contract;
  const compiled = compilePayloads(ir);
  const exampleDiagnostics: Diagnostic[] = [];
  const located = (code: Diagnostic['code'], message: string, path: PathSegment[]): Diagnostic => {
    return { code, severity: 'error', message, ...locate(path) };
  };
  const budgetMs = options.exampleBudgetMs ?? EXAMPLE_BUDGET_MS;
  // The budget is for running the checks (a slow pattern), not for compiling the validators,
  // which generation needs anyway and which takes seconds for a large document on a busy machine.
  let spentMs = 0;
  examples: for (const m of ir.messages) {
    const validate = compiled.validatorOf(m);
    for (const [i, example] of m.examples.entries()) {
      const at = [...parsePointer(m.pointer), 'examples', i, 'payload'];
      if (spentMs > budgetMs) {
        exampleDiagnostics.push(
          located(
            'sw/example-budget',
            `example checks stopped here after their ${budgetMs} ms budget (a slow pattern?); this and later examples were not checked`,
            at,
          ),
        );
        break examples;
      }
      const started = performance.now();
      const valid = validate(example.payload);
      spentMs += performance.now() - started;
      if (valid) continue;
      for (const error of normalizeAjvErrors(validate.errors)) {
        exampleDiagnostics.push(
          located('sw/example-invalid', `example ${example.name ? `"${example.name}"` : `#${i}`}: ${error.pointer || '(root)'} ${error.message}`, [
            ...at,
            ...parsePointer(error.pointer),
          ]),
        );
      }
    }
  }
  if (exampleDiagnostics.length > 0) return { diagnostics: [...loaded.diagnostics, ...exampleDiagnostics].sort(compareDiagnostics) };
  return { diagnostics: loaded.diagnostics, ir, files: emitAll(ir, compiled) };
}
