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
    // Server and CLI tests spawn processes and open sockets; two cores is the budget.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
