import { type ClusterNode, createLocalCluster, type LocalCluster } from '../../src/devstack/cluster.js';
import { devstackHome } from '../../src/paths.js';
import { readRecords, testKafka } from './kafka.js';
import type { LoadReport } from './load.js';
import { readBack } from './readback.js';

/**
 * The three-node cluster of the replicated fault tests, on ports of its own
 * (brokers 42092, 42192, 42292; controllers one above each), so killing its
 * nodes touches nothing the other files use.
 */
export function testCluster(port = 42092): LocalCluster {
  return createLocalCluster({ home: devstackHome, port });
}

/** The node leading the partition of `topic` that holds the most records: where a fault hurts the load most. */
export async function leaderOfBusiest(cluster: LocalCluster, topic: string): Promise<ClusterNode> {
  const admin = testKafka(cluster.brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const busiest = offsets.reduce((best, next) => (Number(next.high) > Number(best.high) ? next : best));
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const leader = metadata?.partitions.find((partition) => partition.partitionId === busiest.partition)?.leader;
    const node = cluster.nodes.find((candidate) => candidate.nodeId === leader);
    if (!node) throw new Error(`no live leader for ${topic}[${busiest.partition}] (leader ${leader})`);
    return node;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every acknowledged event back from `topic` and returns what is wrong:
 * acknowledged eventIds not in Kafka, and recordIds whose events are not in
 * the order their sender had them acknowledged (first copy of each eventId;
 * a retried send may add a later duplicate). Needs a load run with `keepBodies`.
 */
export async function deliveryFaults(
  brokers: string[],
  topic: string,
  report: LoadReport,
): Promise<{ missing: string[]; outOfOrder: string[]; records: number }> {
  const back = await readBack(brokers, topic, report.acknowledged, { timeoutMs: 60_000 });
  if (back.missing.length > 0) return { missing: back.missing, outOfOrder: [], records: back.records };
  const records = await readRecords(brokers, [topic], back.records, { timeoutMs: 60_000 });
  const kafkaOrder = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const record of records) {
    const id = record.headers['event-id'] ?? '';
    if (seen.has(id) || !report.acknowledged.has(id)) continue;
    seen.add(id);
    kafkaOrder.set(record.key ?? '', [...(kafkaOrder.get(record.key ?? '') ?? []), id]);
  }
  const sentOrder = new Map<string, string[]>();
  for (const sent of report.bodies) sentOrder.set(sent.recordId, [...(sentOrder.get(sent.recordId) ?? []), sent.eventId]);
  const outOfOrder = [...sentOrder].filter(([key, ids]) => (kafkaOrder.get(key) ?? []).join() !== ids.join()).map(([key]) => key);
  return { missing: [], outOfOrder, records: records.length };
}
