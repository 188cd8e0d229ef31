import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type JsonSchema = Record<string, unknown> & { $id?: string; title?: string };

export interface SchemaSet {
  envelope: JsonSchema;
  /** Event type → its JSON Schema, in file-name order. */
  events: Map<string, JsonSchema>;
}

const ENVELOPE_FIELDS = ['event', 'eventId', 'eventTimestamp', 'data'];

/**
 * Reads `envelope.json` and `events/<EVENT_TYPE>.json`. The file name is the
 * event type; a schema must pin `event` to that name and require the envelope
 * fields, so an event that passes its schema also passes the envelope.
 */
export function loadSchemas(dir: string): SchemaSet {
  const envelope = readJson(join(dir, 'envelope.json'));
  const events = new Map<string, JsonSchema>();
  const files = readdirSync(join(dir, 'events'))
    .filter((file) => file.endsWith('.json'))
    .sort();
  for (const file of files) {
    const type = basename(file, '.json');
    const schema = readJson(join(dir, 'events', file));
    checkEventSchema(type, schema, file);
    events.set(type, schema);
  }
  return { envelope, events };
}

function checkEventSchema(type: string, schema: JsonSchema, file: string): void {
  const problem = (what: string) => new Error(`schemas/events/${file}: ${what}`);
  if (!/^[A-Z][A-Z0-9_]*$/.test(type)) throw problem('the file name must be the event type, e.g. DOCUMENT_UPLOADED.json');
  const properties = schema.properties as Record<string, { const?: unknown }> | undefined;
  if (properties?.event?.const !== type) throw problem(`properties.event must be { "const": "${type}" }`);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const missing = ENVELOPE_FIELDS.filter((field) => !required.includes(field));
  if (missing.length > 0) throw problem(`must require the envelope fields (missing: ${missing.join(', ')})`);
  if (schema.additionalProperties === false) throw problem('must allow unknown properties: Popp adds fields over time');
  if (typeof schema.title !== 'string') throw problem('needs a title: it names the generated type');
}

function readJson(path: string): JsonSchema {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
  } catch (error) {
    throw new Error(`cannot read schema ${path}: ${(error as Error).message}`);
  }
}
