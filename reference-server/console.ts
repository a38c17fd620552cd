import { fileURLToPath } from 'node:url';
import { loadContract } from '../generator/src/contract/index.ts';
import { consolePageForIR } from '../generator/src/index.ts';

/** The console page of one of the four seed APIs, from its contract in `spec/` (loaded into the IR; nothing generated). */
export async function referenceConsolePage(api: string): Promise<string> {
  const spec = `spec/${api}.asyncapi.yaml`;
  const loaded = await loadContract(fileURLToPath(new URL(`../${spec}`, import.meta.url)), { name: api, payloadExamples: false });
  if (!loaded.ok) throw new Error(`the contract of ${api} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  return consolePageForIR(loaded.contract.ir, spec);
}
