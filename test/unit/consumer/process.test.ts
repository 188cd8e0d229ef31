import { describe, expect, it } from 'vitest';
import { createDecoder, type IncomingRecord } from '../../../src/consumer/decode.js';
import { createMemoryIdempotencyStore } from '../../../src/consumer/memory-store.js';
import { createProcessor, type ProcessorOptions } from '../../../src/consumer/process.js';
import type { Handlers, IdempotencyStore } from '../../../src/consumer/types.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { schemasDir } from '../../../src/paths.js';
import { conversation, documentUploaded } from '../../support/events.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'p.' });
const decode = createDecoder(catalogue);
const running = () => new AbortController().signal;

function record(value: unknown, offset = '7'): IncomingRecord {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  return { topic: 'p.document.uploaded', partition: 2, offset, key: Buffer.from('conv_1'), value: bytes, headers: { 'event-id': 'h-1' } };
}

function processor(handlers: Handlers, extra: Partial<ProcessorOptions> = {}) {
  const letters: OutgoingRecord[] = [];
  const p = createProcessor({
    groupId: 'svc',
    handlers,
    categoryOf: catalogue.categoryOf,
    decode,
    retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    deadLetterTopic: 'p.dead-letter.svc',
    sendDeadLetter: async (letter) => void letters.push(letter),
    now: () => new Date('2024-02-01T00:00:00.000Z'),
    sleep: async () => {},
    ...extra,
  });
  return { p, letters };
}

