import { randomUUID } from 'node:crypto';
import type { JsonSchema } from './schemas.js';

export interface SampleOptions {
  recordId?: string;
  organizationId?: string;
  now?: Date;
}

/**
 * A plausible event of the given type, built from its schema (so a newly added
 * type gets samples without code): every required field gets a value of its
 * type, `examples`/`enum`/`const` first when the schema gives them.
 */
export function sampleEvent(eventType: string, schema: JsonSchema | undefined, options: SampleOptions = {}): Record<string, unknown> {
  const now = options.now ?? new Date();
  const dataSchema = (schema?.properties as Record<string, JsonSchema> | undefined)?.data;
  const data = { ...(dataSchema ? (sampleValue(dataSchema, 'data', now) as Record<string, unknown>) : {}) };
  data.recordId = options.recordId ?? `conv_${randomUUID().slice(0, 8)}`;
  data.organizationId = options.organizationId ?? 'org_sample';
  return { event: eventType, eventId: randomUUID(), eventTimestamp: now.toISOString(), data };
}

function sampleValue(schema: JsonSchema, name: string, now: Date): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((key) => [key, sampleValue(properties[key] ?? {}, key, now)]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return sampleString(schema, name, now);
  }
}

function sampleString(schema: JsonSchema, name: string, now: Date): string {
  if (schema.format === 'date-time') return now.toISOString();
  if (name === 'contentType') return 'application/pdf';
  if (name === 'fileName') return 'resume.pdf';
  return `${name}_${randomUUID().slice(0, 8)}`;
}
