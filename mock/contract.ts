import { compileContract, loadContract as loadDocument, type CompiledContract, type Diagnostic } from '../generator/src/contract/index.ts';

/**
 * An AsyncAPI document made ready to serve, in memory: the contract core's load → IR → compiled
 * validators, nothing generated to disk.
 */
export type MockContract = CompiledContract;

export type LoadContractResult = { ok: true; contract: MockContract; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export { compileContract };

/** Loads a document (remote `$ref`s are not fetched) and compiles it; never throws for a bad document. */
export async function loadContract(spec: string, options: { name?: string } = {}): Promise<LoadContractResult> {
  // Examples are checked as `validate` does: a mock must not serve an example its contract refuses.
  const loaded = await loadDocument(spec, options.name !== undefined ? { name: options.name } : {});
  return loaded.ok ? { ok: true, contract: compileContract(loaded.contract.ir), diagnostics: loaded.diagnostics } : loaded;
}
