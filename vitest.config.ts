import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI runs as compiled JavaScript (.build/cli): build it once, up front, if a source changed.
    globalSetup: ['./test/helpers/build-cli.ts'],
    // Each file's temporary directories are removed when its tests end.
    setupFiles: ['./test/helpers/tmp-cleanup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
