import { fileURLToPath } from 'node:url';
import { consolePageForIR, generate } from '../generator/src/index.ts';

/** The console page of one of the four seed APIs, from its contract in `spec/`. */
export async function referenceConsolePage(api: string): Promise<string> {
  const spec = `spec/${api}.asyncapi.yaml`;
  const result = await generate(fileURLToPath(new URL(`../${spec}`, import.meta.url)), { name: api });
  if (!result.ir) throw new Error(`the contract of ${api} does not generate: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return consolePageForIR(result.ir, spec);
}
