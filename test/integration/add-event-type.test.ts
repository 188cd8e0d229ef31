import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startTestBridge } from '../support/bridge.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';
import { consumerRegistry, registryGet } from '../support/registry.js';
import { newEventSchema } from '../support/schemas.js';

const brokers = inject('kafkaBrokers');
const registryUrl = inject('schemaRegistryUrl');
const run = promisify(execFile);

/** The parts of the project that `npm run generate` reads and writes, in a temporary folder. */
function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'popp-bridge-copy-'));
  // docs/ too: `npm run generate` also writes the configuration table of docs/configuration.md.
  for (const path of ['package.json', 'tsconfig.json', 'docs', 'src', 'scripts', 'schemas', 'generated']) {
    cpSync(join(projectRoot, path), join(root, path), { recursive: true });
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

describe('adding an event type: one schema file plus npm run generate (docs/guides/adding-an-event-type.md)', () => {
  const root = copyProject();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('generates its types and channel, then the bridge validates it, creates its topic, registers and publishes it', async () => {
    writeFileSync(
      join(root, 'schemas/events/INTERVIEW_SCHEDULED.json'),
      JSON.stringify(newEventSchema('INTERVIEW_SCHEDULED', 'InterviewScheduled'), null, 2),
    );
    await expect(run('npm', ['run', '-s', 'generate:check'], { cwd: root })).rejects.toThrow(/stale/);
    await run('npm', ['run', '-s', 'generate'], { cwd: root });
    await run('npm', ['run', '-s', 'generate:check'], { cwd: root });
    const types = readFileSync(join(root, 'generated/events.ts'), 'utf8');
    expect(types).toContain('export interface InterviewScheduledEvent {');
    expect(types).toMatch(/EVENT_TYPES = \[[^\]]*'INTERVIEW_SCHEDULED'/);
    expect(readFileSync(join(root, 'generated/asyncapi.yaml'), 'utf8')).toContain('address: popp.interview.scheduled');

    const prefix = uniquePrefix('new-type');
    const bridge = await startTestBridge(brokers, prefix, { SCHEMA_REGISTRY_URL: registryUrl }, { schemasDir: join(root, 'schemas') });
    try {
      const topic = `${prefix}interview.scheduled`;
      const base = { event: 'INTERVIEW_SCHEDULED', eventTimestamp: new Date().toISOString() };
      const event = {
        ...base,
        eventId: `evt_${prefix}ok`,
        data: { recordId: 'conv_new', organizationId: 'org_1', scheduledFor: '2024-02-03T14:00:00Z' },
      };
      const invalid = { ...base, eventId: `evt_${prefix}bad`, data: { recordId: 'conv_new', organizationId: 'org_1' } };

      expect(await (await bridge.post(event)).json()).toEqual({ status: 'published', eventId: event.eventId });
      expect(await (await bridge.post(invalid)).json()).toEqual({ status: 'dead-lettered', reason: 'schema-violation' });

      const [record] = await readRecords(brokers, [topic], 1);
      expect(await consumerRegistry(registryUrl).decode(record?.value as Buffer)).toEqual(event);
      const registered = await registryGet<{ id: number }>(registryUrl, `/subjects/${topic}-value/versions/latest`);
      expect(record?.value.readUInt32BE(1)).toBe(registered?.id);
      expect(await registryGet(registryUrl, `/subjects/${bridge.topics.log}-INTERVIEW_SCHEDULED/versions/latest`)).toBeDefined();
      expect(await recordCount(brokers, [topic])).toBe(1);
    } finally {
      await bridge.close();
    }
  });
});
