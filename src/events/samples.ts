import { randomUUID } from 'node:crypto';
import type { JsonSchema } from '../contract/schemas.js';

export interface SampleOptions {
  recordId?: string;
  organizationId?: string;
  now?: Date;
}

/** Popp-style ids in examples: `conv_xyz789`, `booking_xyz789`, `run_abc123`. */
const EXAMPLE_ID = /\b[a-z]+_[a-z0-9]*[0-9][a-z0-9]*\b/g;

/**
 * A realistic event of the given type, built from its schema (so a newly
 * added type gets samples without code): the documented example values, with
 * every Popp-style id in them made fresh — the same example id gets the same
 * fresh id throughout the event, so a URL names the sample's own conversation.
 * Required fields without an example get a value of their type; optional ones
 * appear only when the schema gives an example (or is a date-time).
 */
export function sampleEvent(eventType: string, schema: JsonSchema | undefined, options: SampleOptions = {}): Record<string, unknown> {
  const now = options.now ?? new Date();
  const dataSchema = (schema?.properties as Record<string, JsonSchema> | undefined)?.data ?? {};
  const context = { root: schema ?? {}, now, ids: new Map<string, string>() };
  const property = (name: string) => (dataSchema.properties as Record<string, JsonSchema> | undefined)?.[name] ?? {};
  const recordExample = firstExample(property('recordId'));
  const organization = options.organizationId ?? firstExample(property('organizationId')) ?? 'org_sample';
  if (typeof organization === 'string') context.ids.set(organization, organization);
  if (options.recordId && typeof recordExample === 'string') context.ids.set(recordExample, options.recordId);
  const data = { ...((sampleValue(dataSchema, 'data', true, context) as Record<string, unknown> | undefined) ?? {}) };
  data.recordId = options.recordId ?? data.recordId ?? `rec_${fresh()}`;
  data.organizationId = organization;
  return { event: eventType, eventId: randomUUID(), eventTimestamp: now.toISOString(), data };
}

interface Context {
  root: JsonSchema;
  now: Date;
  /** Example id → the fresh id that replaces it in this sample. */
  ids: Map<string, string>;
}

/** A value for `schema`, or undefined for an optional field the schema gives no example of. */
function sampleValue(given: JsonSchema, name: string, required: boolean, context: Context): unknown {
  const schema = resolve(given, context.root);
  if ('const' in schema) return schema.const;
  const example = firstExample(schema);
  if (example !== undefined) return freshIds(example, context);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties || schema.allOf) {
    const value = sampleObject(schema, context);
    return required || Object.keys(value).length > 0 ? value : undefined;
  }
  // Dates need no example to be realistic: a documented date-time field is always shown.
  if (!required && schema.format !== 'date-time') return undefined;
  const known = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]).find((branch) => Array.isArray(branch.enum)) : undefined;
  const values = (schema.enum ?? known?.enum) as unknown[] | undefined;
  if (values && values.length > 0) return values[0];
  switch (type) {
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return sampleString(schema, name, context.now);
  }
}

function sampleObject(schema: JsonSchema, context: Context): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  for (const key of new Set([...Object.keys(properties), ...required])) {
    const inner = sampleValue(properties[key] ?? {}, key, required.includes(key), context);
    if (inner !== undefined) value[key] = inner;
  }
  for (const part of (schema.allOf as JsonSchema[] | undefined) ?? []) Object.assign(value, sampleValue(part, 'data', false, context));
  return value;
}

/** A local `$ref` (`#/definitions/<Name>`) replaced by its target; the annotations beside it (examples) win. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/definitions/')) return schema;
  const target = (root.definitions as Record<string, JsonSchema> | undefined)?.[schema.$ref.slice('#/definitions/'.length)] ?? {};
  const { $ref: _ref, ...annotations } = schema;
  return { ...resolve(target, root), ...annotations };
}

function firstExample(schema: JsonSchema): unknown {
  return Array.isArray(schema.examples) && schema.examples.length > 0 ? schema.examples[0] : undefined;
}

function freshIds(value: unknown, context: Context): unknown {
  if (typeof value === 'string') {
    return value.replace(EXAMPLE_ID, (id) => {
      let replacement = context.ids.get(id);
      if (replacement === undefined) {
        replacement = `${id.slice(0, id.indexOf('_'))}_${fresh()}`;
        context.ids.set(id, replacement);
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item) => freshIds(item, context));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, freshIds(inner, context)]));
  }
  return value;
}

function sampleString(schema: JsonSchema, name: string, now: Date): string {
  if (schema.format === 'date-time') {
    // A meeting in a sample is tomorrow, on the hour, for half an hour.
    const start = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 86_400_000);
    if (name === 'startDateTime') return start.toISOString();
    if (name === 'endDateTime') return new Date(start.getTime() + 1_800_000).toISOString();
    return now.toISOString();
  }
  if (schema.format === 'uri') return 'https://example.com/';
  if (name === 'contentType') return 'application/pdf';
  if (name === 'fileName') return 'resume.pdf';
  return `${name}_${fresh()}`;
}

function fresh(): string {
  return randomUUID().replaceAll('-', '').slice(0, 8);
}
