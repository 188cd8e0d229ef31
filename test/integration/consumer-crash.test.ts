import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, produce, uniqueGroup } from '../support/consumer.js';
import { documentUploaded } from '../support/events.js';
import { countRows, spawnFixture } from '../support/examples.js';
import { testKafka, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('a consumer killed between two commits', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'popp-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets the records since its last commit again, and its idempotency store makes them harmless', async () => {
    const prefix = uniquePrefix('crash');
    const topic = `${prefix}document.uploaded`;
    const dbPath = join(dir, 'effects.sqlite');
    const group = uniqueGroup('crash');
    const env = { KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: prefix, CRASH_DB: dbPath, CRASH_GROUP: group };
    const send = async (recordId: string, count: number) => {
      const events = Array.from({ length: count }, () => documentUploaded({ recordId }));
      await produce(
        brokers,
        topic,
        events.map((event) => ({ key: recordId, value: Buffer.from(JSON.stringify(event)) })),
      );
    };
    const effects = (recordId: string) => countRows(dbPath, `SELECT count(*) FROM effects WHERE record_id = '${recordId}'`);
    const committed = async () => {
      const admin = testKafka(brokers).admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      } finally {
        await admin.disconnect();
      }
    };

    const crashing = spawnFixture('crash-consumer', { ...env, CRASH_AFTER_RECORD: 'conv_crash_b' });
    await eventually(
      () => crashing.lines.some((line) => line.includes('consumer started')),
      30_000,
      () => crashing.lines.join('\n'),
    );
    await send('conv_crash_a', 5);
    // A first commit: everything of conv_crash_a is applied and committed.
    await eventually(() => effects('conv_crash_a') === 5, 30_000);
    for (let wait = 0; (await committed()) < 5; wait++) {
      if (wait > 100) throw new Error('the first batch was never committed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await send('conv_crash_b', 10);
    expect(await crashing.exited).toBe(null); // killed by its own SIGKILL, right after its database committed
    expect(effects('conv_crash_b')).toBe(10);
    expect(await committed()).toBe(5); // …and before Kafka did

    const restarted = spawnFixture('crash-consumer', env);
    await eventually(
      () => restarted.lines.some((line) => line.includes('consumer started')),
      30_000,
      () => restarted.lines.join('\n'),
    );
    for (let wait = 0; (await committed()) < 15; wait++) {
      if (wait > 200) throw new Error(`the restarted consumer never committed: ${restarted.lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(restarted.stoppedStats()).toMatchObject({ handled: 0, duplicates: 10 });
    expect(effects('conv_crash_b')).toBe(10);
    expect(countRows(dbPath, 'SELECT count(*) FROM (SELECT event_id FROM effects GROUP BY event_id HAVING count(*) > 1)')).toBe(0);
  });
});
