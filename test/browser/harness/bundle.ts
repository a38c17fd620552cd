import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { build, type BuildFailure, type Metafile } from 'esbuild';

const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The page bundle could not be built, or it pulls code that cannot run in a browser. */
export class BrowserBundleError extends Error {
  override readonly name = 'BrowserBundleError';
}

export interface PageBundle {
  js: string;
  /** Every source file in the bundle, relative to the working directory. */
  inputs: string[];
}

/**
 * Bundles a page entry for the browser (ESM). The generated clients promise one code path for
 * Node and browsers, so a bundle that reaches for `ws` or a Node built-in is a bug in them, not
 * something to paper over with shims: it fails here, naming the import chain.
 */
export async function bundlePage(entry: string): Promise<PageBundle> {
  let metafile: Metafile;
  let js: string;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      // The runtime's TypeScript sources (package.json "exports"), not a dist/ that may be older.
      conditions: ['streamwright-source'],
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    metafile = result.metafile;
    js = result.outputFiles[0]!.text;
  } catch (e) {
    const failure = e as Partial<BuildFailure>;
    const messages = (failure.errors ?? []).map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    const builtin = (failure.errors ?? []).some((m) => NODE_BUILTINS.has(/"([^"]+)"/.exec(m.text)?.[1] ?? ''));
    throw new BrowserBundleError(
      `${builtin ? 'the browser bundle imports a Node built-in module' : 'the browser bundle failed to build'}: ${messages.join('; ') || String(e)}`,
      { cause: e },
    );
  }
  const inputs = Object.keys(metafile.inputs);
  const offending = inputs.filter((path) => isNodeOnly(path));
  if (offending.length > 0) {
    const chains = offending.map((path) => `${path} (imported by ${importers(metafile, path).join(', ') || 'the entry'})`);
    throw new BrowserBundleError(`the browser bundle pulls Node-only code: ${chains.join('; ')}`);
  }
  return { js, inputs: inputs.map((p) => relative(process.cwd(), p) || p) };
}

/** `ws` (esbuild swaps in its browser stub, which only throws) or a Node built-in left external. */
function isNodeOnly(path: string): boolean {
  if (/(^|\/)node_modules\/ws\//.test(path)) return true;
  return NODE_BUILTINS.has(path.replace(/^\(disabled\):/, ''));
}

function importers(metafile: Metafile, target: string): string[] {
  return Object.entries(metafile.inputs)
    .filter(([, input]) => input.imports.some((i) => i.path === target))
    .map(([path]) => path);
}
