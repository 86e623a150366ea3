import { defineConfig } from 'vitest/config';

/** The slow fault test (`npm run test:outage`): a primary stopped for 30 s mid-task, on the same servers as `npm test`. */
export default defineConfig({
  test: {
    include: ['test/outage/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
