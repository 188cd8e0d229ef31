import { randomUUID } from 'node:crypto';
import { GenericContainer, Network, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { createCatalogue } from '../contract/catalogue.js';
import { sampleEvent } from '../events/samples.js';
import { LOCAL_IMAGES } from '../images/names.js';
import { schemasDir } from '../paths.js';
import { signBody } from '../webhook/verify.js';
import { startKafkaContainer } from './kafka-container.js';
import { ownerLabels } from './owner.js';

export interface PoppBridgeStackOptions {
  /** Host ports: Kafka listens on `kafkaPort` (published as is), the bridge's 3000 is published on `bridgePort`. */
  kafkaPort: number;
  bridgePort: number;
  /** Images; by default the ones `popp-bridge images build` makes here. */
  kafkaImage?: string;
  bridgeImage?: string;
  /** The webhook secret the bridge checks and `send` signs with; a random one by default. */
  secret?: string;
  /** Topic prefix of the bridge; `popp.` by default, as in production. */
  topicPrefix?: string;
  /** More of the bridge's variables (docs/configuration.md). */
  env?: Record<string, string>;
}

export interface PoppBridgeStack {
  /** Kafka for clients on the host, e.g. your consumer under test. */
  brokers: string[];
  /** Where Popp would POST: the bridge's webhook endpoint. */
  webhookUrl: string;
  secret: string;
  topicPrefix: string;
  /** The `x-signature` header value for a body, as Popp signs it. */
  sign(body: string | Buffer): string;
  /** Signs and posts an event; resolves with the bridge's status and answer. */
  send(event: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A realistic event of a documented type (fresh ids), built from its schema. */
  sample(eventType: string, options?: { recordId?: string }): Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Kafka and the bridge in containers, for downstream services that test
 * their consumers against the real thing (docs/guides/containers.md): start
 * it in a `beforeAll`, point your consumer at `brokers`, `send` signed
 * events, `stop` it in an `afterAll`.
 */
export async function startPoppBridgeStack(options: PoppBridgeStackOptions): Promise<PoppBridgeStack> {
  const secret = options.secret ?? randomUUID();
  const topicPrefix = options.topicPrefix ?? 'popp.';
  const network: StartedNetwork = await new Network().start();
  const started: { stop(): Promise<unknown> }[] = [];
  try {
    const kafka = await startKafkaContainer({
      hostPort: options.kafkaPort,
      network,
      ...(options.kafkaImage && { image: options.kafkaImage }),
    });
    started.push(kafka);
    const bridge: StartedTestContainer = await new GenericContainer(options.bridgeImage ?? LOCAL_IMAGES.bridge)
      .withNetwork(network)
      .withExposedPorts({ container: 3000, host: options.bridgePort })
      .withEnvironment({
        KAFKA_BROKERS: kafka.internalBrokers.join(','),
        POPP_WEBHOOK_SECRET: secret,
        TOPIC_PREFIX: topicPrefix,
        ...options.env,
      })
      .withLabels(ownerLabels())
      .withWaitStrategy(Wait.forHttp('/readyz', 3000).forStatusCode(200))
      .withStartupTimeout(120_000)
      .start();
    started.unshift(bridge);
    const webhookUrl = `http://127.0.0.1:${options.bridgePort}/webhooks/popp`;
    const catalogue = createCatalogue({ schemasDir, topicPrefix });
    const sign = (body: string | Buffer) => signBody(body, secret);
    return {
      brokers: kafka.brokers,
      webhookUrl,
      secret,
      topicPrefix,
      sign,
      async send(event) {
        const body = Buffer.from(JSON.stringify(event));
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': sign(body) },
          body,
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      },
      sample: (eventType, sampleOptions = {}) => sampleEvent(eventType, catalogue.schemas.events.get(eventType), sampleOptions),
      stop: async () => {
        for (const container of started) await container.stop();
        await network.stop();
      },
    };
  } catch (error) {
    for (const container of started) await container.stop().catch(() => undefined);
    await network.stop().catch(() => undefined);
    throw error;
  }
}
