import { availableParallelism } from 'node:os';
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
    // vitest's default in `run` is one worker fewer than the cores: a single worker on a 2-core
    // machine, which then idles while a test waits on sockets and child processes. One per core.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
  },
});
