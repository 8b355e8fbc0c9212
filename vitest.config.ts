import { defineConfig } from 'vitest/config';

// unit: pure, no database. integration: real PostgreSQL (LOOKALIKE_TEST_PG_URL, default 127.0.0.1:5432).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'connectors/**/*.test.ts'],
          setupFiles: ['test/console-guard.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/console-guard.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
