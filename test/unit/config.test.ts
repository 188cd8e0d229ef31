import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, VARIABLES } from '../../src/config.js';

describe('configuration', () => {
  it('has the defaults docs/configuration.md documents', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      production: false,
      secrets: [],
      kafkaBrokers: undefined,
      topics: { prefix: 'popp.', eventLog: 'popp.events', deadLetter: 'popp.dead-letter', partitions: 6, replicationFactor: 1 },
      unknownEventPolicy: 'dead-letter',
      schemaRegistry: undefined,
      dedupe: { store: 'memory', ttlSeconds: 259_200 },
      publishTimeoutMs: 10_000,
      maxBodyBytes: 1_048_576,
      logLevel: 'info',
      outagePolicy: 'reject',
      spool: { maxBytes: 1_073_741_824 },
      admin: { host: '127.0.0.1', port: 3001, consoleToken: undefined },
    });
  });

  it('turns the console on with a token long enough not to be guessed', () => {
    expect(loadConfig({ CONSOLE_TOKEN: 'a-token-of-twenty-chars', ADMIN_PORT: '4001' }).admin).toEqual({
      host: '127.0.0.1',
      port: 4001,
      consoleToken: 'a-token-of-twenty-chars',
    });
    expect(() => loadConfig({ CONSOLE_TOKEN: 'short' })).toThrow(/CONSOLE_TOKEN must be at least 16 characters/);
    expect(() => loadConfig({ ADMIN_PORT: 'web' })).toThrow(/ADMIN_PORT/);
  });

  it('reads the outage policy and the spool settings, the directory made absolute', () => {
    const config = loadConfig({ OUTAGE_POLICY: 'spool', SPOOL_DIR: 'var/spool', SPOOL_MAX_BYTES: '65536' });
    expect(config.outagePolicy).toBe('spool');
    expect(config.spool.dir).toBe(`${process.cwd()}/var/spool`);
    expect(config.spool.maxBytes).toBe(65_536);
    expect(() => loadConfig({ OUTAGE_POLICY: 'buffer' })).toThrow(/OUTAGE_POLICY must be one of reject, spool/);
    expect(() => loadConfig({ SPOOL_MAX_BYTES: '1k' })).toThrow(/SPOOL_MAX_BYTES must be a whole number/);
  });

  it('reads lists, the prefix and its derived topics', () => {
    const config = loadConfig({
      POPP_WEBHOOK_SECRET: 'old, new',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      TOPIC_PREFIX: 'acme.',
      EVENT_LOG_TOPIC: '',
    });
    expect(config.secrets).toEqual(['old', 'new']);
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.topics).toMatchObject({ eventLog: '', deadLetter: 'acme.dead-letter' });
  });

  it('refuses production without an explicit secret and brokers', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', KAFKA_BROKERS: 'k:9092' })).toThrow(/POPP_WEBHOOK_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', POPP_WEBHOOK_SECRET: 's' })).toThrow(/KAFKA_BROKERS/);
    expect(loadConfig({ NODE_ENV: 'production', POPP_WEBHOOK_SECRET: 's', KAFKA_BROKERS: 'k:9092' }).production).toBe(true);
  });

  it.each([
    ['PORT', 'http', /PORT/],
    ['TOPIC_PARTITIONS', '0', /TOPIC_PARTITIONS/],
    ['PUBLISH_TIMEOUT_MS', '1.5', /PUBLISH_TIMEOUT_MS/],
    ['UNKNOWN_EVENT_POLICY', 'drop', /UNKNOWN_EVENT_POLICY must be one of dead-letter, publish/],
    ['DEDUPE_STORE', 'disk', /DEDUPE_STORE/],
    ['KAFKA_BROKERS', 'localhost', /host:port/],
    ['KAFKA_SSL', 'maybe', /KAFKA_SSL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['TOPIC_PREFIX', 'a/b', /TOPIC_PREFIX/],
  ])('stops on a bad %s with one line naming it', (name, value, message) => {
    const error = (() => {
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a secret-bearing value in its message', () => {
    expect(() => loadConfig({ SCHEMA_REGISTRY_URL: 'not a url with hunter2' })).toThrow(ConfigError);
    try {
      loadConfig({ SCHEMA_REGISTRY_URL: 'not a url with hunter2' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('derives the replay window from the dedupe window less the clock-skew allowance, and refuses an allowance as long as the window', () => {
    expect(loadConfig({}).eventAge).toEqual({ maxAgeMs: (259_200 - 300) * 1000, maxFutureMs: 300_000 });
    expect(loadConfig({ DEDUPE_TTL_SECONDS: '3600', EVENT_CLOCK_SKEW_SECONDS: '60' }).eventAge).toEqual({
      maxAgeMs: 3_540_000,
      maxFutureMs: 60_000,
    });
    expect(() => loadConfig({ DEDUPE_TTL_SECONDS: '300' })).toThrow(/^EVENT_CLOCK_SKEW_SECONDS must be less than DEDUPE_TTL_SECONDS$/);
  });

  it('keeps the dedupe window in an absolute DEDUPE_DIR, `dedupe` under the working directory by default', () => {
    expect(loadConfig({}).dedupe.dir).toBe(join(process.cwd(), 'dedupe'));
    expect(loadConfig({ DEDUPE_DIR: '/var/lib/popp-bridge/dedupe' }).dedupe.dir).toBe('/var/lib/popp-bridge/dedupe');
  });

  it('needs REDIS_URL for the redis store and credentials for SASL', () => {
    expect(() => loadConfig({ DEDUPE_STORE: 'redis' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
  });
});

describe('the declaration of the variables', () => {
  it('is all that loadConfig reads from the environment', () => {
    const asked = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, name) => {
        asked.add(String(name));
        return undefined;
      },
    });
    loadConfig(env);
    expect([...asked].sort()).toEqual(Object.keys(VARIABLES).sort());
  });

  it('gives every variable one line of help, and a default that passes its own bounds', () => {
    for (const [name, variable] of Object.entries(VARIABLES)) {
      expect(variable.help, name).toMatch(/^[^\n]{5,}$/);
      if (variable.kind === 'int') expect(variable.default, name).toBeGreaterThanOrEqual(variable.min);
      if (variable.kind === 'int') expect(variable.default, name).toBeLessThanOrEqual(variable.max);
    }
    expect(() => loadConfig({})).not.toThrow();
  });

  it('names the type and bounds a bad value broke, from the declaration', () => {
    expect(() => loadConfig({ TOPIC_PARTITIONS: '0' })).toThrow('TOPIC_PARTITIONS must be a whole number from 1 to 10000, got "0"');
    expect(() => loadConfig({ KAFKA_BROKERS: 'k1:9092,nope' })).toThrow('KAFKA_BROKERS must be comma-separated host:port, got "nope"');
    expect(() => loadConfig({ KAFKA_FAST_ENCODERS: 'perhaps' })).toThrow('KAFKA_FAST_ENCODERS must be true or false, got "perhaps"');
  });

  it('turns the fast-path encoders off with KAFKA_FAST_ENCODERS=false, and has them on by default', () => {
    expect(loadConfig({}).kafka.fastEncoders).toBe(true);
    expect(loadConfig({ KAFKA_FAST_ENCODERS: 'false' }).kafka.fastEncoders).toBe(false);
  });
});
