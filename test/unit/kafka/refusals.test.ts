import { describe, expect, it } from 'vitest';
import { maxMessageBytesFor } from '../../../src/contract/topics.js';
import { PERMANENT_REFUSALS, permanentRefusal } from '../../../src/kafka/refusals.js';
import { MAX_DERIVED_BYTES } from '../../support/fuzz.js';

describe("Kafka's permanent refusals", () => {
  it('are the four answers that refuse the records themselves, and nothing a cluster can recover from', () => {
    expect([...PERMANENT_REFUSALS].sort()).toEqual(['CORRUPT_MESSAGE', 'INVALID_RECORD', 'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
    for (const transient of [
      'NOT_LEADER_FOR_PARTITION',
      'NOT_ENOUGH_REPLICAS',
      'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
      'LEADER_NOT_AVAILABLE',
      'REQUEST_TIMED_OUT',
      'INVALID_TIMESTAMP',
      'TOPIC_AUTHORIZATION_FAILED',
    ])
      expect(permanentRefusal({ type: transient }), transient).toBeUndefined();
  });

  it('are found however deep kafkajs wrapped them, and a cycle of causes ends the search', () => {
    expect(permanentRefusal({ name: 'KafkaJSNonRetriableError', cause: { cause: { type: 'INVALID_RECORD' } } })).toBe('INVALID_RECORD');
    expect(permanentRefusal({ originalError: { type: 'RECORD_LIST_TOO_LARGE' } })).toBe('RECORD_LIST_TOO_LARGE');
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(permanentRefusal(loop)).toBeUndefined();
    expect(permanentRefusal(new Error('connection refused'))).toBeUndefined();
  });

  it('cannot be caused by an accepted body: topics keep 64 KiB beside MAX_BODY_BYTES, and key and headers take at most 16 KiB', () => {
    expect(maxMessageBytesFor(1_048_576) - 1_048_576).toBe(65_536);
    expect(MAX_DERIVED_BYTES).toBe(16_384);
  });
});
