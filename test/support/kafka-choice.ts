/** Whether the container path is open (an engine answered, the local images are built), and if not, why. */
export type Engine = { ok: true } | { ok: false; reason: string };

export type StartedKafka = { brokers: string[]; stop: () => Promise<void> };

/** A container that started, or the one-line reason it did not. */
export type ContainerOutcome = ({ ok: true } & StartedKafka) | { ok: false; reason: string };

export interface KafkaChoice extends StartedKafka {
  via: 'KAFKA_BROKERS' | 'container' | 'local broker';
}

/**
 * The integration suite's Kafka, in the order docs/guides/containers.md
 * gives: the brokers given; a container when an engine answers; otherwise,
 * or when the container path fails, the local broker after one line saying
 * why. Never a failure for want of an image.
 */
export async function chooseKafka(options: {
  given: string[] | undefined;
  engine: Engine;
  container: () => Promise<ContainerOutcome>;
  local: () => Promise<StartedKafka>;
  log: (line: string) => void;
}): Promise<KafkaChoice> {
  const { given, engine, log } = options;
  if (given) {
    log(`using KAFKA_BROKERS=${given.join(',')}`);
    return { via: 'KAFKA_BROKERS', brokers: given, stop: async () => {} };
  }
  if (engine.ok) {
    const outcome = await options.container();
    if (outcome.ok) return { via: 'container', brokers: outcome.brokers, stop: outcome.stop };
    log(`Testcontainers path skipped: ${outcome.reason}; using the local development broker`);
  } else {
    log(`Testcontainers path skipped: ${engine.reason}; using the local development broker`);
  }
  return { via: 'local broker', ...(await options.local()) };
}
