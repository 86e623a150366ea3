import { defineConfig } from 'vitest/config';

/**
 * The production-topology suite (`npm run test:cluster`): PostgreSQL, the Temporal server with mTLS
 * and SQL visibility, sqld and worker processes, all from scripts/cluster.sh. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/cluster-setup.ts'],
    pool: 'forks',
    // One file, its tests in order: they share the cluster and kill parts of it.
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    teardownTimeout: 120_000,
  },
});
