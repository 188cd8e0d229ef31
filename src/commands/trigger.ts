import { request } from 'node:http';
import type { EventCatalogue } from '../events/catalogue.js';
import { sampleEvent } from '../events/samples.js';
import { signBody } from '../webhook/verify.js';

export interface TriggerOptions {
  eventType: string;
  count: number;
  recordId: string | undefined;
  url: string;
  secret: string;
  catalogue: Pick<EventCatalogue, 'schemas'>;
  print: (line: string) => void;
}

/** Sends signed sample events to a running bridge and prints what it answered. Resolves to the number of non-2xx answers. */
export async function trigger(options: TriggerOptions): Promise<number> {
  const schema = options.catalogue.schemas.events.get(options.eventType);
  if (!schema) options.print(`note: ${options.eventType} has no schema in schemas/events: the bridge will treat it as unknown`);
  const verbose = options.count <= 20;
  let failures = 0;
  const started = Date.now();
  for (let index = 0; index < options.count; index++) {
    const body = Buffer.from(JSON.stringify(sampleEvent(options.eventType, schema, { recordId: options.recordId })));
    const answer = await post(options.url, body, signBody(body, options.secret));
    if (answer.status < 200 || answer.status >= 300) failures++;
    if (verbose || answer.status >= 300) options.print(`${answer.status} ${answer.body}`);
    else if ((index + 1) % 100 === 0) options.print(`sent ${index + 1}/${options.count}`);
  }
  if (!verbose) options.print(`sent ${options.count} in ${Date.now() - started} ms, ${failures} not accepted`);
  return failures;
}

function post(url: string, body: Buffer, signature: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-signature': signature } },
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
