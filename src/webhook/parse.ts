export type Parsed = { ok: true; value: unknown } | { ok: false; detail: string };

/** Parses the verified body; the raw bytes stay untouched for Kafka. */
export function parseJson(body: Buffer): Parsed {
  // A UTF-8 byte order mark is not JSON, but parsers may ignore it (RFC 8259).
  const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8', start)) };
  } catch (error) {
    // SyntaxError messages may quote the body: keep only a position-free summary.
    return { ok: false, detail: body.length === 0 ? 'empty body' : (error as Error).name };
  }
}
