import { request } from 'node:http';
import type { EventCatalogue } from '../contract/catalogue.js';
import { HEADER } from '../contract/headers.js';
import { sampleEvent } from '../events/samples.js';
import { signBody } from '../webhook/verify.js';

export interface TriggerOptions {
  /** One type, or several (`--all`): each answer line then names its type. */
  eventTypes: readonly string[];
  count: number;
  recordId: string | undefined;
  url: string;
  secret: string;
  catalogue: Pick<EventCatalogue, 'schemas'>;
  print: (line: string) => void;
}

/**
 * Sends signed sample events (`count` of each type) to a running bridge and
 * prints what it answered. Resolves to the number of non-2xx answers.
 */
export async function trigger(options: TriggerOptions): Promise<number> {
  const { eventTypes, count } = options;
  const total = eventTypes.length * count;
  const verbose = total <= 30;
  const label = (type: string) => (eventTypes.length > 1 ? `${type} ` : '');
  let failures = 0;
  let sent = 0;
  const started = Date.now();
  for (const eventType of eventTypes) {
    const schema = options.catalogue.schemas.events.get(eventType);
    if (!schema) options.print(`note: ${eventType} has no schema in schemas/events: the bridge will treat it as unknown`);
    for (let index = 0; index < count; index++) {
      const body = Buffer.from(JSON.stringify(sampleEvent(eventType, schema, { recordId: options.recordId })));
      const answer = await post(options.url, body, signBody(body, options.secret));
      sent++;
      if (answer.status < 200 || answer.status >= 300) failures++;
      if (verbose || answer.status >= 300) options.print(`${answer.status} ${label(eventType)}${answer.body}`);
      else if (sent % 100 === 0) options.print(`sent ${sent}/${total}`);
    }
  }
  if (!verbose) options.print(`sent ${total} in ${Date.now() - started} ms, ${failures} not accepted`);
  return failures;
}

/** `trigger --list`: the known types by category (alphabetical), each with its topic. */
export function listEventTypes(catalogue: Pick<EventCatalogue, 'knownTypes' | 'categoryOf' | 'topicFor'>): string[] {
  const byCategory = new Map<string, string[]>();
  for (const type of catalogue.knownTypes) {
    const category = catalogue.categoryOf(type) ?? '(none)';
    byCategory.set(category, [...(byCategory.get(category) ?? []), type]);
  }
  const width = Math.max(...catalogue.knownTypes.map((type) => type.length)) + 2;
  const lines: string[] = [];
  for (const category of [...byCategory.keys()].sort()) {
    const types = byCategory.get(category) ?? [];
    lines.push(`${category} (${types.length})`);
    for (const type of types) lines.push(`  ${type.padEnd(width)}${catalogue.topicFor(type)}`);
  }
  return lines;
}

function post(url: string, body: Buffer, signature: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, [HEADER.signature]: signature } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(new Error(`cannot reach the bridge at ${url}: ${error.message}`)));
    req.end(body);
  });
}
