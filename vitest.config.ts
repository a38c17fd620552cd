import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Server and CLI tests spawn processes and open sockets; two cores is the budget.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