describe('processing one record', () => {
  it('gives the handler its typed event with key, headers, partition and offset', async () => {
    const event = documentUploaded({ recordId: 'conv_1' });
    const seen: unknown[] = [];
    const { p } = processor({
      DOCUMENT_UPLOADED: (e) => void seen.push([e.type, e.data.fileName, e.key, e.partition, e.offset, e.headers['event-id']]),
    });
    expect(await p.process(record(event), running())).toBe('handled');
    expect(seen).toEqual([['DOCUMENT_UPLOADED', 'cv.pdf', 'conv_1', 2, '7', 'h-1']]);
  });

  it("gives a category's handler every event of that category, and lets a type's own handler win over it", async () => {
    const seen: string[] = [];
    const { p } = processor({
      conversation: (e) => {
        seen.push(`conversation:${e.type}`);
        // Narrowed on the type, within the category.
        if (e.type === 'CONVERSATION_STARTED') expect(e.data.conversationStatus).toBeUndefined();
      },
      CONVERSATION_COMPLETED: (e) => void seen.push(`own:${e.type}`),
    });
    expect(await p.process(record(conversation('CONVERSATION_STARTED', 'conv_1')), running())).toBe('handled');
    expect(await p.process(record(conversation('CONVERSATION_COMPLETED', 'conv_1')), running())).toBe('handled');
    expect(await p.process(record(documentUploaded()), running())).toBe('skipped');
    expect(seen).toEqual(['conversation:CONVERSATION_STARTED', 'own:CONVERSATION_COMPLETED']);
  });

  it('handles a record once when the handler fails twice then succeeds', async () => {
    const tries: number[] = [];
    const { p, letters } = processor({
      DOCUMENT_UPLOADED: (_e, { attempt }) => {
        tries.push(attempt);
        if (attempt < 3) throw new Error('not yet');
      },
    });
    expect(await p.process(record(documentUploaded()), running())).toBe('handled');
    expect(tries).toEqual([1, 2, 3]);
    expect(letters).toEqual([]);
    expect(p.stats()).toMatchObject({ handled: 1, retries: 2, deadLettered: 0 });
  });

  it('dead-letters a record whose handler keeps failing, with the error and where it came from', async () => {
    const raw = record(documentUploaded());
    const { p, letters } = processor({
      DOCUMENT_UPLOADED: () => {
        throw new RangeError('no room');
      },
    });
    expect(await p.process(raw, running())).toBe('dead-lettered');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: 'p.dead-letter.svc', key: 'conv_1', value: raw.value });
    expect(letters[0]?.headers).toEqual({
      'event-id': 'h-1',
      'dead-letter-reason': 'handler-failed',
      'dead-letter-detail': 'RangeError: no room',
      'dead-letter-group': 'svc',
      'dead-letter-source-topic': 'p.document.uploaded',
      'dead-letter-source-partition': '2',
      'dead-letter-source-offset': '7',
      'dead-letter-attempts': '3',
      'dead-letter-at': '2024-02-01T00:00:00.000Z',
    });
  });

  it('dead-letters an undecodable record at once, without calling any handler', async () => {
    let called = 0;
    const { p, letters } = processor({ DOCUMENT_UPLOADED: () => void called++ });
    expect(await p.process(record(Buffer.from('nope')), running())).toBe('dead-lettered');
    expect(await p.process(record({ ...documentUploaded(), data: { recordId: 'r', organizationId: 'o' } }), running())).toBe(
      'dead-lettered',
    );
    expect(letters.map((l) => [l.headers['dead-letter-reason'], l.headers['dead-letter-attempts']])).toEqual([
      ['invalid-json', '0'],
      ['schema-violation', '0'],
    ]);
    expect(called).toBe(0);
  });

  it('skips types it has no handler for, valid or not, and unknown types', async () => {
    const { p, letters } = processor({ DOCUMENT_UPLOADED: () => {} });
    const badStarted = { ...conversation('CONVERSATION_STARTED', 'r'), eventTimestamp: 'yesterday' };
    const unknown = { ...conversation('CONVERSATION_STARTED', 'r'), event: 'INTERVIEW_SCHEDULED' };
    for (const value of [conversation('CONVERSATION_STARTED', 'r'), badStarted, unknown]) {
      expect(await p.process(record(value), running())).toBe('skipped');
    }
    expect(letters).toEqual([]);
    expect(p.stats().skipped).toBe(3);
  });

  it('skips an eventId the store has seen, and remembers one only after the handler succeeded', async () => {
    const store = createMemoryIdempotencyStore();
    const event = documentUploaded();
    let applied = 0;
    const { p } = processor(
      {
        DOCUMENT_UPLOADED: (_e, { attempt }) => {
          if (attempt === 1) throw new Error('first try fails');
          applied++;
        },
      },
      { idempotency: store },
    );
    expect(await p.process(record(event), running())).toBe('handled');
    expect(await p.process(record(event, '8'), running())).toBe('duplicate');
    expect(applied).toBe(1);
    expect(p.stats()).toMatchObject({ handled: 1, duplicates: 1 });
  });

  it('runs seen, handler and remember inside the store transaction, once per try', async () => {
    const calls: string[] = [];
    const store: IdempotencyStore = {
      seen: () => {
        calls.push('seen');
        return false;
      },
      remember: () => void calls.push('remember'),
      atomically: async (work) => {
        calls.push('begin');
        try {
          const result = await work();
          calls.push('commit');
          return result;
        } catch (error) {
          calls.push('rollback');
          throw error;
        }
      },
    };
    const { p } = processor(
      {
        DOCUMENT_UPLOADED: (_e, { attempt }) => {
          calls.push(`handle ${attempt}`);
          if (attempt === 1) throw new Error('fails once');
        },
      },
      { idempotency: store },
    );
    await p.process(record(documentUploaded()), running());
    expect(calls).toEqual(['begin', 'seen', 'handle 1', 'rollback', 'begin', 'seen', 'handle 2', 'remember', 'commit']);
  });

  it('leaves a failing record unfinished, neither dead-lettered nor done, when the consumer stops', async () => {
    const abort = new AbortController();
    const { p, letters } = processor({
      DOCUMENT_UPLOADED: () => {
        abort.abort();
        throw new Error('dependency down');
      },
    });
    expect(await p.process(record(documentUploaded()), abort.signal)).toBe('aborted');
    expect(letters).toEqual([]);
  });

  it('fails (so the record stays uncommitted) when the dead letter cannot be written', async () => {
    const { p } = processor(
      {},
      {
        sendDeadLetter: async () => {
          throw new Error('Kafka down');
        },
      },
    );
    await expect(p.process(record(Buffer.from('nope')), running())).rejects.toThrow('Kafka down');
  });
});
