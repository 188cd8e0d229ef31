import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Picks the broker (KAFKA_BROKERS, a Kafka container, or the local one) once for all files.
          globalSetup: ['test/integration/global-setup.ts'],
          // Ryuk's image would have to be pulled: test files stop their own containers (src/testing/owner.ts).
          env: { TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true' },
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
