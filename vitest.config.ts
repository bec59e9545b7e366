import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // e2e files run real PyTorch/ORT work; two files at a time fits 2 cores and 24 GiB.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
