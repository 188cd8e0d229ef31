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
