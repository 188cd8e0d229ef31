import type { Config } from './config.js';
import { maxMessageBytesFor } from './contract/topics.js';
import { createKafka, type KafkaClientOptions, type KafkaParts } from './kafka/client.js';
import type { TopicEnsurer } from './kafka/topics.js';

/** The bridge's Kafka parts from its configuration: the client factory, one admin, one producer, and the topic ensurer. */
export function createBridgeKafka(
  config: Config,
  brokers: string[],
  log?: KafkaClientOptions['log'],
  onPartition?: (headers: object, partition: number) => void,
) {
  const kafka: KafkaParts = createKafka({ ...config.kafka, brokers, publishTimeoutMs: config.publishTimeoutMs, log });
  const admin = kafka.admin();
  const topics: TopicEnsurer = kafka.topicEnsurer(admin, {
    partitions: config.topics.partitions,
    replicationFactor: config.topics.replicationFactor,
    maxMessageBytes: maxMessageBytesFor(config.maxBodyBytes),
  });
  return { kafka, admin, producer: kafka.producer(onPartition ? { onPartition } : {}), topics };
}
