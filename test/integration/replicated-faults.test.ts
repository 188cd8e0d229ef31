import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../src/devstack/cluster.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { deliveryFaults, leaderOfBusiest, testCluster } from '../support/cluster.js';
import { uniquePrefix } from '../support/kafka.js';
import { acknowledgedMore, eachRecordAcknowledgedMore, startLoad } from '../support/load.js';
import { schemasWith } from '../support/schemas.js';

/** Three nodes of our own (42092, 42192, 42292): the shared broker and the other files are never touched. */
const cluster = testCluster();
/** Only the types the load sends: a restarted node recovers each partition, and the whole catalogue has dozens of topics. */
const schemasDir = schemasWith(['CONVERSATION_STARTED', 'CONVERSATION_COMPLETED', 'DOCUMENT_UPLOADED']);

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const gone = async (node: ClusterNode) => (await node.pid()) === undefined;

describe('a bridge on three replicated nodes (replication factor 3, min.insync.replicas 2) under load', () => {
  let brokers: string[];
  const bridges: TestBridge[] = [];
  const bridgeOn = async (name: string, env: Record<string, string> = {}) => {
    const bridge = await startTestBridge(
      brokers,
      uniquePrefix(name),
      {
        TOPIC_REPLICATION_FACTOR: '3',
        TOPIC_PARTITIONS: '3',
        PUBLISH_TIMEOUT_MS: '3000',
        ...env,
      },
      { schemasDir },
    );
    bridges.push(bridge);
    return bridge;
  };
  beforeAll(async () => {
    // Fresh: a node restarted after SIGKILL recovers every partition it holds, and old runs' topics add up.
    await cluster.reset();
    brokers = (await cluster.start()).brokers;
  }, 180_000);
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await cluster.stop();
  }, 120_000);

  for (const fault of ['SIGKILL', 'SIGSTOP'] as const) {
    it(`keeps every recordId flowing after the leader of the busiest partition gets ${fault}, answering only 200 or 503, losing nothing acknowledged and keeping each recordId's order`, async () => {
      const bridge = await bridgeOn(`replicated-${fault.toLowerCase()}`);
      const load = startLoad({ target: () => bridge.bridge.url, workers: 6, backoffMs: 100, keepBodies: true });
      await acknowledgedMore(load, 50);
      const leader = await leaderOfBusiest(cluster, bridge.topics.log);
      await leader.signal(fault);
      let back: Promise<unknown> = Promise.resolve();
      try {
        // A replica takes over while the old leader is still dead or frozen.
        await eachRecordAcknowledgedMore(load, 5, 60_000);
      } finally {
        // Back while the events are read: the next test needs all three nodes.
        back = fault === 'SIGSTOP' ? leader.signal('SIGCONT') : leader.start();
      }
      const report = await load.stop();
      const faults = await deliveryFaults(brokers, bridge.topics.log, report);
      await back;

      expect(Object.keys(report.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
      expect(faults).toMatchObject({ missing: [], outOfOrder: [] });
    }, 150_000);
  }

  it('never answers 200 while two of three nodes are down: 503, or 202 spooled with OUTAGE_POLICY=spool, then publishes what it spooled', async () => {
    const rejecting = await bridgeOn('replicated-minority');
    const spooling = await bridgeOn('replicated-spool', {
      OUTAGE_POLICY: 'spool',
      SPOOL_DIR: await mkdtemp(join(tmpdir(), 'popp-replicated-spool-')),
    });
    /** Answers to requests sent after both nodes were dead and answered before either came back. */
    const whileDown: Record<string, string[]> = { rejecting: [], spooling: [] };
    let downSince = Number.POSITIVE_INFINITY;
    let downUntil = Number.POSITIVE_INFINITY;
    const watch = (name: string) => (status: number | string, _eventId: string, startedAt: number) => {
      if (startedAt >= downSince && Date.now() < downUntil) whileDown[name]?.push(String(status));
    };
    const loads = [
      startLoad({ target: () => rejecting.bridge.url, workers: 3, backoffMs: 100, onAnswer: watch('rejecting') }),
      startLoad({ target: () => spooling.bridge.url, workers: 3, backoffMs: 100, onAnswer: watch('spooling') }),
    ];
    await Promise.all(loads.map((load) => acknowledgedMore(load, 50)));

    const leader = await leaderOfBusiest(cluster, rejecting.topics.log);
    const down = [leader, cluster.nodes.find((node) => node !== leader) as ClusterNode];
    await Promise.all(down.map((node) => node.signal('SIGKILL')));
    await waitFor('both nodes to be gone', async () => (await Promise.all(down.map(gone))).every(Boolean));
    downSince = Date.now();
    try {
      await waitFor(
        'answers while two nodes are down',
        () => (whileDown.rejecting?.length ?? 0) >= 10 && (whileDown.spooling?.length ?? 0) >= 20,
      );
    } finally {
      downUntil = Date.now();
      await Promise.all(down.map((node) => node.start()));
    }
    await Promise.all(loads.map((load) => acknowledgedMore(load, 50, 90_000)));
    let readiness = '';
    await waitFor('the spool to drain', async () => {
      readiness = await (await fetch(`${spooling.bridge.url}/readyz`)).text();
      return (JSON.parse(readiness) as { detail?: string }).detail === 'ok';
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${readiness}`);
    });
    const [rejected, spooled] = await Promise.all(loads.map((load) => load.stop()));

    expect(new Set(whileDown.rejecting)).toEqual(new Set(['503']));
    expect(new Set(whileDown.spooling)).toEqual(new Set(['202']));
    for (const [bridge, report] of [
      [rejecting, rejected],
      [spooling, spooled],
    ] as const) {
      expect(await deliveryFaults(brokers, bridge.topics.log, report as NonNullable<typeof report>)).toMatchObject({ missing: [] });
    }
  }, 180_000);
});
