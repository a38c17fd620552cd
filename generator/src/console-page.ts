import { emitConsolePage } from './emit/console/index.ts';
import { emitValidators } from './emit/validators/index.ts';
import type { ApiIR } from './ir/types.ts';

/** The console page for an API already in IR form: its validators are compiled here, as one self-contained module. */
export function consolePageForIR(ir: ApiIR, spec: string): string {
  const validatorsJs = emitValidators(ir, undefined, { bundle: true }).find((f) => f.path.endsWith('.js'))!.contents;
  return emitConsolePage(ir, { spec, validatorsJs });
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
