import { isUtf8 } from 'node:buffer';

/**
 * What a record's value is: the webhook body byte for byte, JSON in UTF-8, in
 * registry mode behind the Confluent wire format's five bytes
 * (docs/kafka-contract.md, Value).
 */

export type Parsed = { ok: true; value: unknown } | { ok: false; detail: string };

/** Parses a body (the verified webhook body, or a value's); the raw bytes stay untouched for Kafka. */
export function parseJson(body: Buffer): Parsed {
  // JSON text must be UTF-8 (RFC 8259 §8.1). Decoding would swap bad bytes for U+FFFD in the parsed strings
  // while the value keeps them: headers and value would disagree, and strict consumers would fail on the record.
  if (!isUtf8(body)) return { ok: false, detail: 'not UTF-8' };
  // A UTF-8 byte order mark is not JSON, but parsers may ignore it (RFC 8259).
  const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8', start)) };
  } catch (error) {
    // SyntaxError messages may quote the body: keep only a position-free summary.
    return { ok: false, detail: body.length === 0 ? 'empty body' : (error as Error).name };
  }
}

/** The `content-type` of values in the Confluent wire format: byte 0, the schema id (4 bytes, big-endian), then JSON. */
export const WIRE_CONTENT_TYPE = 'application/vnd.confluent.json+wire';

const WIRE_HEADER_BYTES = 5;

/** The five bytes before the body: magic byte 0 and the schema id, big-endian. */
export function wirePrefix(schemaId: number): Buffer {
  const prefix = Buffer.alloc(WIRE_HEADER_BYTES);
  prefix.writeUInt32BE(schemaId, 1);
  return prefix;
}

/**
 * The JSON body of a value, plain or in the Confluent wire format. JSON never
 * starts with a 0 byte, so the first byte tells them apart without asking a registry.
 */
export function unwrapValue(value: Buffer): { body: Buffer; schemaId: number | undefined } {
  if (value.length >= WIRE_HEADER_BYTES && value[0] === 0) {
    return { body: value.subarray(WIRE_HEADER_BYTES), schemaId: value.readUInt32BE(1) };
  }
  return { body: value, schemaId: undefined };
}
