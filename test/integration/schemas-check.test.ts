import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCatalogue } from '../../src/contract/catalogue.js';
import type { Compatibility } from '../../src/contract/subjects.js';
import { projectRoot, schemasDir } from '../../src/paths.js';
import { createRegistryClient, registerSchemas } from '../../src/registry/client.js';
import { checkCompatibility, describeVerdicts } from '../../src/registry/compatibility.js';
import { uniquePrefix } from '../support/kafka.js';
import { copySchemas, dataOf, editEventSchema, editSharedSchema } from '../support/schemas.js';

const registryUrl = inject('schemaRegistryUrl');

/** Registers the project's schemas under a prefix of their own, as a running bridge would have. */
async function registered(compatibility: Compatibility): Promise<string> {
  const prefix = uniquePrefix('compat');
  const catalogue = createCatalogue({ schemasDir, topicPrefix: prefix });
  await registerSchemas({
    registry: createRegistryClient({ url: registryUrl, username: undefined, password: undefined }),
    catalogue,
    logTopic: `${prefix}events`,
    compatibility,
  });
  return prefix;
}

async function check(prefix: string, dir: string, compatibility: Compatibility = 'FORWARD') {
  const catalogue = createCatalogue({ schemasDir: dir, topicPrefix: prefix });
  const verdicts = await checkCompatibility({ registry: { url: registryUrl }, catalogue, logTopic: `${prefix}events`, compatibility });
  return describeVerdicts(verdicts, compatibility);
}

describe('npm run schemas:check against a real registry', () => {
  let prefix: string;
  beforeAll(async () => {
    prefix = await registered('FORWARD');
  });

  it('passes the schemas as registered, and an added optional field', async () => {
    const asRegistered = await check(prefix, schemasDir);
    expect(asRegistered.ok).toBe(true);
    // Every documented type, on its own topic and on the log topic.
    expect(asRegistered.lines.filter((line) => line.startsWith('ok    ') && line.includes('compatible under FORWARD'))).toHaveLength(52);
    const dir = copySchemas();
    editEventSchema(dir, 'DOCUMENT_UPLOADED', (schema) => {
      dataOf(schema).properties.pageCount = { type: 'integer', minimum: 0 };
    });
    const result = await check(prefix, dir);
    expect(result.lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('fails on a removed required field, naming the event type and the field', async () => {
    const dir = copySchemas();
    editEventSchema(dir, 'DOCUMENT_UPLOADED', (schema) => {
      const data = dataOf(schema);
      data.required = data.required.filter((name) => name !== 'attachmentId');
      delete data.properties.attachmentId;
    });
    const result = await check(prefix, dir);
    expect(result.ok).toBe(false);
    expect(result.lines).toContain(`FAIL  DOCUMENT_UPLOADED (${prefix}document.uploaded-value): incompatible with version 1 under FORWARD`);
    expect(result.lines).toContain('        DOCUMENT_UPLOADED data.attachmentId: required field removed');
    expect(result.lines.filter((line) => line.startsWith('FAIL')).every((line) => line.includes('DOCUMENT_UPLOADED'))).toBe(true);
  });

  it('fails on a changed type, naming the event type and the field', async () => {
    const dir = copySchemas();
    editEventSchema(dir, 'DOCUMENT_UPLOADED', (schema) => {
      dataOf(schema).properties.fileName = { type: 'integer' };
    });
    const result = await check(prefix, dir);
    expect(result.ok).toBe(false);
    expect(result.lines).toContain('        DOCUMENT_UPLOADED data.fileName: type changed from string to integer');
  });

  it('fails on a changed type in a shared shape, naming every event type that uses it and the field', async () => {
    const dir = copySchemas();
    editSharedSchema(dir, 'MeetingDetails', (schema) => {
      schema.properties.videoConference = { type: 'string' };
    });
    const result = await check(prefix, dir);
    expect(result.ok).toBe(false);
    const failing = new Set(result.lines.filter((line) => line.startsWith('FAIL')).map((line) => line.split(' ')[2]));
    expect([...failing].sort()).toEqual([
      'CALENDAR_AVAILABILITY_NOT_FOUND',
      'CALENDAR_MEETING_CANCELLED',
      'CALENDAR_MEETING_RESCHEDULED',
      'CALENDAR_MEETING_SCHEDULED',
      'CALENDAR_MEETING_UPDATED',
      'CALENDAR_MORE_TIME_REQUESTED',
      'CALENDAR_NOTE_TAKER_COMPLETED',
    ]);
    expect(result.lines).toContain(
      '        CALENDAR_MEETING_SCHEDULED data.meetingDetails.videoConference: type changed from boolean to string',
    );
  });

  it('exits 1 from the npm script with the field in its output, for the pipeline', async () => {
    const dir = copySchemas();
    editEventSchema(dir, 'CONVERSATION_STARTED', (schema) => {
      dataOf(schema).properties.organizationId = { type: 'number' };
    });
    const run = promisify(execFile)('npm', ['run', '-s', 'schemas:check', '--', '--schemas-dir', dir], {
      cwd: projectRoot,
      env: { ...process.env, SCHEMA_REGISTRY_URL: registryUrl, TOPIC_PREFIX: prefix },
    });
    const failure = (await run.then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    )) as { code: number; stdout: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toContain('CONVERSATION_STARTED data.organizationId: type changed from string to number');
  });

  it('under SCHEMA_COMPATIBILITY=BACKWARD rejects an added optional field (open content model), which is why FORWARD is the default', async () => {
    const backward = await registered('BACKWARD');
    const dir = copySchemas();
    editEventSchema(dir, 'DOCUMENT_UPLOADED', (schema) => {
      dataOf(schema).properties.pageCount = { type: 'integer' };
    });
    const result = await check(backward, dir, 'BACKWARD');
    expect(result.ok).toBe(false);
    expect(result.lines).toContain(
      '        DOCUMENT_UPLOADED data.pageCount: optional field added (earlier data may hold it with another type)',
    );
  });
});
