import { createKafka } from '../kafka/client.js';
import type { KafkaConnection } from './kafka.js';

export interface GroupAdmin {
  /** Whether any member is in the group now (a running service). */
  hasMembers(groupId: string): Promise<boolean>;
  /** Forgets the group and its committed offsets; it must have no members. */
  remove(groupId: string): Promise<void>;
  close(): Promise<void>;
}

/** For tools that manage groups, such as a projection's rebuild: kept here so kafkajs stays inside the SDK. */
export async function createGroupAdmin(connection: KafkaConnection): Promise<GroupAdmin> {
  const kafka = createKafka({ ...connection, clientId: connection.clientId ?? 'popp-consumer-admin', publishTimeoutMs: 10_000 });
  const admin = kafka.admin();
  await admin.connect();
  return {
    async hasMembers(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      return (groups[0]?.members.length ?? 0) > 0;
    },
    async remove(groupId) {
      await admin.deleteGroups([groupId]);
    },
    close: () => admin.disconnect(),
  };
}
