import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the tests against the Temporal cluster of `scripts/cluster.sh` (PostgreSQL, the server built
// from its Go module). Not in the normal suite: they need that build, and take minutes.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/cluster/**/*.test.ts'],
    reporters: ['verbose'],
    testTimeout: 1_500_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
