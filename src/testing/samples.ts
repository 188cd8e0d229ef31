import type { EventDataMap, EventOf, EventType } from '../../generated/events.js';
import { loadSchemas, type SchemaSet } from '../contract/schemas.js';
import { sampleEvent as sampleFromSchema } from '../events/samples.js';
import { schemasDir } from '../paths.js';

export interface SampleEventOptions<T extends EventType> {
  recordId?: string;
  organizationId?: string;
  /** The event's time (default now). */
  now?: Date;
  /** Fields of `data` to set besides (or instead of) the sample's, typed by the event type. */
  data?: Partial<EventDataMap[T]>;
}

let schemas: SchemaSet | undefined;

/**
 * A realistic event of a type, made from its schema as `popp-bridge trigger`
 * makes them (a fresh eventId, Popp-style ids, the documented example
 * values), with what the test sets on top. It passes the type's schema unless
 * `data` breaks it.
 */
export function sampleEvent<T extends EventType>(type: T, options: SampleEventOptions<T> = {}): EventOf<T> {
  schemas ??= loadSchemas(schemasDir);
  const { data, ...rest } = options;
  const event = sampleFromSchema(type, schemas.events.get(type), rest) as { data: Record<string, unknown> };
  return { ...event, data: { ...event.data, ...data } } as unknown as EventOf<T>;
}
