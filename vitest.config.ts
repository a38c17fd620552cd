import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import `streamwright/runtime` (through generated code) from the TypeScript sources, as
// tsconfig.json's customConditions does, never from a dist/ that may be older.
const SOURCE = 'streamwright-source';

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-dist.ts'],
    // Server and CLI tests spawn processes, open sockets and chdir (test/support/cli.ts): one
    // process per test file, as isolated as before.
    pool: 'forks',
    // One worker per core halves the wall time on 2 cores, but broken.test.ts's "newer server"
    // case then fails: it relies on the steadybase simulation sending a worker-status while the
    // events transcripts replay, which a second busy worker delays. Back to vitest's default (one
    // worker fewer than the cores) until that case drives the worker state itself.
    testTimeout: 30_000,
  },
});
