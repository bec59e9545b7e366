import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three tiers (README, "Tests"): unit starts no process and runs in seconds; integration starts the CLI, Python or
// Chromium on small inputs; e2e runs real recipes end to end. `npm test` runs all three; `npm run test:<tier>` one.
export default defineConfig({
  test: {
    // A run without --cache uses the user's cache folder: tests keep theirs inside the checkout, not in ~/.cache.
    env: { XDG_CACHE_HOME: join(import.meta.dirname, '.zooforge', 'test-home', 'cache') },
    // Two files at a time fits 2 cores and 24 GiB (e2e files run real PyTorch/ORT work).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/helpers/no-spawn.ts'],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/warm-cache.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/warm-cache.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
