import { spawn } from 'node:child_process';
import type { ConsumerTopics, KafkaConnection } from 'popp-bridge/consumer';

/** Where a service's consumer finds Kafka and the bridge's topics: what `createConsumer` takes as `kafka` and `topics`. */
export interface ExampleConnection {
  kafka: KafkaConnection;
  topics: ConsumerTopics;
}

/** The address of the local development broker (`npx popp-bridge kafka start`, or `npm start` in the bridge's repository). */
export const LOCAL_BROKER = '127.0.0.1:9092';

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * The examples' Kafka settings, read from their environment as any service
 * reads its own: KAFKA_BROKERS (default the local broker), TOPIC_PREFIX
 * (default `popp.`, the bridge's), and for a managed cluster KAFKA_SSL=true
 * and KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): ExampleConnection {
  const brokers = (env.KAFKA_BROKERS || LOCAL_BROKER)
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  const kafka: KafkaConnection = { brokers };
  if (env.KAFKA_SSL === 'true') kafka.ssl = true;
  else if (env.KAFKA_SSL && env.KAFKA_SSL !== 'false') throw new Error('KAFKA_SSL must be true or false');
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism) {
    const known = MECHANISMS.find((name) => name === mechanism);
    if (!known) throw new Error(`KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}`);
    const username = env.KAFKA_SASL_USERNAME ?? '';
    const password = env.KAFKA_SASL_PASSWORD ?? '';
    if (!username || !password) throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are needed with KAFKA_SASL_MECHANISM');
    kafka.sasl = { mechanism: known, username, password };
  }
  return { kafka, topics: { prefix: env.TOPIC_PREFIX ?? 'popp.' } };
}

/**
 * With no KAFKA_BROKERS, starts (or reuses) the local development broker at
 * LOCAL_BROKER with the package's own command, as a downstream repository
 * that installed popp-bridge would: `npx popp-bridge kafka start`.
 */
export async function localBrokerUnlessSet(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<void> {
  if (env.KAFKA_BROKERS) return;
  print(`No KAFKA_BROKERS given: starting (or reusing) the local development broker at ${LOCAL_BROKER} (npx popp-bridge kafka start).`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('npx', ['--no-install', 'popp-bridge', 'kafka', 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', () => resolve(null));
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error('the local broker did not start: set KAFKA_BROKERS, or see npx popp-bridge kafka status');
}
