import { emitClient } from './emit/client/index.ts';
import { emitDocs } from './emit/docs/index.ts';
import { emitMetadata } from './emit/metadata/index.ts';
import { emitModels } from './emit/models/index.ts';
import { emitServer } from './emit/server/index.ts';
import type { EmittedFile } from './emit/types.ts';
import { compilePayloads, emitValidators, type CompiledPayloads } from './emit/validators/index.ts';
import { normalizeAjvErrors } from './validate/ajv.ts';
import { leanVerdicts } from './validate/lean-verdicts.ts';
import { parsePointer, type PathSegment } from './load/pointer.ts';
import type { ApiIR, MessageIR } from './ir/types.ts';
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
  // Payload examples are checked below: with the lean code generation writes, and with ajv where
  // lean does not cover the payload.
  const loaded = await loadContract(spec, { payloadExamples: false, ...options });
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const { ir, locate } = loaded.contract;
  const compiled = compilePayloads(ir);
  // One compile per schema, and none the output does not need: the examples of a payload the lean
  // emitter covers are checked by the lean code generation is about to write (generated once);
  // ajv compiles the payloads lean does not cover (their standalone code is in the output) and
  // explains an example found invalid.
  const covered = (m: MessageIR) => compiled.lean.covers(m.payload);
  const withExamples = ir.messages.filter((m) => m.examples.length > 0);
  const lean = leanVerdicts(compiled.lean, [...new Set(withExamples.filter(covered).map((m) => m.payload))]);
  const exampleDiagnostics: Diagnostic[] = [];
  const located = (code: Diagnostic['code'], message: string, path: PathSegment[]): Diagnostic => {
    return { code, severity: 'error', message, ...locate(path) };
  };
  const budgetMs = options.exampleBudgetMs ?? EXAMPLE_BUDGET_MS;
  // The budget is for running the checks (a slow pattern), not for compiling the validators,
  // which generation needs anyway and which takes seconds for a large document on a busy machine.
  let spentMs = 0;
  examples: for (const m of withExamples) {
    const verdict = covered(m) ? lean.get(m.payload)! : compiled.validatorOf(m);
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
      const valid = verdict(example.payload);
      spentMs += performance.now() - started;
      if (valid) continue;
      // ajv says why (and has the last word: the differential test keeps the two in agreement).
      // Its compile is not the check's time; running it is.
      const validate = compiled.validatorOf(m);
      const again = performance.now();
      const stillInvalid = !validate(example.payload);
      spentMs += performance.now() - again;
      if (!stillInvalid) {
        // The generated validator would refuse a valid frame: a bug of the lean emitter, not of the document.
        exampleDiagnostics.push(
          located('sw/internal', `example ${example.name ? `"${example.name}"` : `#${i}`}: the generated validator rejects it, ajv accepts it`, at),
        );
        continue;
      }
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
