import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { PoppEnvelope } from '../../generated/events.js';
import { schemasDir } from '../paths.js';
import { isDateTime } from './date-time.js';
import { type InvalidValueReason, REASON } from './reasons.js';
import { CATEGORY_KEYWORD, loadSchemas, type SchemaSet } from './schemas.js';
import { topicForEventType } from './topics.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type Verdict = { ok: true } | { ok: false; reason: Exclude<InvalidValueReason, typeof REASON.invalidJson>; detail: string };

export interface EventCatalogue {
  readonly knownTypes: readonly string[];
  /** The category of a known type (conversation, analysis, scheduling, workflow, document); undefined for an unknown one. */
  categoryOf(eventType: string): string | undefined;
  /** Envelope first (so a bad envelope is named as such), then the event type's own schema. */
  check(value: unknown): Verdict;
  topicFor(eventType: string): string;
  readonly schemas: SchemaSet;
}

const VALID: Verdict = { ok: true };

/** Compiles every validator once, at start-up, from the files in `schemas/` (or `schemasDir`). */
export function createCatalogue(options: { schemasDir?: string | undefined; topicPrefix: string }): EventCatalogue {
  const schemas = loadSchemas(options.schemasDir ?? schemasDir);
  // Strict, but `type: ["string", "null"]` is how the schemas say nullable, and the category is an annotation.
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: CATEGORY_KEYWORD, schemaType: 'string' });
  addFormats(ajv, ['date-time', 'uri']);
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime }); // the same verdicts, several times faster
  const envelope = ajv.compile(schemas.envelope);
  const validators = new Map<string, ValidateFunction>();
  for (const [type, schema] of schemas.events) validators.set(type, ajv.compile(schema));
  const topics = new Map<string, string>();

  return {
    knownTypes: [...validators.keys()],
    schemas,
    categoryOf: (eventType) => schemas.categories.get(eventType),
    check(value) {
      if (!envelope(value)) return { ok: false, reason: REASON.invalidEnvelope, detail: describe(envelope.errors) };
      const type = (value as PoppEnvelope).event;
      const validate = validators.get(type);
      if (!validate) return { ok: false, reason: REASON.unknownEventType, detail: `no schema for ${type}` };
      if (!validate(value)) return { ok: false, reason: REASON.schemaViolation, detail: describe(validate.errors) };
      return VALID;
    },
    topicFor(eventType) {
      let topic = topics.get(eventType);
      if (topic === undefined) {
        topic = topicForEventType(options.topicPrefix, eventType);
        // Bounded: only types that passed the envelope pattern reach here, and unknown ones are few.
        if (topics.size < 10_000) topics.set(eventType, topic);
      }
      return topic;
    },
  };
}

/** Where and what, never the offending value: values are candidates' personal data. */
function describe(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'invalid';
  const where = error.instancePath || '(root)';
  const missing = error.keyword === 'required' ? ` (${String(error.params.missingProperty)})` : '';
  // ajv quotes the pattern itself, which says less than this and would fill the detail.
  const message = error.keyword === 'pattern' ? 'holds a character it may not hold' : (error.message ?? 'is invalid');
  return `${where} ${message}${missing}`.slice(0, 200);
}
