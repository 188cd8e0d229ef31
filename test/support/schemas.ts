import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchema } from '../../src/contract/schemas.js';
import { schemasDir } from '../../src/paths.js';

/** A copy of the project's schemas/ in a temporary folder, to change without touching the real one. */
export function copySchemas(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'popp-schemas-')), 'schemas');
  cpSync(schemasDir, dir, { recursive: true });
  return dir;
}

/** Rewrites one event schema of a copied schemas/ folder. */
export function editEventSchema(
  dir: string,
  eventType: string,
  edit: (schema: JsonSchema & { properties: Record<string, JsonSchema> }) => void,
): void {
  const file = join(dir, 'events', `${eventType}.json`);
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  edit(schema);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}

/** Rewrites one shared shape (`shared/<Name>.json`) of a copied schemas/ folder. */
export function editSharedSchema(
  dir: string,
  name: string,
  edit: (schema: JsonSchema & { properties: Record<string, JsonSchema> }) => void,
): void {
  const file = join(dir, 'shared', `${name}.json`);
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  edit(schema);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}

/** The `data` object schema of an event schema. */
export function dataOf(schema: { properties: Record<string, JsonSchema> }): { properties: Record<string, JsonSchema>; required: string[] } {
  return schema.properties.data as unknown as { properties: Record<string, JsonSchema>; required: string[] };
}

/** A new event type's schema, as a developer would write it from DOCUMENT_UPLOADED.json. */
export function newEventSchema(eventType: string, title: string): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:popp-bridge:schema:${eventType}`,
    title: `${title}Event`,
    description: 'Added by a test.',
    'x-category': 'scheduling',
    type: 'object',
    required: ['event', 'eventId', 'eventTimestamp', 'data'],
    properties: {
      event: { const: eventType },
      eventId: { type: 'string', minLength: 1, maxLength: 512 },
      eventTimestamp: { type: 'string', format: 'date-time' },
      data: {
        title: `${title}Data`,
        type: 'object',
        required: ['recordId', 'organizationId', 'scheduledFor'],
        properties: {
          recordId: { type: 'string', minLength: 1 },
          organizationId: { type: 'string', minLength: 1 },
          scheduledFor: { type: 'string', format: 'date-time' },
        },
      },
    },
  };
}

/** A copy of schemas/ with only the given event types: fewer topics for tests whose brokers restart (each partition is recovered). */
export function schemasWith(eventTypes: string[]): string {
  const dir = copySchemas();
  for (const file of readdirSync(join(dir, 'events'))) {
    if (!eventTypes.includes(file.replace(/\.json$/, ''))) rmSync(join(dir, 'events', file));
  }
  return dir;
}
