import { defineConfig } from 'vitest/config';

// Two projects split by what they start: unit tests need nothing; integration tests share one real Temporal dev
// server for the whole run (global setup) and start their own local stand-ins. The `forks` pool is required: worker
// threads crash with Temporal's native bridge.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
          // Unit tests first, then integration: projects with different worker limits need their own group.
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          pool: 'forks',
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: more parallel files only contend for the CPU the dev server needs.
          maxWorkers: 2,
        },
      },
    ],
  },
});
