import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real git and tmt processes; two cores saturate quickly.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
