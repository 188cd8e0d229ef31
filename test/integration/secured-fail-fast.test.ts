import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connectionFromConfig, createConsumer } from '../../src/consumer/index.js';
import type { SecuredBroker } from '../../src/devstack/secured-broker.js';
import { projectRoot } from '../../src/paths.js';
import { type BridgeProcess, killBridge, spawnBridge } from '../support/bridge-process.js';
import { eventually } from '../support/consumer.js';
import { documentUploaded, signed } from '../support/events.js';
import { saslSslEnv, startSecuredKafka, unsecuredToken } from '../support/secured-kafka.js';

/** What docs/guides/connecting-to-kafka.md promises: a refusal of the settings ends start-up within seconds. */
const BOUND_MS = 15_000;
/** Nothing listens here (inside this file's ports): a broker that is not up yet. */
const NOBODY = '127.0.0.1:41059';

let broker: SecuredBroker;
let stopBroker: () => Promise<void> = async () => {};
const running: BridgeProcess[] = [];

beforeAll(async () => {
  const started = await startSecuredKafka(41050);
  broker = started.broker;
  stopBroker = started.stop;
});
afterAll(async () => {
  await Promise.all(running.map((bridge) => killBridge(bridge)));
  await stopBroker();
});

/** Spawns `popp-bridge serve` as users run it; resolves with how it ended, or fails if it still runs after the bound. */
async function serveUntilExit(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const bridge = await spawnBridge({ TOPIC_PREFIX: 'failfast.', ...env }, 60_000, { early: true });
  running.push(bridge);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'running'>((resolve) => {
    timer = setTimeout(() => resolve('running'), BOUND_MS);
  });
  const ended = await Promise.race([bridge.exited, bound]);
  clearTimeout(timer);
  if (ended === 'running') throw new Error(`the bridge still ran ${BOUND_MS / 1000} s after start:\n${bridge.lines.join('\n')}`);
  return { code: ended.code, lines: bridge.lines };
}

/** The lines a user reads as errors: our own `error:` line, and any JSON log line at error level or above. */
const errorLines = (lines: string[]) => lines.filter((line) => line.startsWith('error:') || /"level":(50|60)/.test(line));

