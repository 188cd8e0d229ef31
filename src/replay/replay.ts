import type { PoppEnvelope } from '../../generated/events.js';
import type { EventCatalogue } from '../contract/catalogue.js';
import { dateTimeMs } from '../contract/date-time.js';
import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import { REASON } from '../contract/reasons.js';
import type { OutgoingRecord, StoredRecord } from '../contract/record.js';
import { parseJson } from '../contract/value.js';
import type { ValueCodec } from '../registry/codec.js';
import { eventRecords } from '../webhook/records.js';

export interface ReplayDeps {
  /** The dead-letter topic as it is now, every partition in offset order. */
  readDeadLetters(): Promise<StoredRecord[]>;
  /** `topic` + `\n` + event id of every record in `topics` written at or after `fromTimestamp`. */
  readPublished(topics: string[], fromTimestamp: number): Promise<Set<string>>;
  ensureTopics(topics: string[]): Promise<void>;
  /** Resolves once Kafka acknowledged the records (acks=all); order is kept. */
  publish(records: OutgoingRecord[]): Promise<void>;
  catalogue: Pick<EventCatalogue, 'check' | 'topicFor'>;
  logTopic: string;
  codec: ValueCodec;
  /** How far before the oldest dead letter a copy of its event may already have been published (the dedupe window). */
  lookbackMs: number;
  progress(line: string): void;
  dryRun?: boolean;
}

export interface ReplaySummary {
  deadLetters: number;
  published: number;
  alreadyPublished: number;
  /** Further dead letters of an event replayed in this run (Popp redelivered it). */
  repeated: number;
  /** Of `published`, the `stale-event` letters: published on purpose, past the replay window the bridge keeps. */
  pastWindow: number;
  stillFailing: Record<string, number>;
}

/**
 * Re-validates every dead letter against the current schemas and publishes
 * the ones that pass, in the order they arrived, as the bridge would have
 * (a `stale-event` letter too: replaying is on purpose, and said so):
 * same key, the original delivery headers (the dead-letter ones dropped),
 * `replayed-from` added. Running it again publishes nothing twice: an event
 * whose id is already on a target topic is skipped for that topic (the
 * marker is the published record itself, so even a run cut short is safe).
 * Dead letters stay on their topic, for audit.
 */
export async function replayDeadLetters(deps: ReplayDeps): Promise<ReplaySummary> {
  const deadLetters = inArrivalOrder(await deps.readDeadLetters());
  const summary: ReplaySummary = {
    deadLetters: deadLetters.length,
    published: 0,
    alreadyPublished: 0,
    repeated: 0,
    pastWindow: 0,
    stillFailing: {},
  };
  const passing: { deadLetter: StoredRecord; records: OutgoingRecord[]; eventId: string; since: number; stale: boolean }[] = [];
  const seen = new Set<string>();
  for (const deadLetter of deadLetters) {
    const parsed = parseJson(deadLetter.value);
    const verdict = parsed.ok ? deps.catalogue.check(parsed.value) : ({ ok: false, reason: REASON.invalidJson } as const);
    if (!parsed.ok || !verdict.ok) {
      const reason = verdict.ok ? REASON.invalidJson : verdict.reason;
      summary.stillFailing[reason] = (summary.stillFailing[reason] ?? 0) + 1;
      continue;
    }
    const event = parsed.value as PoppEnvelope;
    if (seen.has(event.eventId)) {
      summary.repeated++;
      continue;
    }
    seen.add(event.eventId);
    // A copy may have been published before this letter arrived, up to a window before the earlier of its arrival and its
    // timestamp: a stale letter's first copy may be far older than the letter (a captured delivery replayed).
    const since = Math.min(deadLetter.timestamp, dateTimeMs(event.eventTimestamp) || deadLetter.timestamp) - deps.lookbackMs;
    const stale = deadLetter.headers[DEAD_LETTER_HEADER.reason] === REASON.staleEvent;
    passing.push({ deadLetter, eventId: event.eventId, records: recordsFor(event, deadLetter, deps), since, stale });
  }
  deps.progress(`${deadLetters.length} dead letters: ${passing.length} pass the current schemas`);
  if (passing.length === 0) return summary;

  const targets = [...new Set(passing.flatMap((item) => item.records.map((record) => record.topic)))];
  const since = Math.min(...passing.map((item) => item.since));
  await deps.ensureTopics(targets);
  // Kafka reads negative timestamps as 'latest'/'earliest': never pass one.
  const published = await deps.readPublished(targets, Math.max(0, since));
  const todo = passing.flatMap((item) => {
    const missing = item.records.filter((record) => !published.has(`${record.topic}\n${item.eventId}`));
    if (missing.length === 0) summary.alreadyPublished++;
    else if (item.stale) summary.pastWindow++;
    return missing.length > 0 ? [missing] : [];
  });
  summary.published = todo.length;
  if (summary.pastWindow > 0) {
    deps.progress(
      `${summary.pastWindow} of them ${REASON.staleEvent}: stamped outside the replay window, ${deps.dryRun ? 'would be' : 'are'} published on purpose`,
    );
  }
  if (deps.dryRun) return summary;
  // Queued together, sent in order by the batching publisher, in chunks that stay under its queue bound.
  for (let start = 0; start < todo.length; start += 1_000) {
    await Promise.all(todo.slice(start, start + 1_000).map((records) => deps.publish(records)));
    deps.progress(`published ${Math.min(start + 1_000, todo.length)}/${todo.length}`);
  }
  return summary;
}

