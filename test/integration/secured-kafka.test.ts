import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connectionFromConfig } from '../../src/consumer/index.js';
import type { SecuredBroker } from '../../src/devstack/secured-broker.js';
import { replayDeadLettersCommand } from '../../src/replay/run.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually, startTestConsumer, uniqueGroup } from '../support/consumer.js';
import { documentUploaded, SECRET } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';
import { copySchemas, newEventSchema } from '../support/schemas.js';
import { mtlsEnv, SECURED_USERS, saslSslEnv, startSecuredKafka, unsecuredToken } from '../support/secured-kafka.js';

const TOKEN = 'console-token-for-secured-tests';
const interview = (eventId: string) => ({
  event: 'INTERVIEW_SCHEDULED',
  eventId,
  eventTimestamp: '2024-02-01T09:00:00.000Z',
  data: { recordId: 'conv_secured', organizationId: 'org_1', scheduledFor: '2024-02-03T14:00:00Z' },
});

let broker: SecuredBroker;
let stopBroker: () => Promise<void> = async () => {};

beforeAll(async () => {
  const started = await startSecuredKafka(41010);
  broker = started.broker;
  stopBroker = started.stop;
});
afterAll(() => stopBroker());

/** The two ways secured clusters are usually reached: SASL over TLS with a private CA, and client certificates. */
const securities = [
  { name: 'SASL_SSL (SCRAM-SHA-512) with a private CA', listener: () => broker.listeners.saslSsl, env: () => saslSslEnv(broker) },
  { name: 'mutual TLS (client certificate)', listener: () => broker.listeners.mtls, env: () => mtlsEnv(broker) },
];

