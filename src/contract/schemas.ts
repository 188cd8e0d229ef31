import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JsonSchema } from './json-schema.js';
import { bundleSchema, SHARED_ID_PREFIX } from './shared-shapes.js';

export type { JsonSchema } from './json-schema.js';

export interface SchemaSet {
  envelope: JsonSchema;
  /** Shared shape name → its schema as written in `shared/<Name>.json` (`$ref`s to other shared shapes by `$id`). */
  shared: Map<string, JsonSchema>;
  /**
   * Event type → its JSON Schema, in file-name order, self-contained: the
   * shared shapes it uses are bundled under `definitions`. What the bridge
   * validates with and what it registers.
   */
  events: Map<string, JsonSchema>;
  /** Event type → its category (`x-category`: conversation, analysis, scheduling, workflow, document, …). */
  categories: Map<string, string>;
}

/** The annotation that puts an event type in its category. */
export const CATEGORY_KEYWORD = 'x-category';

const ENVELOPE_FIELDS = ['event', 'eventId', 'eventTimestamp', 'data'];

/**
 * Reads `envelope.json`, `shared/<Name>.json` and `events/<EVENT_TYPE>.json`.
 * The file name is the event type; a schema must pin `event` to that name,
 * require the envelope fields (so an event that passes its schema also passes
 * the envelope) and name its category.
 */
export function loadSchemas(dir: string): SchemaSet {
  const envelope = readJson(join(dir, 'envelope.json'));
  const shared = new Map<string, JsonSchema>();
  for (const file of jsonFiles(join(dir, 'shared'))) {
    const name = basename(file, '.json');
    const schema = readJson(join(dir, 'shared', file));
    checkSharedSchema(name, schema, file);
    shared.set(name, schema);
  }
  const events = new Map<string, JsonSchema>();
  const categories = new Map<string, string>();
  for (const file of jsonFiles(join(dir, 'events'))) {
    const type = basename(file, '.json');
    const schema = readJson(join(dir, 'events', file));
    checkEventSchema(type, schema, file);
    try {
      events.set(type, bundleSchema(schema, shared));
    } catch (error) {
      throw new Error(`schemas/events/${file}: ${(error as Error).message}`);
    }
    categories.set(type, schema[CATEGORY_KEYWORD] as string);
  }
  return { envelope, shared, events, categories };
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
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
  const category = schema[CATEGORY_KEYWORD];
  if (typeof category !== 'string' || !/^[a-z][a-z0-9-]*$/.test(category)) {
    throw problem(`needs "${CATEGORY_KEYWORD}": its category in lower case, e.g. "conversation" or "scheduling"`);
  }
}

function checkSharedSchema(name: string, schema: JsonSchema, file: string): void {
  const problem = (what: string) => new Error(`schemas/shared/${file}: ${what}`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw problem('the file name must be the shape name in PascalCase, e.g. MeetingDetails.json');
  if (schema.$id !== SHARED_ID_PREFIX + name) throw problem(`"$id" must be "${SHARED_ID_PREFIX}${name}"`);
  if (schema.title !== name) throw problem(`"title" must be "${name}": it names the generated type`);
  if (schema.additionalProperties === false) throw problem('must allow unknown properties: Popp adds fields over time');
}

function readJson(path: string): JsonSchema {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
  } catch (error) {
    throw new Error(`cannot read schema ${path}: ${(error as Error).message}`);
  }
}
