/**
 * A service that uses the SDK and nothing else, run as its own process: it
 * reads DOCUMENT_UPLOADED, fails every one (so the SDK's producer connects
 * and writes dead letters), stops, and prints in one JSON line whether
 * kafkajs' encoders are still the ones kafkajs ships. FAST_ENCODERS=true opts in.
 */
import { createRequire } from 'node:module';
import { createConsumer } from 'popp-bridge/consumer';

const { KAFKA_BROKERS, TOPIC_PREFIX, GROUP, FAST_ENCODERS } = process.env;
const require = createRequire(import.meta.url);

const consumer = createConsumer({
  kafka: { brokers: (KAFKA_BROKERS as string).split(','), ...(FAST_ENCODERS === 'true' && { fastEncoders: true }) },
  topics: { prefix: TOPIC_PREFIX as string, partitions: 2 },
  groupId: GROUP as string,
  handlers: {
    DOCUMENT_UPLOADED: () => {
      throw new Error('refused, to make a dead letter');
    },
  },
  retry: { attempts: 1 },
  signals: [],
});
await consumer.start();
await consumer.caughtUp({ timeoutMs: 30_000 });
await consumer.stop();

const record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as { stock?: unknown };
const produce = require('kafkajs/src/protocol/requests/produce/v3/request.js') as { stock?: unknown };
const encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: { ensureAvailable: () => void } };
console.log(
  JSON.stringify({
    deadLettered: consumer.stats().deadLettered,
    // The project's encoders keep kafkajs' own as `stock`; kafkajs' Encoder grows to the next power of two.
    recordEncoder: record.stock === undefined ? 'as shipped' : 'replaced',
    produceEncoder: produce.stock === undefined ? 'as shipped' : 'replaced',
    encoderGrowth: encoder.prototype.ensureAvailable.toString().includes('nextPowerOfTwo') ? 'as shipped' : 'replaced',
  }),
);
