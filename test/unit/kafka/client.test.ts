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

  it("logs kafkajs' own lines about a refused password or certificate at debug level: the bridge's one line names the setting", () => {
    expect(logLevelOf(logLevel.ERROR, {}, 'SASL SCRAM SHA512 authentication failed: Authentication failed')).toBe('debug');
    expect(logLevelOf(logLevel.ERROR, { error: 'The broker does not support the requested SASL mechanism' })).toBe('debug');
    expect(logLevelOf(logLevel.ERROR, {}, 'Connection error: self-signed certificate in certificate chain')).toBe('debug');
  });
});

describe('the Kafka factory', () => {
  it('warns loudly, once, when TLS verification is off', () => {
    const lines: { level: string; message: string }[] = [];
    const log = (level: string, message: string) => void lines.push({ level, message });
    const options = { brokers: ['127.0.0.1:1'], clientId: 'test', ssl: { rejectUnauthorized: false }, publishTimeoutMs: 1_000, log };
    createKafka(options);
    createKafka(options);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/^TLS VERIFICATION IS OFF \(KAFKA_SSL_REJECT_UNAUTHORIZED=false\).*development only/),
      },
    ]);
  });

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
