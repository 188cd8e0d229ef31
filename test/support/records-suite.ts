import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkajsEncoderState } from '../../src/kafka/kafkajs-encoders.js';
import { javaPartition } from '../../src/kafka/murmur2.js';
import { RECORD_MODULE } from '../../src/kafka/record-encoder.js';
import { startTestBridge, type TestBridge } from './bridge.js';
import { conversation, documentUploaded, signed } from './events.js';
import { readRecords, uniquePrefix } from './kafka.js';

const brokers = inject('kafkaBrokers');

/**
 * The record contract (docs/kafka-contract.md), on whichever encoding path
 * this process takes: records.test.ts runs it with the project's encoders,
 * records-stock.test.ts with kafkajs as shipped (each test file is a process of its own).
 */
export function describeRecords(path: 'fast' | 'stock'): void {
  describe(`the records in Kafka, written by ${path === 'fast' ? "the project's encoders" : 'kafkajs as shipped'}`, () => {
    let bridge: TestBridge;
    beforeAll(async () => {
      bridge = await startTestBridge(brokers, uniquePrefix(`records-${path}`), {
        KAFKA_FAST_ENCODERS: String(path === 'fast'),
        TOPIC_PARTITIONS: '6',
      });
    });
    afterAll(() => bridge?.close());

    it(`writes through ${path === 'fast' ? "the project's record and produce-request encoders" : "kafkajs' own encoders"} (what these records prove)`, async () => {
      const loaded = createRequire(import.meta.url)(RECORD_MODULE) as { stock?: unknown };
      if (path === 'fast') {
        expect(await kafkajsEncoderState()).toEqual({ record: true, produce: true, growth: true });
        expect(loaded.stock).toBeDefined();
      } else {
        expect(kafkajsEncoderState()).toBeUndefined();
        expect(loaded.stock).toBeUndefined();
      }
    });

    it('puts each recordId in the partition Java clients compute (murmur2 of the key)', async () => {
      const recordIds = Array.from({ length: 40 }, (_, i) => `conv_partition_${i}_é`);
      for (const recordId of recordIds) expect((await bridge.post(conversation('CONVERSATION_COMPLETED', recordId))).status).toBe(200);
      const records = await readRecords(brokers, [`${bridge.prefix}conversation.completed`], recordIds.length);
      expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
      for (const record of records) expect(record.partition).toBe(javaPartition(record.key as string, 6));
    });

    it("keeps one record's events in acknowledgement order across types in the log topic", async () => {
      const recordId = 'conv_ordered';
      const sequence = [
        conversation('CONVERSATION_STARTED', recordId),
        documentUploaded({ recordId }),
        documentUploaded({ recordId }),
        conversation('CONVERSATION_COMPLETED', recordId),
      ];
      for (const event of sequence) expect((await bridge.post(event)).status).toBe(200);
      const log = await readRecords(brokers, [bridge.topics.log], 1, { settleMs: 1_500 });
      const mine = log.filter((r) => r.key === recordId);
      expect(mine.map((r) => r.headers['event-id'])).toEqual(sequence.map((e) => e.eventId));
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
    });

    it('stores the body bytes exactly as received: pretty-printed and non-ASCII', async () => {
      const pretty = Buffer.from(JSON.stringify(conversation('CONVERSATION_STARTED', 'conv_pretty'), null, 4));
      const unicode = Buffer.from(
        JSON.stringify({ ...documentUploaded({ recordId: 'conv_ünïcødé' }), note: 'Zoë Ångström — 履歴書 📄' }).replace(
          '"note"',
          ' "note" ',
        ),
      );
      for (const body of [pretty, unicode]) expect((await bridge.post(body)).status).toBe(200);
      const records = await readRecords(brokers, [bridge.topics.log], 1, { settleMs: 1_500 });
      expect(records.some((r) => r.value.equals(pretty))).toBe(true);
      const stored = records.find((r) => r.key === 'conv_ünïcødé');
      expect(stored?.value.equals(unicode)).toBe(true);
    });

    it('carries every header of the contract, traceparent and signature as received', async () => {
      const event = documentUploaded({ recordId: 'conv_headers' });
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      expect((await bridge.post(event, { traceparent })).status).toBe(200);
      const records = await readRecords(brokers, [`${bridge.prefix}document.uploaded`], 1, { settleMs: 1_500 });
      const record = records.find((r) => r.headers['event-id'] === event.eventId);
      expect(record?.headers).toMatchObject({
        'event-type': 'DOCUMENT_UPLOADED',
        'event-id': event.eventId,
        'event-timestamp': event.eventTimestamp,
        'record-id': 'conv_headers',
        'organization-id': 'org_xyz789',
        'content-type': 'application/json',
        'x-signature': signed(event).headers['x-signature'],
        traceparent,
        ce_specversion: '1.0',
        ce_id: event.eventId,
        ce_type: 'DOCUMENT_UPLOADED',
        ce_source: 'urn:popp:webhook',
        ce_time: event.eventTimestamp,
        ce_subject: 'conv_headers',
      });
      expect(Date.parse(record?.headers['received-at'] ?? '')).not.toBeNaN();
    });
  });
}
