import { defineConfig } from 'vitest/config';

// Two projects: pure logic and views (no Docker), and tests on the real fleet (one fleet, started once).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/views/**/*.test.tsx'],
          // Ink writes only the final frame when CI is set (engine-facts.md): the setup file unsets it.
          setupFiles: ['test/views/setup.ts'],
        },
      },
      {
        test: {
          name: 'fleet',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/fleet/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
