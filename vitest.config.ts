import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report beside the usual output, to print a plain "N passed, N failed" line.
const jsonReport = process.env.CONDOR_XYK_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    // Tests never read the operator's .env and never reach the internet.
    env: { CONDOR_XYK_TEST: '1' },
  },
});
