import { GenericContainer, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { LOCAL_IMAGES } from '../images/names.js';
import { ownerLabels } from './owner.js';

export interface KafkaContainerOptions {
  /** Published on the same port of the host, where Kafka also listens: the address it advertises is the one clients dial. */
  hostPort: number;
  image?: string;
  /** Other containers on this network reach the broker at `<alias>:9094`. */
  network?: StartedNetwork;
  alias?: string;
}

export interface StartedKafka {
  /** For clients on the host. */
  brokers: string[];
  /** For containers on the network given, if one was. */
  internalBrokers: string[];
  container: StartedTestContainer;
  stop(): Promise<void>;
}

const INTERNAL_PORT = 9094;

/**
 * A single-node KRaft Kafka from the locally built image, through
 * Testcontainers. Two listeners: EXTERNAL on the published port, advertised
 * as 127.0.0.1 (a mapped random port would not be known before Kafka starts
 * and must advertise it), INTERNAL for containers on the network.
 */
export async function startKafkaContainer(options: KafkaContainerOptions): Promise<StartedKafka> {
  const { hostPort, image = LOCAL_IMAGES.kafka, network, alias = 'kafka' } = options;
  let definition = new GenericContainer(image)
    .withExposedPorts({ container: hostPort, host: hostPort })
    .withEnvironment({
      KAFKA_LISTENERS: `EXTERNAL://:${hostPort},INTERNAL://:${INTERNAL_PORT},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `EXTERNAL://127.0.0.1:${hostPort},INTERNAL://${alias}:${INTERNAL_PORT}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      // The bridge creates its topics; a missing create must fail, as on the local broker.
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '6',
      // As the local broker's: the whole suite's topics and groups on one node.
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx1g',
    })
    .withLabels(ownerLabels())
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000);
  if (network) definition = definition.withNetwork(network).withNetworkAliases(alias);
  const container = await definition.start();
  return {
    brokers: [`127.0.0.1:${hostPort}`],
    internalBrokers: network ? [`${alias}:${INTERNAL_PORT}`] : [],
    container,
    stop: async () => {
      await container.stop({ timeout: 20_000 });
    },
  };
}
