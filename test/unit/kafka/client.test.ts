import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKafka, logLevelOf } from '../../../src/kafka/client.js';

describe('kafkajs log levels', () => {
  it('logs a not-leader answer while a new topic settles at debug level, not as an error', () => {
    expect(logLevelOf(logLevel.ERROR, { error: 'This server is not the leader for that topic-partition' })).toBe('debug');
    expect(logLevelOf(logLevel.ERROR, { error: 'This server does not host this topic-partition' })).toBe('debug');
  });

  it('keeps every other error an error, and other levels as they are', () => {
    expect(logLevelOf(logLevel.ERROR, { error: 'Connection timeout' })).toBe('error');
    expect(logLevelOf(logLevel.ERROR, {})).toBe('error');
    expect(logLevelOf(logLevel.WARN, { error: 'anything' })).toBe('warn');
  });
});

describe('the Kafka factory', () => {
  it('leaves kafkajs as shipped, and says why, when KAFKA_FAST_ENCODERS turns the encoders off', async () => {
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'test', ssl: false, publishTimeoutMs: 1_000, fastEncoders: false });
    kafka.producer();
    expect(await kafka.encoders()).toMatchObject({
      record: false,
      produce: false,
      growth: false,
      reason: expect.stringMatching(/switched off/),
    });
  });
});
