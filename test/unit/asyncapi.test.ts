import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type JsonSchema, loadSchemas } from '../../src/contract/schemas.js';
import { topicForEventType } from '../../src/contract/topics.js';
import { projectRoot, schemasDir } from '../../src/paths.js';

const { topics } = loadConfig({});
const { events, shared } = loadSchemas(schemasDir);

describe('generated/asyncapi.yaml', () => {
  let document: AsyncAPIDocumentInterface;
  let errors: string[];
  beforeAll(async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(
      readFileSync(join(projectRoot, 'generated', 'asyncapi.yaml'), 'utf8'),
    );
    errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`);
    document = parsed as AsyncAPIDocumentInterface;
  });

  it('is a valid AsyncAPI 3.0 document for the AsyncAPI parser', () => {
    expect(errors).toEqual([]);
    expect(document.version()).toBe('3.0.0');
  });

  it('has one channel per type topic, the log topic and the dead-letter topic, and nothing else', () => {
    const addresses = document
      .channels()
      .all()
      .map((channel) => channel.address());
    const typeTopics = [...events.keys()].map((type) => topicForEventType(topics.prefix, type));
    expect(addresses.sort()).toEqual([...typeTopics, topics.eventLog, topics.deadLetter].sort());
  });

  it("gives each type topic its event's message, with the schema from schemas/ as its payload", () => {
    for (const [type, schema] of events) {
      const channel = document
        .channels()
        .all()
        .find((c) => c.address() === topicForEventType(topics.prefix, type));
      const messages = channel?.messages().all() ?? [];
      expect(messages.map((m) => m.id())).toEqual([type]);
      const payload = messages[0]?.payload()?.json() as { schemaFormat?: string; schema?: unknown } | undefined;
      expect(payload?.schemaFormat).toBe('application/schema+json;version=draft-07');
      // The parser resolves references: the payload reads as the schema with its shared shapes inlined.
      expect(withoutParserKeys(payload?.schema)).toEqual(inlined(schema));
    }
  });

  it('holds each shared shape once, as a reusable component that the payloads reference', () => {
    const raw = readFileSync(join(projectRoot, 'generated', 'asyncapi.yaml'), 'utf8');
    for (const name of shared.keys()) {
      expect(document.components().schemas().has(name), name).toBe(true);
      expect(raw).toContain(`$ref: "#/components/schemas/${name}"`);
    }
    expect(raw).not.toContain('#/definitions/');
  });

  it('carries every event type on the log topic and the dead letters on theirs', () => {
    const byAddress = (address: string) =>
      document
        .channels()
        .all()
        .find((c) => c.address() === address);
    expect(
      byAddress(topics.eventLog)
        ?.messages()
        .all()
        .map((m) => m.id())
        .sort(),
    ).toEqual([...events.keys()].sort());
    const deadLetter = byAddress(topics.deadLetter)?.messages().all()[0];
    expect(Object.keys(deadLetter?.headers()?.properties() ?? {})).toContain('dead-letter-reason');
  });

  it('describes the Kafka key and the headers of every event message', () => {
    for (const message of document
      .messages()
      .all()
      .filter((m) => events.has(m.id()))) {
      const key = message.bindings().get('kafka')?.value()?.key as { type?: string; description?: string } | undefined;
      expect(key?.type).toBe('string');
      expect(key?.description).toContain('recordId');
      expect(message.headers()?.required()).toEqual(expect.arrayContaining(['event-type', 'event-id', 'record-id', 'x-signature']));
      expect(Object.keys(message.headers()?.properties() ?? {})).toEqual(expect.arrayContaining(['ce_id', 'ce_type', 'traceparent']));
    }
  });
});

/** The parser annotates schemas with `x-parser-*` keys: compare what the document itself says. */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).filter(([key]) => !key.startsWith('x-parser-'));
  return Object.fromEntries(kept.map(([key, inner]) => [key, withoutParserKeys(inner)]));
}

/**
 * A bundled event schema without `$id` and with each `#/definitions/<Name>`
 * reference replaced by the shape itself (draft-07 ignores what stands beside a `$ref`, and so does the parser).
 */
function inlined(schema: JsonSchema): unknown {
  const { $id: _id, definitions = {}, ...rest } = schema as JsonSchema & { definitions?: Record<string, JsonSchema> };
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value !== 'object' || value === null) return value;
    const { $ref, ...siblings } = value as JsonSchema;
    const target = typeof $ref === 'string' ? definitions[$ref.replace('#/definitions/', '')] : undefined;
    const own = Object.fromEntries(Object.entries(siblings).map(([key, inner]) => [key, visit(inner)]));
    return target ? visit(target) : { ...(typeof $ref === 'string' && { $ref }), ...own };
  };
  return visit(rest);
}
