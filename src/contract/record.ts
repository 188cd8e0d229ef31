/** A record to write: its topic, the key (`data.recordId`, or none), the value bytes and UTF-8 headers (docs/kafka-contract.md). */
export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** A record as read back from a topic: where it is, when it was written, and its bytes and headers. */
export interface StoredRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds since the epoch (the producer's CreateTime). */
  timestamp: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** A record as a Kafka client hands it over: the fields every reader of the project turns into a StoredRecord. */
export interface ClientRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown> | undefined;
}

export function storedRecord(topic: string, partition: number, record: ClientRecord): StoredRecord {
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: Number(record.timestamp),
    key: record.key?.toString('utf8') ?? null,
    value: record.value ?? Buffer.alloc(0),
    headers: headerStrings(record.headers),
  };
}

/** Header values may come as Buffers or lists of them: one UTF-8 string each (the first of a list). */
export function headerStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== null) out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
