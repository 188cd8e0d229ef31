import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config.js';
import type { IncomingRecord } from '../consumer/decode.js';
import { createGroupRunner } from '../consumer/kafka.js';
import { createCatalogue, type EventCatalogue } from '../contract/catalogue.js';
import { HEADER } from '../contract/headers.js';
import { REASON } from '../contract/reasons.js';
import { topicForEventType } from '../contract/topics.js';
import { parseJson, unwrapValue } from '../contract/value.js';
import { LOCAL_BROKERS } from '../devstack/broker.js';

export const TAIL_USAGE = 'usage: popp-bridge tail [--event TYPE] [--from-beginning] [--group G]';

export interface TailOptions {
  config: Config;
  brokers: string[];
  /** One type's topic; undefined: the log topic (or every known type's topic when the log is off). */
  eventType?: string | undefined;
  fromBeginning: boolean;
  /** A named group resumes where it stopped and commits; undefined: a throwaway group that commits nothing. */
  groupId?: string | undefined;
  print: (line: string) => void;
  status: (line: string) => void;
  color: boolean;
  /** Ends the tail. */
  signal: AbortSignal;
  catalogue?: EventCatalogue;
}

/** Prints each record of the topics as one readable line until `signal` aborts. It shows payload fields: an operator's tool. */
export async function tail(options: TailOptions): Promise<void> {
  const { config } = options;
  const catalogue = options.catalogue ?? createCatalogue({ topicPrefix: config.topics.prefix });
  const topics = options.eventType
    ? [topicForEventType(config.topics.prefix, options.eventType)]
    : config.topics.eventLog
      ? [config.topics.eventLog]
      : catalogue.knownTypes.map((type) => catalogue.topicFor(type));
  const groupId = options.groupId ?? `popp-bridge-tail-${randomUUID().slice(0, 8)}`;
  const runner = createGroupRunner({
    connection: { brokers: options.brokers, ssl: config.kafka.ssl, sasl: config.kafka.sasl, clientId: 'popp-bridge-tail' },
    groupId,
    topics,
    deadLetterTopic: undefined,
    topicSettings: undefined,
    commit: options.groupId !== undefined,
    fromBeginning: options.fromBeginning,
    sessionTimeoutMs: 10_000,
    partitionsConcurrently: 1,
    commitIntervalMs: 1_000,
    fetchBytesPerPartition: 1_048_576,
    signal: options.signal,
    // Only the wait for Kafka is shown (stderr), so a tail started before its broker says what it waits for.
    log: (_level, message, extra) => {
      if (message.startsWith('waiting for Kafka')) options.status(`${message} (${String(extra.error ?? '')})`);
    },
    onCrash: () => {},
    processBatch: async (batch) => {
      for (const record of batch.records) {
        if (options.signal.aborted || !batch.active()) return;
        options.print(formatRecord(record, catalogue, options.color));
        batch.done(record.offset);
      }
      await batch.checkpoint();
    },
  });
  try {
    await runner.start();
  } catch (error) {
    await runner.stop(); // a half-started client would keep the process alive
    throw error;
  }
  const where = options.fromBeginning ? 'from the beginning' : options.groupId ? 'from where the group stopped' : 'from now on';
  options.status(`Tailing ${topics.join(', ')} ${where} (group ${groupId}${options.groupId ? '' : ', nothing committed'}). Ctrl-C stops.`);
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await runner.stop();
}

/** `popp-bridge tail …`: arguments, configuration and terminal; the work is `tail`. */
export async function tailCommand(args: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { event: { type: 'string' }, 'from-beginning': { type: 'boolean', default: false }, group: { type: 'string' } },
  });
  if (values.event !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(values.event)) {
    print(`${TAIL_USAGE}\n  TYPE is an event type such as DOCUMENT_UPLOADED`);
    return 2;
  }
  const config = loadConfig();
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await tail({
      config,
      brokers: config.kafkaBrokers ?? LOCAL_BROKERS,
      eventType: values.event,
      fromBeginning: values['from-beginning'] ?? false,
      groupId: values.group,
      print,
      status: (line) => console.error(line),
      color: useColor(process.stdout),
      signal: abort.signal,
    });
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Colours only on a terminal; Node's `hasColors` already says no under NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb. */
export function useColor(stream: { isTTY?: boolean; hasColors?: () => boolean }): boolean {
  return stream.isTTY === true && stream.hasColors?.() === true;
}

const PALETTE = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];
const paint = (on: boolean, code: number | string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * `<time>  <TYPE>  <recordId>  <data fields>  (<org> <eventId> <topic>[<partition>]@<offset>)`;
 * a value that is not an event gets `!` and its reason instead.
 */
export function formatRecord(record: IncomingRecord, catalogue: Pick<EventCatalogue, 'check'>, color: boolean): string {
  const { body, schemaId } = unwrapValue(record.value ?? Buffer.alloc(0));
  const where = `${record.topic}[${record.partition}]@${record.offset}${schemaId === undefined ? '' : ` schema=${schemaId}`}`;
  const parsed = parseJson(body);
  const value = parsed.ok ? parsed.value : undefined;
  const verdict = parsed.ok ? catalogue.check(value) : { ok: false as const, reason: REASON.invalidJson, detail: parsed.detail };
  if (!verdict.ok && verdict.reason !== REASON.unknownEventType && verdict.reason !== REASON.schemaViolation) {
    const when = record.headers[HEADER.receivedAt] ?? '-';
    const problem = paint(color, 31, `! ${verdict.reason}: ${safe(verdict.detail)}`);
    return `${when}  ${problem}  ${safe(record.key?.toString('utf8') ?? '-')}  ${paint(color, 2, `(${body.length} bytes, ${where})`)}`;
  }
  const event = value as { event: string; eventId: string; eventTimestamp: string; data: Record<string, unknown> };
  const { recordId, organizationId, ...rest } = event.data;
  const fields = Object.entries(rest).map(([name, field]) => `${safe(name)}=${short(field)}`);
  if (!verdict.ok) fields.push(paint(color, 31, `!${verdict.reason}`));
  const type = paint(color, `1;${PALETTE[hash(event.event) % PALETTE.length]}`, safe(event.event).padEnd(24));
  const trailer = paint(color, 2, `(${short(organizationId)} ${safe(event.eventId)} ${where})`);
  return [safe(event.eventTimestamp), type, short(recordId), ...fields, trailer].join('  ');
}

/** Bare when plainly printable; otherwise JSON, with control characters escaped (no terminal escapes from payloads). */
function short(value: unknown): string {
  const text = typeof value === 'string' && /^[\w.@:/+-]+$/.test(value) ? value : safe(JSON.stringify(value) ?? 'undefined');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function safe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return h;
}