describe.each(securities)('the bridge on a secured broker over $name', ({ name, listener, env }) => {
  const prefix = uniquePrefix(`secured-${name.startsWith('mutual') ? 'mtls' : 'sasl'}`);
  const schemas = copySchemas();
  const published = documentUploaded();
  const deadLettered = interview(`${prefix}dl1`);
  let bridge: TestBridge;
  const plaintext = () => [broker.listeners.plaintext];
  const settings = () => loadConfig({ TOPIC_PREFIX: prefix, POPP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent', ...env() });

  beforeAll(async () => {
    bridge = await startTestBridge([listener()], prefix, { ...env(), CONSOLE_TOKEN: TOKEN }, { schemasDir: schemas });
  });
  afterAll(() => bridge?.close());

  it('answers 200 published, and the record is on its topic', async () => {
    const response = await bridge.post(published);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'published', eventId: published.eventId });
    const [record] = await readRecords(plaintext(), [`${prefix}document.uploaded`], 1);
    expect(record?.headers['event-id']).toBe(published.eventId);
    expect(JSON.parse(record?.value.toString('utf8') ?? '{}')).toEqual(published);
  });

  it('dead-letters an event of a type it has no schema for, on the dead-letter topic', async () => {
    const response = await bridge.post(deadLettered);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'dead-lettered', reason: 'unknown-event-type' });
    const [record] = await readRecords(plaintext(), [bridge.topics.deadLetter], 1);
    expect(record?.headers['event-id']).toBe(deadLettered.eventId);
  });

  it('lets the consumer SDK read the events over the same settings', async () => {
    const seen: string[] = [];
    const consumer = await startTestConsumer([listener()], prefix, {
      groupId: uniqueGroup('secured'),
      handlers: { DOCUMENT_UPLOADED: (event) => void seen.push(event.eventId) },
      kafka: connectionFromConfig(settings(), [listener()]).kafka,
    });
    try {
      await eventually(
        () => seen.includes(published.eventId),
        30_000,
        () => `seen ${seen.join(',')}`,
      );
    } finally {
      await consumer.stop();
    }
    expect(seen).toEqual([published.eventId]);
  });

  it("serves the console's reads of events and dead letters from the secured broker", async () => {
    const get = async (path: string) => {
      const response = await fetch(`${bridge.bridge.adminUrl}/console/api/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: response.status, text: await response.text() };
    };
    const events = await get('events');
    expect(events.status).toBe(200);
    expect(events.text).toContain(published.eventId);
    const deadLetters = await get('dead-letters');
    expect(deadLetters.status).toBe(200);
    expect(deadLetters.text).toContain(deadLettered.eventId);
  });

  it('replays a dead letter that now passes, over the same settings', async () => {
    writeFileSync(
      join(schemas, 'events', 'INTERVIEW_SCHEDULED.json'),
      JSON.stringify(newEventSchema('INTERVIEW_SCHEDULED', 'InterviewScheduled')),
    );
    const lines: string[] = [];
    const summary = await replayDeadLettersCommand({
      config: settings(),
      brokers: [listener()],
      schemasDir: schemas,
      print: (line) => lines.push(line),
    });
    expect(summary).toMatchObject({ deadLetters: 1, published: 1 });
    const [record] = await readRecords(plaintext(), [`${prefix}interview.scheduled`], 1);
    expect(record?.headers['event-id']).toBe(deadLettered.eventId);
  });
});

describe('SASL mechanisms, each publishing through the bridge', () => {
  const prefix = uniquePrefix('secured-mechanisms');
  const tokenFile = join(copySchemas(), '..', 'token');
  const mechanisms = [
    { name: 'PLAIN over SASL_SSL', listener: () => broker.listeners.saslSsl, env: () => saslSslEnv(broker, SECURED_USERS.plain) },
    {
      name: 'SCRAM-SHA-256 over SASL_SSL',
      listener: () => broker.listeners.saslSsl,
      env: () => saslSslEnv(broker, SECURED_USERS.scram256),
    },
    { name: 'SCRAM-SHA-512 over SASL_PLAINTEXT', listener: () => broker.listeners.saslPlaintext, env: () => user(SECURED_USERS.scram512) },
    { name: 'SCRAM-SHA-256 over SASL_PLAINTEXT', listener: () => broker.listeners.saslPlaintext, env: () => user(SECURED_USERS.scram256) },
    { name: 'PLAIN over SASL_PLAINTEXT', listener: () => broker.listeners.saslPlaintext, env: () => user(SECURED_USERS.plain) },
    {
      name: 'OAUTHBEARER with a token file',
      listener: () => broker.listeners.oauth,
      env: () => ({ KAFKA_SSL_CA_FILE: broker.tls.ca, KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: tokenFile }),
    },
    {
      name: 'OAUTHBEARER with a token command',
      listener: () => broker.listeners.oauth,
      env: () => ({ KAFKA_SSL_CA_FILE: broker.tls.ca, KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: `printf '%s' '${unsecuredToken('command')}'` }),
    },
  ];
  const user = (u: (typeof SECURED_USERS)[keyof typeof SECURED_USERS]) => ({
    KAFKA_SASL_MECHANISM: u.mechanism,
    KAFKA_SASL_USERNAME: u.username,
    KAFKA_SASL_PASSWORD: u.password,
  });

  beforeAll(() => writeFileSync(tokenFile, `${unsecuredToken('file')}\n`));

  it.each(mechanisms)('$name: 200 published', async ({ listener, env }) => {
    const bridge = await startTestBridge([listener()], prefix, env());
    try {
      const event = documentUploaded();
      const response = await bridge.post(event);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'published', eventId: event.eventId });
    } finally {
      await bridge.close();
    }
  });

  it('holds one record per mechanism on the type topic', async () => {
    expect(await recordCount([broker.listeners.plaintext], [`${prefix}document.uploaded`])).toBe(mechanisms.length);
  });
});

/**
 * Apicurio serves plain HTTP; a real Node https server in front of it, with
 * the devstack CA's certificate and client certificates required, is the TLS
 * endpoint a production registry would be.
 */
describe('the schema registry over TLS with a client certificate', () => {
  const registryUrl = inject('schemaRegistryUrl');
  const prefix = uniquePrefix('secured-registry');
  let proxy: Server;
  let httpsUrl: string;
  const registryTls = () => ({
    SCHEMA_REGISTRY_URL: httpsUrl,
    SCHEMA_REGISTRY_SSL_CA_FILE: broker.tls.ca,
    SCHEMA_REGISTRY_SSL_CERT_FILE: broker.tls.clientCert,
    SCHEMA_REGISTRY_SSL_KEY_FILE: broker.tls.clientKey,
  });

  beforeAll(async () => {
    const target = new URL(registryUrl);
    const keystore = readFileSync(broker.tls.brokerKeystore);
    const options = { key: keystore, cert: keystore, ca: readFileSync(broker.tls.ca), requestCert: true, rejectUnauthorized: true };
    proxy = createServer(options, (request, response) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: { ...request.headers, host: target.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.writeHead(502).end());
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(41040, '127.0.0.1', resolve));
    httpsUrl = `https://127.0.0.1:41040${target.pathname}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('registers the schemas and writes the wire format through the https registry', async () => {
    const bridge = await startTestBridge([broker.listeners.saslSsl], prefix, { ...saslSslEnv(broker), ...registryTls() });
    try {
      const event = documentUploaded();
      expect((await bridge.post(event)).status).toBe(200);
      const [record] = await readRecords([broker.listeners.plaintext], [`${prefix}document.uploaded`], 1);
      expect(record?.value[0]).toBe(0);
      expect(JSON.parse(record?.value.subarray(5).toString('utf8') ?? '{}')).toEqual(event);
    } finally {
      await bridge.close();
    }
  });

  it('stops start-up naming SCHEMA_REGISTRY_SSL_CA_FILE when the registry certificate is not trusted', async () => {
    const { SCHEMA_REGISTRY_SSL_CA_FILE: _ca, ...withoutCa } = registryTls();
    await expect(startTestBridge([broker.listeners.saslSsl], prefix, { ...saslSslEnv(broker), ...withoutCa })).rejects.toThrow(
      /^SCHEMA_REGISTRY_SSL_CA_FILE: the registry's certificate is not trusted/,
    );
  });
});
