import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one worker on the two-core machines this
    // suite runs on. Most files wait on sockets, child processes and injected latency, not on the
    // CPU, so two workers finish the suite in well under the CI budget.
    maxWorkers: 2,
    // Never a packet outside loopback: the vendor credentials chain must not probe the ECS metadata
    // address, and test/setup/no-network.ts refuses (and fails the test for) anything else.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    setupFiles: ['test/setup/no-network.ts'],
  },
});
