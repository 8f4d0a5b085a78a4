import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Never a packet outside loopback: the vendor credentials chain must not probe the ECS metadata
    // address, and test/setup/no-network.ts refuses (and fails the test for) anything else.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    setupFiles: ['test/setup/no-network.ts'],
  },
});
