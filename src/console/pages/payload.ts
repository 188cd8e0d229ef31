import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_HEADER, HEADER } from '../../contract/headers.js';
import { REASON } from '../../contract/reasons.js';
import type { StoredRecord } from '../../contract/record.js';
import { formatCount, formatTime, type Html, html, layout, shown, ZONE } from '../html.js';
import { pointerOfDetail, prettyJson } from '../pretty-json.js';
import { recordLink, replayButton } from './rows.js';

/**
 * One record in full: its bytes exactly as received (copyable), a re-indented
 * view that changes no number or string, the place of a schema violation
 * marked, its headers, and the way to its record, its replay and back.
 */
export function payloadPage(record: StoredRecord, csrf: string): string {
  const { body, schemaId, utf8 } = readableBody(record.value);
  const h = record.headers;
  const reason = h[DEAD_LETTER_HEADER.reason];
  const pointer = reason === REASON.schemaViolation ? pointerOfDetail(h[DEAD_LETTER_HEADER.detail]) : undefined;
  const pretty = utf8 ? prettyJson(body, pointer) : undefined;
  const headers = Object.entries(h).sort(([a], [b]) => a.localeCompare(b));
  const recordId = h[HEADER.recordId];
  const page = html`
    <h1>Payload</h1>
    <p class="lead"><code>${record.topic}</code> partition ${record.partition}, offset ${record.offset}, written ${formatTime(record.timestamp)} ${ZONE}.
      This view is logged (event id only) and not cached by the browser.</p>
    <div class="card actions links">
      ${reason ? html`<span class="tag dead-lettered">dead-lettered: ${reason}</span> <span class="mono">${shown(h[DEAD_LETTER_HEADER.detail], '')}</span>` : html`<span class="tag published">published</span>`}
      <span>Record ${recordLink(recordId)}</span>
      ${reason && replayButton({ reason, partition: record.partition, offset: record.offset }, csrf)}
      <span class="spacer"></span>
      ${recordId && reason && html`<a href="/console/dead-letters?recordId=${encodeURIComponent(recordId)}">Dead letters of this record</a>`}
      <a href="${reason ? '/console/dead-letters' : '/console/events'}">← Back to the ${reason ? 'dead letters' : 'events'}</a>
    </div>
    <div class="warning">Payloads hold candidates' personal data. Do not copy them elsewhere.</div>
    ${pointer !== undefined && html`<div class="error">Schema violation at <code>${pointer || '(root)'}</code>: marked below.</div>`}
    <div class="card"><h2>Body${schemaId !== undefined ? html` <span class="muted">(Confluent wire format, schema id ${schemaId})</span>` : ''}</h2>
      ${pretty === undefined ? html`<p class="muted">Not JSON: shown as received only.</p>` : html`<pre class="payload pretty">${{ __html: pretty }}</pre>`}
    </div>
    <div class="card"><h2>As received <span class="muted">${formatCount(record.value.length)} bytes${utf8 ? '' : ', not UTF-8: base64'}</span></h2>
      <p class="muted">Exactly the bytes Popp sent (select all in the box to copy them).</p>
      <textarea class="raw" readonly rows="8" spellcheck="false">${body}</textarea>
    </div>
    <div class="card"><h2>Headers</h2>
      <dl class="kv">${headers.map(([name, value]) => html`<dt class="mono">${name}</dt><dd class="mono">${shown(value, '')}</dd>`)}</dl></div>`;
  return layout({ title: 'Payload', section: 'none', body: page as Html, csrf });
}

/** The value's text as received, after a wire-format prefix if any; base64 when it is not UTF-8. */
export function readableBody(value: Buffer): { body: string; schemaId: number | undefined; utf8: boolean } {
  const wire = value.length > 5 && value[0] === 0;
  const bytes = wire ? value.subarray(5) : value;
  const utf8 = isUtf8(bytes);
  return { body: utf8 ? bytes.toString('utf8') : bytes.toString('base64'), schemaId: wire ? value.readUInt32BE(1) : undefined, utf8 };
}
