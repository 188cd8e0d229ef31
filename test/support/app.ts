import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.js';
import { createCatalogue } from '../../src/contract/catalogue.js';
import type { OutgoingRecord } from '../../src/contract/record.js';
import { createDedupe } from '../../src/dedupe/dedupe.js';
import { createMemorySeenStore } from '../../src/dedupe/memory-seen-store.js';
import type { Publisher } from '../../src/kafka/publisher.js';
import { createMetrics } from '../../src/metrics.js';
import { schemasDir } from '../../src/paths.js';
import { createEventAgeCheck } from '../../src/webhook/event-age.js';
import { createSignatureVerifier } from '../../src/webhook/verify.js';
import { SECRET } from './events.js';

let catalogue: ReturnType<typeof createCatalogue> | undefined;

/** Compiled once per test file: the catalogue never changes, and compiling every schema takes a noticeable fraction of a second. */
function sharedCatalogue() {
  catalogue ??= createCatalogue({ schemasDir, topicPrefix: 'popp.' });
  return catalogue;
}

export interface InMemoryApp {
  app: FastifyInstance;
  /** Every record the app handed to its publisher, in order. */
  published: OutgoingRecord[];
}

/**
 * The real app (verify, parse, validate, dedupe) over an in-memory Publisher,
 * for tests that need volume rather than Kafka. `publish` may be replaced
 * (to hold requests in flight, say); `deps` overrides the rest.
 */
export function inMemoryApp(
  options: { publish?: (records: readonly OutgoingRecord[]) => Promise<void>; deps?: Partial<AppDeps> } = {},
): InMemoryApp {
  const published: OutgoingRecord[] = [];
  const publisher: Publisher = {
    async publish(records) {
      await options.publish?.(records);
      published.push(...records);
    },
    drain: async () => {},
  };
  const app = buildApp({
    verify: createSignatureVerifier([SECRET]),
    catalogue: sharedCatalogue(),
    checkAge: createEventAgeCheck({ maxAgeMs: 3_600_000, maxFutureMs: 300_000, now: Date.now }),
    dedupe: createDedupe(createMemorySeenStore({ ttlMs: 60_000, maxEntries: 10_000 })),
    publisher,
    ensureTopics: async () => {},
    metrics: createMetrics(),
    topics: { log: 'popp.events', deadLetter: 'popp.dead-letter' },
    unknownEventPolicy: 'dead-letter',
    now: () => new Date(),
    readiness: { check: async () => ({ ready: true, detail: 'ok' }) },
    maxBodyBytes: 16_384,
    logger: false,
    ...options.deps,
  });
  return { app, published };
}
