import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { FRAME_HEADER_BYTES } from '../../../src/disk/frame.js';
import { BridgeError } from '../../../src/errors.js';
import type { Publisher } from '../../../src/kafka/publisher.js';
import { createSpoolingDelivery } from '../../../src/spool/delivery.js';
import { decodeEntry } from '../../../src/spool/entry.js';

const record = (key: string): OutgoingRecord => ({
  topic: 'popp.events',
  key,
  value: Buffer.from(`{"k":"${key}"}`),
  headers: { 'event-id': key },
});

/** Our own Publisher and journal interfaces, in memory: what was published, what was appended. */
function setup(options: { fail?: Error; connected?: boolean; full?: boolean } = {}) {
  const published: string[] = [];
  const spooled: string[] = [];
  let held = 0;
  const publisher: Publisher = {
    async publish(records) {
      if (options.fail) throw options.fail;
      published.push(...records.map((r) => r.key ?? ''));
    },
    drain: async () => {},
  };
  const journal = {
    isEmpty: () => held === 0,
    async append(frame: Buffer) {
      if (options.full) throw new BridgeError('spool_full');
      held++;
      spooled.push(...decodeEntry(frame.subarray(FRAME_HEADER_BYTES)).records.map((r) => r.key ?? ''));
    },
  };
  const deliver = createSpoolingDelivery({ publisher, journal, kafkaConnected: () => options.connected ?? true, now: () => 42 });
  return { deliver, published, spooled };
}

describe('delivery with OUTAGE_POLICY=spool', () => {
  it('publishes directly while the spool is empty and Kafka takes the records', async () => {
    const { deliver, published, spooled } = setup();
    expect(await deliver([record('a')])).toBe('published');
    expect(published).toEqual(['a']);
    expect(spooled).toEqual([]);
  });

  it.each(['publish_timeout', 'kafka_unavailable', 'overloaded'] as const)(
    'spools the records when the publish fails with %s',
    async (code) => {
      const { deliver, spooled } = setup({ fail: new BridgeError(code) });
      expect(await deliver([record('a'), record('a')])).toBe('spooled');
      expect(spooled).toEqual(['a', 'a']);
    },
  );

  it('lets a failure that waiting would not cure through instead of spooling it', async () => {
    const { deliver, spooled } = setup({ fail: new Error('a bug') });
    await expect(deliver([record('a')])).rejects.toThrow('a bug');
    expect(spooled).toEqual([]);
  });

  it('sends every event through the spool while it holds anything, without asking Kafka, so order per key is kept', async () => {
    const { deliver, published, spooled } = setup({ fail: new BridgeError('publish_timeout') });
    await deliver([record('a')]);
    let asked = 0;
    const behind = createSpoolingDelivery({
      publisher: { publish: async () => void asked++, drain: async () => {} },
      journal: { isEmpty: () => spooled.length === 0, append: async () => void spooled.push('b') },
      kafkaConnected: () => true,
    });
    expect(await behind([record('b')])).toBe('spooled');
    expect(asked).toBe(0);
    expect(published).toEqual([]);
    expect(spooled).toEqual(['a', 'b']);
  });

  it('spools without trying Kafka before it was ever connected', async () => {
    const { deliver, published, spooled } = setup({ connected: false });
    expect(await deliver([record('a')])).toBe('spooled');
    expect(published).toEqual([]);
    expect(spooled).toEqual(['a']);
  });

  it('answers spool_full (a 503) when Kafka cannot take the event and the spool has no room', async () => {
    const { deliver } = setup({ fail: new BridgeError('kafka_unavailable'), full: true });
    await expect(deliver([record('a')])).rejects.toMatchObject({ code: 'spool_full', status: 503 });
  });
});

describe('delivery once the spool drains again under steady load', () => {
  /** A spool holding one entry that the test empties by hand, as the drainer would. */
  function draining(flowing: boolean) {
    const published: string[] = [];
    const spooled: string[] = [];
    let held = 1;
    let empty: () => void = () => {};
    const deliver = createSpoolingDelivery({
      publisher: { publish: async (records) => void published.push(...records.map((r) => r.key ?? '')), drain: async () => {} },
      journal: {
        isEmpty: () => held === 0,
        append: async (frame: Buffer) => {
          held++;
          spooled.push(...decodeEntry(frame.subarray(FRAME_HEADER_BYTES)).records.map((r) => r.key ?? ''));
        },
      },
      kafkaConnected: () => true,
      catchUp: {
        flowing: () => flowing,
        // Resolved by the test alone: as if the backlog went within any wait.
        whenEmpty: () =>
          new Promise<void>((resolve) => {
            empty = resolve;
          }),
      },
      catchUpMs: 60_000,
    });
    const drained = () => {
      held = 0;
      empty();
    };
    return { deliver, published, spooled, drained };
  }

  it('waits for the backlog to be gone, then publishes directly instead of spooling behind it', async () => {
    const { deliver, published, spooled, drained } = draining(true);
    const answer = deliver([record('b')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([]);
    drained();
    expect(await answer).toBe('published');
    expect(published).toEqual(['b']);
    expect(spooled).toEqual([]);
  });

  it('spools at once, without waiting, while the drainer cannot get the backlog into Kafka', async () => {
    const { deliver, published, spooled } = draining(false);
    expect(await deliver([record('b')])).toBe('spooled');
    expect(published).toEqual([]);
    expect(spooled).toEqual(['b']);
  });

  it('spools behind the backlog when it is not gone within the wait', async () => {
    const published: string[] = [];
    const spooled: string[] = [];
    const deliver = createSpoolingDelivery({
      publisher: { publish: async (records) => void published.push(...records.map((r) => r.key ?? '')), drain: async () => {} },
      journal: { isEmpty: () => false, append: async () => void spooled.push('b') },
      kafkaConnected: () => true,
      catchUp: { flowing: () => true, whenEmpty: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      catchUpMs: 5,
    });
    expect(await deliver([record('b')])).toBe('spooled');
    expect(published).toEqual([]);
    expect(spooled).toEqual(['b']);
  });
});
