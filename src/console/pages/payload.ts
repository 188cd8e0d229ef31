import type { StoredRecord } from '../../contract/record.js';
import { formatTime, html, layout } from '../html.js';

/** One record in full: headers and its body, pretty-printed when it is JSON (after a wire-format prefix, if any). */
export function payloadPage(record: StoredRecord, csrf: string): string {
  const { body, schemaId } = readableBody(record.value);
  const headers = Object.entries(record.headers).sort(([a], [b]) => a.localeCompare(b));
  const page = html`
    <h1>Payload</h1>
    <p class="lead"><code>${record.topic}</code> partition ${record.partition}, offset ${record.offset}, written ${formatTime(record.timestamp)} UTC.
      This view is logged (event id only) and not cached by the browser.</p>
    <div class="warning">Payloads hold candidates' personal data. Do not copy them elsewhere.</div>
    <div class="card"><h2>Body${schemaId !== undefined ? html` <span class="muted">(Confluent wire format, schema id ${schemaId})</span>` : ''}</h2>
      <pre class="payload">${body}</pre></div>
    <div class="card"><h2>Headers</h2>
      <dl class="kv">${headers.map(([name, value]) => html`<dt class="mono">${name}</dt><dd class="mono">${value}</dd>`)}</dl></div>`;
  return layout({ title: 'Payload', section: 'none', body: page, csrf });
}

export function readableBody(value: Buffer): { body: string; schemaId: number | undefined } {
  const wire = value.length > 5 && value[0] === 0;
  const bytes = wire ? value.subarray(5) : value;
  const text = bytes.toString('utf8');
  try {
    return { body: JSON.stringify(JSON.parse(text), null, 2), schemaId: wire ? value.readUInt32BE(1) : undefined };
  } catch {
    return { body: text, schemaId: wire ? value.readUInt32BE(1) : undefined };
  }
}
