import { createKafka } from '../kafka/client.js';
import { behind, endOffsets, type LogEnds } from './catch-up.js';
import type { KafkaConnection } from './connection.js';

export interface GroupAdmin {
  /** Whether any member is in the group now (a running service). */
  hasMembers(groupId: string): Promise<boolean>;
  /** Whether the group has committed an offset on any of these topics (those that exist). */
  hasCommitted(groupId: string, topics: readonly string[]): Promise<boolean>;
  /** Per `topic/partition`, where the log begins and ends now. */
  ends(topics: readonly string[]): Promise<LogEnds>;
  /** The `topic/partition`s where the group's committed offset is short of `ends`. */
  behind(groupId: string, ends: LogEnds, topics: readonly string[]): Promise<string[]>;
  /** Forgets the group and its committed offsets; it must have no members. */
  remove(groupId: string): Promise<void>;
  close(): Promise<void>;
}

/** For tools that manage groups, such as a projection's rebuild: kept here so kafkajs stays inside the SDK. */
export async function createGroupAdmin(connection: KafkaConnection): Promise<GroupAdmin> {
  const kafka = createKafka({
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl,
    clientId: connection.clientId ?? 'popp-consumer-admin',
    fastEncoders: false, // an admin client never produces
    publishTimeoutMs: 10_000,
  });
  const admin = kafka.admin();
  await admin.connect();
  return {
    async hasMembers(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      return (groups[0]?.members.length ?? 0) > 0;
    },
    async hasCommitted(groupId, topics) {
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((topic) => existing.has(topic));
      if (present.length === 0) return false;
      const offsets = await admin.fetchOffsets({ groupId, topics: present });
      return offsets.some(({ partitions }) => partitions.some(({ offset }) => BigInt(offset) >= 0n));
    },
    ends: (topics) => endOffsets(admin, topics),
    behind: (groupId, ends, topics) => behind(admin, groupId, ends, topics),
    async remove(groupId) {
      await admin.deleteGroups([groupId]);
    },
    close: () => admin.disconnect(),
  };
}
