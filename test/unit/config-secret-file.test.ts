import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'popp-secret-'));
function secretFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('POPP_WEBHOOK_SECRET_FILE', () => {
  it('reads the secret from a Docker or Kubernetes secret file, trailing newline and all', () => {
    const config = loadConfig({ POPP_WEBHOOK_SECRET_FILE: secretFile('one', 's3cret-from-file\n') });
    expect(config.secrets).toEqual(['s3cret-from-file']);
  });

  it('reads several secrets separated by lines or commas, and adds those of POPP_WEBHOOK_SECRET (rotation)', () => {
    const file = secretFile('several', 'new-one\r\nother, third\n\n');
    const config = loadConfig({ POPP_WEBHOOK_SECRET_FILE: file, POPP_WEBHOOK_SECRET: 'old-one,new-one' });
    expect(config.secrets).toEqual(['new-one', 'other', 'third', 'old-one']);
  });

  it('satisfies production mode on its own', () => {
    const config = loadConfig({ NODE_ENV: 'production', KAFKA_BROKERS: 'k:9092', POPP_WEBHOOK_SECRET_FILE: secretFile('prod', 'p') });
    expect(config.production).toBe(true);
    expect(config.secrets).toEqual(['p']);
  });

  it('stops with one line naming the variable and the path when the file cannot be read', () => {
    const message = messageOf(() => loadConfig({ POPP_WEBHOOK_SECRET_FILE: join(dir, 'missing') }));
    expect(message).toMatch(/POPP_WEBHOOK_SECRET_FILE/);
    expect(message).toContain(join(dir, 'missing'));
    expect(message).toContain('ENOENT');
    expect(message).not.toContain('\n');
  });

  it('stops on a file that holds no secret, without quoting what it holds', () => {
    const message = messageOf(() => loadConfig({ POPP_WEBHOOK_SECRET_FILE: secretFile('blank', ' \n , \n') }));
    expect(message).toMatch(/POPP_WEBHOOK_SECRET_FILE: .* holds no secret/);
  });

  it('never puts a secret in a configuration error', () => {
    const file = secretFile('leak', 'hunter2-in-file');
    const message = messageOf(() => loadConfig({ POPP_WEBHOOK_SECRET_FILE: file, POPP_WEBHOOK_SECRET: 'hunter3', PORT: 'x' }));
    expect(message).toMatch(/PORT/);
    expect(message).not.toMatch(/hunter/);
  });
});

describe('shutdown and backpressure settings', () => {
  it('have bounded defaults and read their variables', () => {
    expect(loadConfig({})).toMatchObject({
      limits: { maxInFlightRequests: 5_000, maxUnverifiedRequests: 1_000, maxEventLoopDelayMs: 1_000, requestTimeoutMs: 10_000 },
      shutdown: { drainMs: 5_000, timeoutMs: 30_000 },
    });
    const config = loadConfig({
      SHUTDOWN_DRAIN_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '2000',
      MAX_IN_FLIGHT_REQUESTS: '10',
      MAX_EVENT_LOOP_DELAY_MS: '50',
      MAX_UNVERIFIED_REQUESTS: '3',
      REQUEST_TIMEOUT_MS: '1500',
    });
    expect(config.shutdown).toEqual({ drainMs: 0, timeoutMs: 2_000 });
    expect(config.limits).toEqual({ maxInFlightRequests: 10, maxUnverifiedRequests: 3, maxEventLoopDelayMs: 50, requestTimeoutMs: 1_500 });
  });

  it('stops on a zero in-flight bound', () => {
    expect(() => loadConfig({ MAX_IN_FLIGHT_REQUESTS: '0' })).toThrow(/MAX_IN_FLIGHT_REQUESTS/);
  });
});
