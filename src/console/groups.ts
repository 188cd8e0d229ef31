import type { Admin } from 'kafkajs';
import { committedOffsets, endOffsets, lagPerPartition } from '../consumer/catch-up.js';
import { deadLetterTopicFor, groupDeadLetterPrefix } from '../contract/topics.js';

export interface GroupRow {
  groupId: string;
  state: string;
  members: number;
  /** Per topic of the bridge's the group has committed on: records still to read. */
  topics: { topic: string; lag: number; partitions: number; uncommitted: number }[];
  totalLag: number;
  /** The group's own dead-letter topic (consumer SDK), when it exists. */
  deadLetter: { topic: string; records: number } | undefined;
}

export type GroupsAdmin = Pick<Admin, 'listGroups' | 'describeGroups' | 'fetchOffsets' | 'fetchTopicOffsets' | 'listTopics'>;

/** The bridge's own short-lived reading groups (replay, snapshots): not services. */
const TEMPORARY_GROUP = /^popp-bridge-read-/;

/**
 * Every consumer group that has committed offsets on the bridge's topics,
 * with its lag per topic (committed offset to the end, as the consumer SDK's
 * catch-up helpers count it) and the size of its own dead-letter topic.
 */
export async function listConsumerGroups(
  admin: GroupsAdmin,
  options: { prefix: string; logTopic: string; deadLetterTopic: string },
): Promise<GroupRow[]> {
  const existing = await admin.listTopics();
  const ownDeadLetters = groupDeadLetterPrefix(options.prefix);
  const bridgeTopics = existing
    .filter(
      (topic) =>
        topic === options.logTopic ||
        topic === options.deadLetterTopic ||
        (topic.startsWith(options.prefix) && !topic.startsWith(ownDeadLetters)),
    )
    .filter((topic) => !topic.startsWith('__'))
    .sort();
  const { groups } = await admin.listGroups();
  const ids = groups
    .filter((g) => (g.protocolType === 'consumer' || g.protocolType === '') && !TEMPORARY_GROUP.test(g.groupId))
    .map((g) => g.groupId);
  if (ids.length === 0 || bridgeTopics.length === 0) return [];
  const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
  const ends = await endOffsets(admin, bridgeTopics);
  const sizes = new Map<string, number>();
  const rows: GroupRow[] = [];
  for (const groupId of ids.sort()) {
    const committed = await committedOffsets(admin, groupId, bridgeTopics);
    const read = new Set([...committed].filter(([, offset]) => offset >= 0n).map(([where]) => where.slice(0, where.lastIndexOf('/'))));
    if (read.size === 0) continue;
    const lags = lagPerPartition(committed, new Map([...ends].filter(([where]) => read.has(where.slice(0, where.lastIndexOf('/'))))));
    const topics = [...read].sort().map((topic) => {
      const mine = [...lags].filter(([where]) => where.slice(0, where.lastIndexOf('/')) === topic);
      return {
        topic,
        lag: Number(mine.reduce((sum, [, lag]) => sum + lag, 0n)),
        partitions: mine.length,
        uncommitted: mine.filter(([where]) => (committed.get(where) ?? -1n) < 0n).length,
      };
    });
    const group = described.get(groupId);
    rows.push({
      groupId,
      state: group?.state ?? 'Unknown',
      members: group?.members.length ?? 0,
      topics,
      totalLag: topics.reduce((sum, t) => sum + t.lag, 0),
      deadLetter: await ownDeadLetterTopic(admin, existing, options.prefix, groupId, sizes),
    });
  }
  return rows;
}

async function ownDeadLetterTopic(
  admin: GroupsAdmin,
  existing: readonly string[],
  prefix: string,
  groupId: string,
  sizes: Map<string, number>,
): Promise<GroupRow['deadLetter']> {
  let topic: string;
  try {
    topic = deadLetterTopicFor(prefix, groupId);
  } catch {
    return undefined; // a group id that cannot name a topic has none
  }
  if (!existing.includes(topic)) return undefined;
  let records = sizes.get(topic);
  if (records === undefined) {
    records = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    sizes.set(topic, records);
  }
  return { topic, records };
}
