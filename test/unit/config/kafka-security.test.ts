import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { ensureTlsMaterial, type TlsFiles } from '../../../src/devstack/tls-material.js';

let dir: string;
let tls: TlsFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'popp-tls-'));
  tls = await ensureTlsMaterial(join(dir, 'tls'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted it');
};

type TokenSasl = { oauthBearerProvider: () => Promise<{ value: string }> };

describe('Kafka TLS settings', () => {
  it('leave TLS off and SASL unset by default', () => {
    expect(loadConfig({}).kafka).toMatchObject({ ssl: false, sasl: undefined });
    expect(loadConfig({ KAFKA_SSL: 'true' }).kafka.ssl).toBe(true);
  });

  it('read the CA bundle from a file and from PEM text, and a CA alone turns TLS on with verification kept', () => {
    const pem = readFileSync(tls.ca, 'utf8');
    const ssl = loadConfig({ KAFKA_SSL_CA_FILE: tls.ca, KAFKA_SSL_CA_PEM: pem }).kafka.ssl;
    expect(ssl).toEqual({ ca: [pem.trim(), pem.trim()] });
    const oneLine = loadConfig({ KAFKA_SSL_CA_PEM: pem.replace(/\n/g, '\\n') }).kafka.ssl;
    expect(oneLine).toEqual({ ca: [pem.trim()] });
  });

  it('read a client certificate with its key, and an encrypted key with its passphrase', () => {
    const plain = loadConfig({ KAFKA_SSL_CERT_FILE: tls.clientCert, KAFKA_SSL_KEY_FILE: tls.clientKey }).kafka.ssl;
    expect(plain).toEqual({ cert: readFileSync(tls.clientCert, 'utf8'), key: readFileSync(tls.clientKey, 'utf8') });
    const encrypted = loadConfig({
      KAFKA_SSL_CERT_PEM: readFileSync(tls.clientCert, 'utf8'),
      KAFKA_SSL_KEY_FILE: tls.clientKeyEncrypted,
      KAFKA_SSL_KEY_PASSPHRASE: tls.clientKeyPassphrase,
    }).kafka.ssl;
    expect(encrypted).toMatchObject({ passphrase: tls.clientKeyPassphrase });
  });

  it('take a server name and, for development, verification off', () => {
    expect(loadConfig({ KAFKA_SSL_SERVERNAME: 'kafka.internal', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }).kafka.ssl).toEqual({
      servername: 'kafka.internal',
      rejectUnauthorized: false,
    });
  });

  it('stop start-up with one line naming the variable for unreadable or wrong material', () => {
    expect(failure({ KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).toBe(
      `KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
    );
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(failure({ KAFKA_SSL_CA_FILE: notPem })).toMatch(/^KAFKA_SSL_CA_FILE: holds no PEM certificate/);
    expect(failure({ KAFKA_SSL_CERT_FILE: tls.clientCert })).toMatch(/^KAFKA_SSL_CERT_FILE needs its private key/);
    expect(failure({ KAFKA_SSL_KEY_FILE: tls.clientKey })).toMatch(/^KAFKA_SSL_KEY_FILE needs its certificate/);
    expect(failure({ KAFKA_SSL_CERT_FILE: tls.clientCert, KAFKA_SSL_KEY_FILE: tls.strangerKey })).toMatch(
      /^KAFKA_SSL_KEY_FILE: the key does not belong to the certificate of KAFKA_SSL_CERT_FILE/,
    );
    expect(failure({ KAFKA_SSL_CERT_FILE: tls.clientCert, KAFKA_SSL_KEY_FILE: tls.clientKeyEncrypted })).toMatch(
      /^KAFKA_SSL_KEY_FILE: the key is encrypted; set KAFKA_SSL_KEY_PASSPHRASE/,
    );
    const wrong = failure({
      KAFKA_SSL_CERT_FILE: tls.clientCert,
      KAFKA_SSL_KEY_FILE: tls.clientKeyEncrypted,
      KAFKA_SSL_KEY_PASSPHRASE: 'guess',
    });
    expect(wrong).toMatch(/^KAFKA_SSL_KEY_PASSPHRASE: does not decrypt the key/);
    expect(wrong).not.toContain('guess');
    // Each refusal parses keys and certificates with OpenSSL: seconds on a loaded machine, not 5.
  }, 30_000);

  it('refuse KAFKA_SSL=false beside a certificate setting', () => {
    expect(failure({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: tls.ca })).toMatch(/^KAFKA_SSL=false contradicts KAFKA_SSL_CA_FILE/);
  });

  it('read the registry CA and client certificate only with a registry', () => {
    const config = loadConfig({
      SCHEMA_REGISTRY_URL: 'https://registry.internal:8081',
      SCHEMA_REGISTRY_SSL_CA_FILE: tls.ca,
      SCHEMA_REGISTRY_SSL_CERT_FILE: tls.clientCert,
      SCHEMA_REGISTRY_SSL_KEY_FILE: tls.clientKey,
    });
    expect(config.schemaRegistry?.tls).toEqual({
      ca: [readFileSync(tls.ca, 'utf8').trim()],
      cert: readFileSync(tls.clientCert, 'utf8'),
      key: readFileSync(tls.clientKey, 'utf8'),
    });
    expect(failure({ SCHEMA_REGISTRY_URL: 'https://r', SCHEMA_REGISTRY_SSL_CERT_FILE: tls.clientCert })).toMatch(
      /^SCHEMA_REGISTRY_SSL_CERT_FILE needs its private key/,
    );
  });
});

describe('Kafka SASL settings', () => {
  it('pass PLAIN and SCRAM credentials as kafkajs takes them, and need both of them', () => {
    const sasl = loadConfig({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka.sasl;
    expect(sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password: 'p' } satisfies SASLOptions);
    expect(failure({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toMatch(/KAFKA_SASL_PASSWORD are required/);
    expect(failure({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toMatch(/need KAFKA_SASL_MECHANISM/);
  });

  it('need exactly one token source for OAUTHBEARER, and a token source implies it', () => {
    expect(failure({ KAFKA_SASL_MECHANISM: 'oauthbearer' })).toMatch(/needs KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or/);
    expect(failure({ KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: 'f', KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: 'c' })).toMatch(/not both/);
    expect(failure({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: 'f' })).toMatch(
      /need KAFKA_SASL_MECHANISM=oauthbearer/,
    );
    expect(loadConfig({ KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: 'f' }).kafka.sasl?.mechanism).toBe('oauthbearer');
  });

  it('read the token file again each time kafkajs asks, so a refreshed token is used', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const sasl = loadConfig({ KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: file }).kafka.sasl as unknown as TokenSasl;
    expect(await sasl.oauthBearerProvider()).toEqual({ value: 'first-token' });
    writeFileSync(file, 'second-token');
    expect(await sasl.oauthBearerProvider()).toEqual({ value: 'second-token' });
    rmSync(file);
    await expect(sasl.oauthBearerProvider()).rejects.toThrow(`KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: cannot read ${file} (ENOENT)`);
  });

  it('run the token command each time kafkajs asks, and name it when it fails, without its output', async () => {
    const counter = join(dir, 'runs');
    const sasl = loadConfig({ KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `echo x >> ${counter}; printf 'token-%s' "$(wc -l < ${counter})"` })
      .kafka.sasl as unknown as TokenSasl;
    expect((await sasl.oauthBearerProvider()).value).toBe('token-1');
    expect((await sasl.oauthBearerProvider()).value).toBe('token-2');
    const failing = loadConfig({ KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: "echo secret-token; echo 'no credentials found' >&2; exit 3" }).kafka
      .sasl as unknown as TokenSasl;
    const error = await failing.oauthBearerProvider().catch((e: Error) => e);
    expect((error as Error).message).toBe('KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: exited with 3 (no credentials found)');
  });
});
