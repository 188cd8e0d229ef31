import { Kafka, logLevel } from 'kafkajs';
import { topicForEventType } from '../src/contract/topics.js';
import { createTopicEnsurer } from '../src/kafka/topics.js';

const TYPES = ['CONVERSATION_STARTED', 'CONVERSATION_COMPLETED', 'DOCUMENT_UPLOADED'];

/** Topics for the naive row (made the way the bridge makes its own), and clean-up after the run. */
export async function testKafkaAdmin(brokers: string[]) {
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return {
    async createBridgeTopics(prefix: string) {
      const ensurer = createTopicEnsurer(admin, { partitions: 6, replicationFactor: 1, maxMessageBytes: 1_114_112 });
      await ensurer.ensure([...TYPES.map((type) => topicForEventType(prefix, type)), `${prefix}events`, `${prefix}dead-letter`]);
    },
    async deleteBenchTopics(prefix: string) {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    },
    /** The consumer rows' groups (named after the run's prefix): their topics are gone, their offsets would linger. */
    async deleteBenchGroups(prefix: string) {
      const { groups } = await admin.listGroups();
      const ours = groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
      if (ours.length > 0) await admin.deleteGroups(ours);
    },
    close: () => admin.disconnect(),
  };
}
