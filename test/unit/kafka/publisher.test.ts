import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { BridgeError, KafkaRefusedError } from '../../../src/errors.js';
import { createBatchingPublisher, type TopicBatch } from '../../../src/kafka/publisher.js';

/** kafkajs' own error for a broker's error code, as its protocol layer builds it (its typings know only the message). */
const protocolError = (type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code, retriable, message: type } as unknown as Error);

const record = (key: string, topic = 't'): OutgoingRecord => ({ topic, key, value: Buffer.from(key), headers: {} });

/** An in-memory SendBatch whose acknowledgements the test releases by hand. */
function manualSender() {
  const batches: TopicBatch[][] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const send = (batch: TopicBatch[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(batch);
      pending.push({ resolve, reject });
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { batches, pending, send, tick };
}

describe('batching publisher', () => {
  it('sends the records of concurrent requests in one batch, grouped by topic in arrival order', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000 });
    const done = Promise.all([publisher.publish([record('a'), record('a', 'log')]), publisher.publish([record('b'), record('b', 'log')])]);
    await sender.tick();
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0]?.map((b) => [b.topic, b.messages.map((m) => m.key)])).toEqual([
      ['t', ['a', 'b']],
      ['log', ['a', 'b']],
    ]);
    sender.pending[0]?.resolve();
    await done;
  });

  it('holds a request while an earlier one with its key is in flight, and sends other keys alongside', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000 });
    const first = publisher.publish([record('k1')]);
    await sender.tick();
    const sameKey = publisher.publish([record('k1')]);
    const otherKey = publisher.publish([record('k2')]);
    await sender.tick();
    expect(sender.batches.map((batch) => batch[0]?.messages.map((m) => m.key))).toEqual([['k1'], ['k2']]);
    sender.pending[1]?.resolve();
    await otherKey;
    await sender.tick();
    expect(sender.batches).toHaveLength(2);
    sender.pending[0]?.resolve();
    await first;
    await sender.tick();
    expect(sender.batches[2]?.[0]?.messages.map((m) => m.key)).toEqual(['k1']);
    sender.pending[2]?.resolve();
    await sameKey;
  });

  it('keeps queue order for a key even behind requests skipped in the same pass', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000, maxInFlightBatches: 1 });
    const answers = [publisher.publish([record('a')])];
    await sender.tick();
    answers.push(publisher.publish([record('b')]), publisher.publish([record('a')]), publisher.publish([record('b')]));
    await sender.tick();
    expect(sender.batches).toHaveLength(1);
    sender.pending[0]?.resolve();
    await sender.tick();
    expect(sender.batches[1]?.[0]?.messages.map((m) => m.key)).toEqual(['b', 'a', 'b']);
    sender.pending[1]?.resolve();
    await Promise.all(answers);
  });

  it('answers only after the acknowledgement, and fails every request of a failed batch as retriable', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000 });
    let settled = false;
    const answer = publisher.publish([record('a')]).finally(() => {
      settled = true;
    });
    await sender.tick();
    expect(settled).toBe(false);
    sender.pending[0]?.reject(new Error('broker gone'));
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'kafka_unavailable', status: 503, retriable: true });
  });

  it('times a stuck send out, and does not send requests that timed out while queued', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 50 });
    const stuck = publisher.publish([record('k')]).catch((error: unknown) => error);
    await sender.tick();
    // Same key: it must wait for the stuck send, so it times out unsent.
    const queued = publisher.publish([record('k')]).catch((error: unknown) => error);
    expect(await stuck).toMatchObject({ code: 'publish_timeout' });
    expect(await queued).toMatchObject({ code: 'publish_timeout' });
    sender.pending[0]?.resolve();
    await sender.tick();
    expect(sender.batches).toHaveLength(1);
    // Recovery: the next request goes through once the stuck send has settled.
    const next = publisher.publish([record('next')]);
    await sender.tick();
    sender.pending[1]?.resolve();
    await next;
    expect(sender.batches[1]?.[0]?.messages.map((m) => m.key)).toEqual(['next']);
  });

  it('splits batches at the record and byte bounds', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000, maxBatchRecords: 2 });
    const all = Promise.all(['a', 'b', 'c'].map((key) => publisher.publish([record(key)])));
    await sender.tick();
    sender.pending[0]?.resolve();
    await sender.tick();
    sender.pending[1]?.resolve();
    await all;
    expect(sender.batches.map((batch) => batch[0]?.messages.length)).toEqual([2, 1]);
  });

  it('refuses new work as overloaded past the queue bound', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000, maxQueuedRecords: 1 });
    const first = publisher.publish([record('a')]);
    await expect(publisher.publish([record('b')])).rejects.toMatchObject({ code: 'overloaded' });
    await sender.tick();
    sender.pending[0]?.resolve();
    await first;
  });

  it('forgets requests that timed out while queued, so the queue bound frees again', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 30, maxQueuedRecords: 2 });
    // Handlers attached at once: both reject while the test awaits something else.
    const stuck = publisher.publish([record('k')]).catch((error: unknown) => error);
    await sender.tick();
    const waiting = publisher.publish([record('k'), record('k', 'log')]).catch((error: unknown) => error);
    expect(await waiting).toMatchObject({ code: 'publish_timeout' });
    expect(await stuck).toMatchObject({ code: 'publish_timeout' });
    sender.pending[0]?.resolve();
    await sender.tick();
    const after = publisher.publish([record('k'), record('k', 'log')]);
    await sender.tick();
    sender.pending[1]?.resolve();
    await expect(after).resolves.toBeUndefined();
  });

  it('drains: resolves once nothing is queued or in flight', async () => {
    const sender = manualSender();
    const publisher = createBatchingPublisher({ send: sender.send, timeoutMs: 1_000 });
    const published = publisher.publish([record('a')]);
    let drained = false;
    const drain = publisher.drain().then(() => {
      drained = true;
    });
    await sender.tick();
    expect(drained).toBe(false);
    sender.pending[0]?.resolve();
    await Promise.all([published, drain]);
    expect(drained).toBe(true);
  });

  it('fails only the request whose record Kafka refused for good, publishes the rest of its batch, and keeps each key in order', async () => {
    // What kafkajs' retrier throws for a partition answered MESSAGE_TOO_LARGE: its protocol error as the cause.
    const tooLarge = () => {
      const protocol = protocolError('MESSAGE_TOO_LARGE', 10, false);
      return new (KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error)(protocol, { cause: protocol });
    };
    const sent: string[][] = [];
    const send = async (batch: TopicBatch[]) => {
      const keys = batch.flatMap((topic) => topic.messages.map((message) => message.key ?? ''));
      sent.push(keys);
      if (keys.includes('poison')) throw tooLarge();
    };
    const publisher = createBatchingPublisher({ send, timeoutMs: 1_000 });
    const answers = ['a', 'b', 'poison', 'a', 'c'].map((key) =>
      publisher.publish([record(key)]).then(
        () => 'ok',
        (error: unknown) => error,
      ),
    );
    const [a1, b, poison, a2, c] = await Promise.all(answers);
    expect([a1, b, a2, c]).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(poison).toBeInstanceOf(KafkaRefusedError);
    expect(poison).toMatchObject({ kafkaError: 'MESSAGE_TOO_LARGE' });
    // Halves go one after the other: 'a' is never sent after its successor.
    const delivered = sent.filter((keys) => !keys.includes('poison')).flat();
    expect(delivered.filter((key) => key === 'a')).toHaveLength(2);
    expect(sent.at(-1)).not.toContain('poison');
  });

  it('treats a corrupt-record answer that outlived kafkajs retries as permanent, and a lost broker as retriable', async () => {
    const corrupt = new KafkaJSNumberOfRetriesExceeded(protocolError('CORRUPT_MESSAGE', 2, true), { retryCount: 2, retryTime: 100 });
    const refused = createBatchingPublisher({ send: () => Promise.reject(corrupt), timeoutMs: 1_000 });
    await expect(refused.publish([record('a')])).rejects.toMatchObject({ name: 'KafkaRefusedError', kafkaError: 'CORRUPT_MESSAGE' });
    const notLeader = new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', 6, true), {
      retryCount: 2,
      retryTime: 100,
    });
    const transient = createBatchingPublisher({ send: () => Promise.reject(notLeader), timeoutMs: 1_000 });
    await expect(transient.publish([record('a')])).rejects.toMatchObject({ code: 'kafka_unavailable', retriable: true });
  });

  it('answers too few in-sync replicas as retriable (a 503 or a spooled 202), never as a refusal to dead-letter', async () => {
    for (const [type, code] of [
      ['NOT_ENOUGH_REPLICAS', 19],
      ['NOT_ENOUGH_REPLICAS_AFTER_APPEND', 20],
    ] as const) {
      const answer = new KafkaJSNumberOfRetriesExceeded(protocolError(type, code, true), { retryCount: 2, retryTime: 100 });
      const publisher = createBatchingPublisher({ send: () => Promise.reject(answer), timeoutMs: 1_000 });
      await expect(publisher.publish([record('a')]), type).rejects.toMatchObject({ code: 'kafka_unavailable', retriable: true });
    }
  });
});
