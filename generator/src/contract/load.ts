import path from 'node:path';
import { buildIR } from '../ir/build/index.ts';
import type { ApiIR } from '../ir/types.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import { hasErrors, loadSpec, type LoadOptions } from '../load/load.ts';
import type { SourceFile } from '../load/source.ts';
import { toPointer, type PathSegment } from '../load/pointer.ts';
import type { Location } from '../load/bundle.ts';

/** A document that loaded without errors, with the IR built from it. */
export interface LoadedContract {
  /** The API's name: the option given, or the file name without `.asyncapi.yaml`. */
  readonly name: string;
  readonly file: string;
  /** The raw document (refs not followed), for validators that read it in place. */
  readonly document: unknown;
  readonly source: SourceFile;
  /** Where a pointer into the document sits, in the file that holds it (the document or a file it refers to). */
  readonly locate: (at: readonly PathSegment[]) => Location;
  readonly ir: ApiIR;
  /** Warnings and infos of the load (no errors). */
  readonly diagnostics: Diagnostic[];
}

export type ContractLoad = { ok: true; contract: LoadedContract; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export interface ContractLoadOptions extends LoadOptions {
  /** The API's name (default: the spec's file name without `.asyncapi.yaml`). */
  name?: string;
}

/** The API name used when none is configured: the file name without `.asyncapi.yaml` and the like. */
export function defaultApiName(spec: string): string {
  return path.basename(spec).replace(/(\.asyncapi)?\.(ya?ml|json)$/i, '');
}

/**
 * Loads a document and builds its IR: what `generate`, the mock, the recorder and `conform` all
 * start from. `schema` rules unless told otherwise (the advice rules cost seconds and change no
 * IR). Never throws for a bad document: what the IR cannot express is an
 * `sw/generate-unsupported` diagnostic.
 */
export async function loadContract(spec: string, options: ContractLoadOptions = {}): Promise<ContractLoad> {
  const { name = defaultApiName(spec), ...load } = options;
  const loaded = await loadSpec(spec, { rules: 'schema', ...load });
  if (hasErrors(loaded.diagnostics) || loaded.document === undefined || loaded.source === undefined) return { ok: false, diagnostics: loaded.diagnostics };
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
    return { ok: false, diagnostics: [...loaded.diagnostics, diagnostic] };
  }
  const source = loaded.source;
  const locate =
    loaded.locate ??
    ((at: readonly PathSegment[]): Location => {
      const where = source.locate(at);
      return { file: spec, line: where.line, column: where.column, pointer: '#' + toPointer(at) };
    });
  const contract: LoadedContract = { name, file: spec, document: loaded.document, source, ir, locate, diagnostics: loaded.diagnostics };
  return { ok: true, contract, diagnostics: loaded.diagnostics };
}
