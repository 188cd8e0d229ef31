import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCatalogue } from '../../src/contract/catalogue.js';
import { loadSchemas } from '../../src/contract/schemas.js';
import { WIRE_CONTENT_TYPE } from '../../src/contract/value.js';
import { schemasDir } from '../../src/paths.js';
import { createRegistryClient, registerSchemas } from '../../src/registry/client.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation, documentUploaded } from '../support/events.js';
import { readRecords, uniquePrefix } from '../support/kafka.js';
import { consumerRegistry, registryGate, registryGet } from '../support/registry.js';

const brokers = inject('kafkaBrokers');
const registryUrl = inject('schemaRegistryUrl');

interface Version {
  id: number;
  schema: string;
  schemaType?: string;
}

describe('schema registry mode', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('registry'), { SCHEMA_REGISTRY_URL: registryUrl });
  });
  afterAll(() => bridge?.close());

  it('registers every event schema as JSON Schema under <topic>-value and <log topic>-<event type>, at FORWARD', async () => {
    const { events } = loadSchemas(schemasDir);
    for (const [type, schema] of events) {
      const topic = `${bridge.prefix}${type.toLowerCase().replaceAll('_', '.')}`;
      for (const subject of [`${topic}-value`, `${bridge.topics.log}-${type}`]) {
        const latest = await registryGet<Version>(registryUrl, `/subjects/${subject}/versions/latest`);
        expect(latest?.schemaType, subject).toBe('JSON');
        expect(JSON.parse(latest?.schema ?? 'null')).toEqual(schema);
        const config = await registryGet<{ compatibilityLevel: string }>(registryUrl, `/config/${subject}`);
        expect(config?.compatibilityLevel).toBe('FORWARD');
      }
    }
  });

  it('writes magic byte 0, the big-endian schema id, then the body exactly as received; another client decodes it', async () => {
    // Pretty-printed, with a property the schema does not know: re-serialising would change these bytes.
    const event = { ...documentUploaded({ recordId: 'conv_wire_é' }), note: 'Zoë — 履歴書' };
    const body = Buffer.from(JSON.stringify(event, null, 3));
    expect((await bridge.post(body)).status).toBe(200);

    const typeTopic = `${bridge.prefix}document.uploaded`;
    const records = await readRecords(brokers, [typeTopic, bridge.topics.log], 2);
    const consumer = consumerRegistry(registryUrl);
    for (const record of records) {
      const subject = record.topic === typeTopic ? `${typeTopic}-value` : `${bridge.topics.log}-DOCUMENT_UPLOADED`;
      const { id } = (await registryGet<Version>(registryUrl, `/subjects/${subject}/versions/latest`)) as Version;
      const expected = Buffer.concat([Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]), body]);
      expect(record.value.equals(expected), record.topic).toBe(true);
      expect(record.headers['content-type']).toBe(WIRE_CONTENT_TYPE);
      expect(await consumer.decode(record.value)).toEqual(event);
    }
  });

  it('leaves dead letters as the plain bytes received, since they match no schema', async () => {
    const body = { ...conversation('CONVERSATION_STARTED', 'conv_plain_dl'), event: 'ANALYSIS_READY' };
    expect((await bridge.post(body)).status).toBe(202);
    const records = await readRecords(brokers, [bridge.topics.deadLetter], 1);
    const mine = records.find((r) => r.headers['event-id'] === body.eventId);
    expect(mine?.value.equals(Buffer.from(JSON.stringify(body)))).toBe(true);
    expect(mine?.headers['content-type']).toBe('application/json');
  });
});

describe('a schema registry that is down', () => {
  it('is waited for at start-up with a clear message, and once the ids are cached its loss does not stop publishing', async () => {
    const gate = await registryGate(registryUrl);
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const prefix = uniquePrefix('registry-down');
    const starting = startTestBridge(brokers, prefix, { SCHEMA_REGISTRY_URL: gate.url, LOG_LEVEL: 'warn' }, { logger });
    let bridge: TestBridge | undefined;
    try {
      await expect.poll(() => lines.join(''), { timeout: 10_000 }).toContain('waiting for the schema registry');
      expect(lines.join('')).toContain(`"registry":"${gate.url}`);
      await gate.open();
      bridge = await starting;

      await gate.close();
      const event = conversation('CONVERSATION_COMPLETED', 'conv_registry_gone');
      expect((await bridge.post(event)).status).toBe(200);
      const [record] = await readRecords(brokers, [`${prefix}conversation.completed`], 1);
      expect(record?.value[0]).toBe(0);
      expect(record?.value.subarray(5).equals(Buffer.from(JSON.stringify(event)))).toBe(true);
    } finally {
      await gate.open().catch(() => {});
      bridge ??= await starting.catch(() => undefined);
      await bridge?.close();
      await gate.close();
    }
  });
});

describe('several instances starting together in registry mode', () => {
  it('all register every subject and get the same ids, though each saw the others half-way through', async () => {
    const prefix = uniquePrefix('registry-race');
    const catalogue = createCatalogue({ schemasDir, topicPrefix: prefix });
    const register = () =>
      registerSchemas({
        registry: createRegistryClient({ url: registryUrl, username: undefined, password: undefined }),
        catalogue,
        logTopic: `${prefix}events`,
        compatibility: 'FORWARD',
      });
    const [first, ...others] = await Promise.all([register(), register(), register()]);
    expect(first).toHaveLength(52);
    for (const other of others) expect(other).toEqual(first);
    const config = await registryGet<{ compatibilityLevel: string }>(registryUrl, `/config/${prefix}events-WORKFLOW_PUBLISHED`);
    expect(config?.compatibilityLevel).toBe('FORWARD');
  });
});
