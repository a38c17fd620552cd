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
    // One worker per core: on 2 cores this halves the wall time. Tests wait on events; most of the
    // fixed sleeps that remain show that nothing more arrives (which a busy worker cannot fake),
    // and a few give a closed connection 20–50 ms to be noticed before the next step. Those held
    // in the stress runs (RELIABILITY.md); an event to wait on would be better.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
  },
});
