import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ConsumedEvent, type Consumer, createMemoryIdempotencyStore } from '../../src/consumer/index.js';
import { javaPartition } from '../../src/kafka/murmur2.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { produce, startTestConsumer, uniqueGroup } from '../support/consumer.js';
import { documentUploaded } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';
import { registryGet } from '../support/registry.js';

const brokers = inject('kafkaBrokers');

describe('the consumer SDK against a real broker', () => {
  let bridge: TestBridge;
  let documents: string;
  const running: Consumer[] = [];
  const start = async (options: Parameters<typeof startTestConsumer>[2]) => {
    const consumer = await startTestConsumer(brokers, bridge.prefix, options);
    running.push(consumer);
    return consumer;
  };
  const post = async (events: ReturnType<typeof documentUploaded>[]) => {
    for (const event of events) expect((await bridge.post(event)).status).toBe(200);
  };
  const uploads = (recordId: string, count: number) => Array.from({ length: count }, () => documentUploaded({ recordId }));

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('consumer'));
    documents = `${bridge.prefix}document.uploaded`;
  });
  afterAll(async () => {
    await Promise.all(running.map((consumer) => consumer.stop()));
    await bridge?.close();
  });

  it('reads the same events in two groups independently: a stopped group catches up on restart, the other is unaffected', async () => {
    // At least once: a rebalance while a commit is in flight may hand a record over again (seen in CI under load),
    // so each group's view is its distinct eventIds in first-seen order; anything missing or reordered still fails.
    const seen = { a: new Set<string>(), b: new Set<string>() };
    const view = (group: Set<string>) => [...group];
    const handlers = (into: Set<string>) => ({
      DOCUMENT_UPLOADED: (event: ConsumedEvent<'DOCUMENT_UPLOADED'>) => {
        if (event.recordId === 'conv_groups') into.add(event.eventId);
      },
    });
    const [groupA, groupB] = [uniqueGroup('groups-a'), uniqueGroup('groups-b')];
    const first = uploads('conv_groups', 3);
    await post(first);
    let a = await start({ groupId: groupA, handlers: handlers(seen.a) });
    const b = await start({ groupId: groupB, handlers: handlers(seen.b) });
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    expect(view(seen.a)).toEqual(first.map((e) => e.eventId));
    expect(view(seen.b)).toEqual(first.map((e) => e.eventId));

    await a.stop();
    const second = uploads('conv_groups', 3);
    await post(second);
    await b.caughtUp();
    const all = [...first, ...second].map((e) => e.eventId);
    expect(view(seen.b)).toEqual(all);
    expect(view(seen.a)).toEqual(first.map((e) => e.eventId));

    a = await start({ groupId: groupA, handlers: handlers(seen.a) });
    await a.caughtUp();
    expect(view(seen.a)).toEqual(all);
    expect(view(seen.b)).toEqual(all);
  });

  it('handles a record once when its handler fails twice then succeeds, and commits it', async () => {
    const target = documentUploaded({ recordId: 'conv_flaky' });
    await post([target]);
    const tries: number[] = [];
    let applied = 0;
    const flaky = {
      DOCUMENT_UPLOADED: (event: ConsumedEvent<'DOCUMENT_UPLOADED'>, { attempt }: { attempt: number }) => {
        if (event.eventId !== target.eventId) return;
        tries.push(attempt);
        if (attempt < 3) throw new Error(`flaky dependency, try ${attempt}`);
        applied++;
      },
    };
    const groupId = uniqueGroup('flaky');
    const consumer = await start({ groupId, handlers: flaky, idempotency: createMemoryIdempotencyStore() });
    await consumer.caughtUp();
    expect(tries).toEqual([1, 2, 3]);
    expect(applied).toBe(1);
    expect(consumer.stats()).toMatchObject({ retries: 2, deadLettered: 0 });
    expect(await recordCount(brokers, [consumer.deadLetterTopic])).toBe(0);

    // Committed: the same group, started again, does not see it again.
    await consumer.stop();
    const again = await start({ groupId, handlers: flaky });
    await again.caughtUp();
    expect(tries).toEqual([1, 2, 3]);
  });

  it("sends poison records to the group's dead-letter topic with the reason, and moves on", async () => {
    const notJson = Buffer.from('{"event": "DOCUMENT_UPLOADED", oops');
    const invalid = Buffer.from(
      JSON.stringify({ ...documentUploaded({ recordId: 'conv_poison' }), data: { recordId: 'conv_poison', organizationId: 'org_1' } }),
    );
    const failing = documentUploaded({ recordId: 'conv_poison' });
    const after = documentUploaded({ recordId: 'conv_poison' });
    await produce(brokers, documents, [
      { key: 'conv_poison', value: notJson },
      { key: 'conv_poison', value: invalid },
    ]);
    await post([failing, after]);
    const handled: string[] = [];
    const consumer = await start({
      groupId: uniqueGroup('poison'),
      handlers: {
        DOCUMENT_UPLOADED: (event) => {
          if (event.eventId === failing.eventId) throw new TypeError('cannot file this document');
          if (event.recordId === 'conv_poison') handled.push(event.eventId);
        },
      },
    });
    await consumer.caughtUp();
    expect(handled).toEqual([after.eventId]);

    const letters = await readRecords(brokers, [consumer.deadLetterTopic], 3);
    expect(letters.map((r) => r.headers['dead-letter-reason'])).toEqual(['invalid-json', 'schema-violation', 'handler-failed']);
    expect(letters[0]?.value.equals(notJson)).toBe(true);
    expect(letters[1]?.value.equals(invalid)).toBe(true);
    const last = letters[2];
    expect(last?.key).toBe('conv_poison');
    expect(last?.headers).toMatchObject({
      'dead-letter-detail': 'TypeError: cannot file this document',
      'dead-letter-attempts': '3',
      'dead-letter-group': consumer.groupId,
      'dead-letter-source-topic': documents,
      'event-id': failing.eventId,
    });
    expect(consumer.deadLetterTopic).toBe(`${bridge.prefix}dead-letter.${consumer.groupId}`);
  });

  it('skips an eventId it already processed when the topic holds a second copy', async () => {
    const event = documentUploaded({ recordId: 'conv_copy' });
    const body = Buffer.from(JSON.stringify(event));
    // Two copies of one event, as after a 503 whose write landed late and Popp's retry.
    await produce(brokers, documents, [
      { key: 'conv_copy', value: body },
      { key: 'conv_copy', value: body },
    ]);
    let applied = 0;
    const consumer = await start({
      groupId: uniqueGroup('copy'),
      idempotency: createMemoryIdempotencyStore(),
      handlers: { DOCUMENT_UPLOADED: (e) => void (e.eventId === event.eventId && applied++) },
    });
    await consumer.caughtUp();
    expect(applied).toBe(1);
    // The second copy is skipped; a redelivery after a rebalance would be skipped as well (at least once).
    expect(consumer.stats().duplicates).toBeGreaterThanOrEqual(1);
  });

  it('lets the record in hand finish on stop, and repeats nothing when the group starts again', async () => {
    const events = uploads('conv_stop', 20);
    await post(events);
    const handled: string[] = [];
    const groupId = uniqueGroup('stop');
    const slow = {
      DOCUMENT_UPLOADED: async (event: ConsumedEvent<'DOCUMENT_UPLOADED'>) => {
        if (event.recordId !== 'conv_stop') return;
        await new Promise((resolve) => setTimeout(resolve, 30));
        handled.push(event.eventId);
      },
    };
    const first = await start({ groupId, handlers: slow });
    while (handled.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.stop();
    const before = handled.length;
    expect(before).toBeLessThan(20);
    const second = await start({ groupId, handlers: slow });
    await second.caughtUp();
    expect(handled).toEqual(events.map((e) => e.eventId));
    expect(handled.length).toBeGreaterThan(before);
  });
});

