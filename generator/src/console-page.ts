import { fileURLToPath } from 'node:url';
import { emitConsolePage } from './emit/console/index.ts';
import { emitValidators } from './emit/validators/index.ts';
import { generate } from './generate.ts';
import type { ApiIR } from './ir/types.ts';

/** The console page for an API already in IR form (the mock has it): its validators are compiled here. */
export function consolePageForIR(ir: ApiIR, spec: string): string {
  const validatorsJs = emitValidators(ir, undefined, { bundle: true }).find((f) => f.path.endsWith('.js'))!.contents;
  return emitConsolePage(ir, { spec, validatorsJs });
}

/** The console page of one of the four seed APIs, from its contract in `spec/`. */
export async function referenceConsolePage(api: string): Promise<string> {
  const spec = `spec/${api}.asyncapi.yaml`;
  const result = await generate(fileURLToPath(new URL(`../../${spec}`, import.meta.url)), { name: api });
  if (!result.ir || !result.files) throw new Error(`the contract of ${api} does not generate: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  const validatorsJs = emitValidators(result.ir, undefined, { bundle: true }).find((f) => f.path.endsWith('.js'))!.contents;
  return emitConsolePage(result.ir, { spec, validatorsJs });
}

/**
 * `pages` for a server: `/_console`, rendered on first request and kept (a failure is not kept,
 * so a later request tries again).
 */
export function consolePages(render: () => Promise<string> | string): Record<string, () => Promise<string>> {
  let page: Promise<string> | undefined;
  return {
    '/_console': () => {
      page ??= Promise.resolve()
        .then(render)
        .catch((e: unknown) => {
          page = undefined;
          throw e;
        });
      return page;
    },
  };
}
