import { emitConsolePage } from './emit/console/index.ts';
import { emitValidators } from './emit/validators/index.ts';
import type { ApiIR } from './ir/types.ts';

/**
 * The console page of an API in IR form. `validatorsJs` is its `validators.gen.js` when the
 * caller has generated it already; without it the validators are compiled here.
 */
export function consolePageForIR(ir: ApiIR, spec: string, validatorsJs?: string): string {
  return emitConsolePage(ir, { spec, validatorsJs: validatorsJs ?? emitValidators(ir).find((f) => f.path.endsWith('.js'))!.contents });
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
