import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The package's entry points read from the sources, as tsconfig.json's `paths` say (the published package maps them to dist/). */
const resolve = {
  alias: [
    { find: /^popp-bridge\/consumer$/, replacement: source('./src/consumer/index.ts') },
    { find: /^popp-bridge\/events$/, replacement: source('./generated/events.ts') },
    { find: /^popp-bridge\/testing$/, replacement: source('./src/testing/index.ts') },
    { find: /^popp-bridge\/testing\/containers$/, replacement: source('./src/testing/stack.ts') },
  ],
};

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        resolve,
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