describe('a bridge whose settings Kafka refuses', () => {
  const cases = [
    {
      name: 'a wrong SASL password',
      env: () => ({ KAFKA_BROKERS: broker.listeners.saslSsl, ...saslSslEnv(broker), KAFKA_SASL_PASSWORD: 'not-the-password' }),
      line: /^error: KAFKA_SASL_PASSWORD: the broker refused the credentials \(SASL SCRAM SHA512 authentication failed/,
    },
    {
      name: 'no CA for a broker certificate signed by a private CA',
      env: () => {
        const { KAFKA_SSL_CA_FILE: _ca, ...rest } = saslSslEnv(broker);
        return { KAFKA_BROKERS: broker.listeners.saslSsl, KAFKA_SSL: 'true', ...rest };
      },
      line: /^error: KAFKA_SSL_CA_FILE: the broker's certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)/,
    },
    {
      name: 'a server name the broker certificate does not hold',
      env: () => ({ KAFKA_BROKERS: broker.listeners.saslSsl, ...saslSslEnv(broker), KAFKA_SSL_SERVERNAME: 'kafka.elsewhere.example' }),
      line: /^error: KAFKA_SSL_SERVERNAME: the broker's certificate does not name the host connected to/,
    },
    {
      name: 'a SASL mechanism the listener does not offer',
      env: () => ({
        KAFKA_BROKERS: broker.listeners.saslSsl,
        KAFKA_SSL_CA_FILE: broker.tls.ca,
        KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `printf '%s' '${unsecuredToken()}'`,
      }),
      line: /^error: KAFKA_SASL_MECHANISM: the broker does not offer/,
    },
    {
      name: 'no client certificate on a listener that requires one',
      env: () => ({ KAFKA_BROKERS: broker.listeners.mtls, KAFKA_SSL_CA_FILE: broker.tls.ca }),
      line: /^error: KAFKA_SSL_CERT_FILE: the broker refused the client certificate, or requires one/,
    },
    {
      name: 'an OAUTHBEARER token the broker refuses',
      env: () => ({
        KAFKA_BROKERS: broker.listeners.oauth,
        KAFKA_SSL_CA_FILE: broker.tls.ca,
        KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: 'echo not-a-token',
      }),
      line: /^error: KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or _COMMAND: the broker refused the token/,
    },
    {
      name: 'a wrong password, with OUTAGE_POLICY=spool (which serves before Kafka answers)',
      env: () => ({
        KAFKA_BROKERS: broker.listeners.saslSsl,
        ...saslSslEnv(broker),
        KAFKA_SASL_PASSWORD: 'not-the-password',
        OUTAGE_POLICY: 'spool',
        SPOOL_DIR: mkdtempSync(join(tmpdir(), 'popp-spool-')),
      }),
      line: /^error: KAFKA_SASL_PASSWORD: the broker refused the credentials/,
    },
  ];

  it.each(cases)('exits 78 within seconds with one error line naming the setting: $name', async ({ env, line }) => {
    const { code, lines } = await serveUntilExit(env());
    expect(code, lines.join('\n')).toBe(78);
    expect(errorLines(lines)).toEqual([expect.stringMatching(line)]);
  });
});

describe('a bridge whose broker is not up yet', () => {
  it('listens, answers /healthz, says on /readyz what it waits for, and keeps retrying visibly', async () => {
    const bridge = await spawnBridge({ TOPIC_PREFIX: 'failfast.', KAFKA_BROKERS: NOBODY, ...saslSslEnv(broker) }, 60_000, { early: true });
    running.push(bridge);
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bridge.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not-ready', detail: expect.stringContaining(`waiting for Kafka at ${NOBODY}`) });
    await eventually(() => bridge.lines.some((line) => line.includes('waiting for Kafka; retrying')), 20_000);
    // A signed webhook meanwhile gets a 503 to retry, never a hang.
    const request = signed(documentUploaded());
    const webhook = await fetch(`${bridge.url}/webhooks/popp`, { method: 'POST', headers: request.headers, body: request.payload });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get('retry-after')).toBe('5');
    expect(bridge.child.exitCode).toBeNull();
    bridge.child.kill('SIGTERM');
    const ended = await bridge.exited;
    expect(ended.signal === 'SIGTERM' || ended.code === 0).toBe(true);
  });
});

describe('the consumer SDK and the CLI on refused settings', () => {
  it("ends the consumer's start with the same line naming the setting", async () => {
    const config = loadConfig({ ...saslSslEnv(broker), KAFKA_SASL_PASSWORD: 'not-the-password', TOPIC_PREFIX: 'failfast.' });
    const consumer = createConsumer({
      ...connectionFromConfig(config, [broker.listeners.saslSsl]),
      groupId: 'failfast-sdk',
      handlers: { DOCUMENT_UPLOADED: () => {} },
      signals: [],
    });
    await expect(consumer.start()).rejects.toThrow(/^KAFKA_SASL_PASSWORD: the broker refused the credentials/);
  });

  it('keeps a consumer waiting, visibly, while no broker answers, until it is stopped', async () => {
    const logged: string[] = [];
    const consumer = createConsumer({
      ...connectionFromConfig(loadConfig({ TOPIC_PREFIX: 'failfast.' }), [NOBODY]),
      groupId: 'failfast-waiting',
      handlers: { DOCUMENT_UPLOADED: () => {} },
      signals: [],
      log: (_level, message) => logged.push(message),
    });
    const started = consumer.start();
    started.catch(() => {});
    await eventually(() => logged.some((message) => message.startsWith('waiting for Kafka; retrying')), 30_000);
    await consumer.stop();
    await expect(started).rejects.toThrow();
  });

  it('ends `popp-bridge tail` with exit 78 and the line naming the setting', async () => {
    const env = { ...saslSslEnv(broker), KAFKA_BROKERS: broker.listeners.saslSsl, KAFKA_SASL_PASSWORD: 'not-the-password' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/run-cli.ts', 'tail'], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(78);
    expect(output).toMatch(/^error: KAFKA_SASL_PASSWORD: the broker refused the credentials/m);
  });
});
