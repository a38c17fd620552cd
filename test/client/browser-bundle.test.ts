import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The client runtime and the generated clients must bundle for a browser with nothing from Node:
// no node: built-ins, no `ws` (Node loads it on demand through a specifier a bundler cannot follow).
const APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'];

describe('browser bundle of the generated clients', () => {
  it.each(APIS)('%s bundles for the browser with no Node module', async (name) => {
    const result = await build({
      entryPoints: [`generated/${name}/client.gen.ts`],
      bundle: true,
      write: false,
      platform: 'browser',
      // The runtime's TypeScript sources (package.json "exports"), not a dist/ that may be older.
      conditions: ['streamwright-source'],
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /node_modules\/ws\//.test(f) || f.startsWith('node:'))).toEqual([]);
    expect(inputs.some((f) => f.startsWith('runtime/client/'))).toBe(true);
    expect(inputs.some((f) => f.startsWith('runtime/server/'))).toBe(false);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/from\s*["'](node:|ws["'])/);
  });
});
