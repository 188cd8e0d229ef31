import { isUtf8 } from 'node:buffer';

export type Parsed = { ok: true; value: unknown } | { ok: false; detail: string };

/** Parses the verified body; the raw bytes stay untouched for Kafka. */
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
