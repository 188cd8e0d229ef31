import { WIRE_CONTENT_TYPE, wirePrefix } from '../contract/value.js';

/**
 * What a record's value is, made from the request body exactly as received.
 * Plain mode: those bytes. Registry mode: the Confluent wire format around
 * them (docs/kafka-contract.md, Value), with schema ids looked up in a Map filled at
 * start-up, so the hot path never waits for the registry.
 */
export interface ValueCodec {
  /** The `content-type` header of event records; undefined keeps the request's own. */
  readonly contentType: string | undefined;
  encodeValue(topic: string, eventType: string, body: Buffer): Buffer;
}

export const plainCodec: ValueCodec = {
  contentType: undefined,
  encodeValue: (_topic, _eventType, body) => body,
};

export interface RegisteredSubject {
  topic: string;
  eventType: string;
  id: number;
}

/** Registry mode: every (topic, event type) the bridge writes has its id, registered before the first request. */
export function createRegistryCodec(registered: readonly RegisteredSubject[]): ValueCodec {
  // topic → event type → prefix: two Map lookups per record, no string building.
  const prefixes = new Map<string, Map<string, Buffer>>();
  for (const { topic, eventType, id } of registered) {
    let byType = prefixes.get(topic);
    if (!byType) {
      byType = new Map();
      prefixes.set(topic, byType);
    }
    byType.set(eventType, wirePrefix(id));
  }
  return {
    contentType: WIRE_CONTENT_TYPE,
    encodeValue(topic, eventType, body) {
      const prefix = prefixes.get(topic)?.get(eventType);
      // Only known types reach here (UNKNOWN_EVENT_POLICY=publish is refused in registry mode).
      if (!prefix) throw new Error(`no schema id registered for ${eventType} on ${topic}`);
      return Buffer.concat([prefix, body], prefix.length + body.length);
    },
  };
}