/** The records the bridge would have written for the event, from what the dead letter kept of the delivery. */
function recordsFor(
  event: PoppEnvelope,
  deadLetter: StoredRecord,
  deps: Pick<ReplayDeps, 'catalogue' | 'logTopic' | 'codec'>,
): OutgoingRecord[] {
  const { headers } = deadLetter;
  const delivery = {
    body: deadLetter.value,
    receivedAt: headers[HEADER.receivedAt] ?? new Date(deadLetter.timestamp).toISOString(),
    contentType: headers[HEADER.contentType] ?? 'application/json',
    signature: headers[HEADER.signature] ?? '',
    traceparent: headers[HEADER.traceparent],
    tracestate: headers[HEADER.tracestate],
  };
  const records = eventRecords(event, delivery, { type: deps.catalogue.topicFor(event.event), log: deps.logTopic }, deps.codec);
  // The type and log records keep sharing one headers object (encoded once per request).
  const replayed = `${deadLetter.topic}/${deadLetter.partition}/${deadLetter.offset}`;
  const headersWithOrigin = { ...records[0]?.headers, [HEADER.replayedFrom]: replayed };
  return records.map((record) => ({ ...record, headers: headersWithOrigin }));
}

/**
 * All partitions merged by time, each partition's offset order kept (a
 * clock step back cannot reorder one recordId's events, which share a partition).
 */
export function inArrivalOrder(records: readonly StoredRecord[]): StoredRecord[] {
  const byPartition = new Map<number, StoredRecord[]>();
  for (const record of records) {
    const list = byPartition.get(record.partition) ?? [];
    if (list.length === 0) byPartition.set(record.partition, list);
    list.push(record);
  }
  const lists = [...byPartition.values()].map((list) => list.sort((a, b) => Number(a.offset) - Number(b.offset)));
  const next = lists.map(() => 0);
  const head = (list: number) => lists[list]?.[next[list] ?? 0];
  const ordered: StoredRecord[] = [];
  while (ordered.length < records.length) {
    let earliest = -1;
    for (let list = 0; list < lists.length; list++) {
      const candidate = head(list);
      if (candidate && (earliest < 0 || candidate.timestamp < (head(earliest) as StoredRecord).timestamp)) earliest = list;
    }
    ordered.push(head(earliest) as StoredRecord);
    next[earliest] = (next[earliest] ?? 0) + 1;
  }
  return ordered;
}