describe('the consumer SDK on a bridge in schema registry mode', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('consumer-registry'), {
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      TOPIC_PARTITIONS: '6',
    });
  });
  afterAll(() => bridge?.close());

  it('decodes wire-format values without a registry client and exposes key, headers, partition, offset and schema id', async () => {
    const event = documentUploaded({ recordId: 'conv_wire' });
    expect((await bridge.post(event, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).status).toBe(200);
    const topic = `${bridge.prefix}document.uploaded`;
    const registered = await registryGet<{ id: number }>(inject('schemaRegistryUrl'), `/subjects/${topic}-value/versions/latest`);
    const got: ConsumedEvent<'DOCUMENT_UPLOADED'>[] = [];
    const consumer = await startTestConsumer(brokers, bridge.prefix, {
      groupId: uniqueGroup('wire'),
      handlers: { DOCUMENT_UPLOADED: (e) => void got.push(e) },
    });
    try {
      await consumer.caughtUp();
    } finally {
      await consumer.stop();
    }
    // At least once: a rebalance right after the group's first join may hand the record over again.
    expect(new Set(got.map((e) => e.eventId))).toEqual(new Set([event.eventId]));
    const [first] = got;
    expect(first?.schemaId).toBe(registered?.id);
    expect(first?.event).toEqual(event);
    expect(first).toMatchObject({ type: 'DOCUMENT_UPLOADED', eventId: event.eventId, key: 'conv_wire', topic, offset: '0' });
    expect(first?.headers).toMatchObject({
      'event-id': event.eventId,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(first?.partition).toBe(javaPartition('conv_wire', 6));
  });
});
