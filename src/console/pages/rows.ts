import { formatCount, formatTime, type Html, html, postButton } from '../html.js';
import { formatCursor } from '../log-window.js';
import type { RecordRow, RowPage } from '../queries.js';

/** Ids and metadata of each record, a link to its record's history, and a button (not a link) for its payload. */
export function eventTable(rows: readonly RecordRow[], csrf: string, options: { recordLinks?: boolean } = {}): Html {
  if (rows.length === 0) return html`<p class="muted">No events match.</p>`;
  return html`<table class="events">
    <thead><tr><th>Time (UTC)</th><th>Type</th><th>Category</th><th>Record</th><th>Organization</th><th>Event id</th><th>Partition / offset</th><th></th></tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr>
          <td class="mono nowrap">${formatTime(row.time)}</td>
          <td><span class="tag">${row.eventType ?? '—'}</span>${row.replayedFrom && html` <span class="tag warn" title="${`replayed from ${row.replayedFrom}`}">replayed</span>`}</td>
          <td>${row.category ?? '—'}</td>
          <td class="mono">${
            row.recordId && options.recordLinks !== false
              ? html`<a href="/console/records/${encodeURIComponent(row.recordId)}">${row.recordId}</a>`
              : (row.recordId ?? '—')
          }</td>
          <td class="mono">${row.organizationId ?? '—'}</td>
          <td class="mono">${row.eventId ?? '—'}</td>
          <td class="mono nowrap" title="${row.topic}">${row.partition} / ${row.offset}</td>
          <td>${payloadButton(row, csrf)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function payloadButton(row: Pick<RecordRow, 'topic' | 'partition' | 'offset'>, csrf: string): Html {
  return postButton(
    '/console/payload',
    csrf,
    { topic: row.topic, partition: row.partition, offset: row.offset },
    'Payload',
    'small secondary',
  );
}

/** What was read for the page (so a slow filter explains itself) and the link to older records. */
export function pager(page: RowPage, base: string, params: URLSearchParams, what = 'events'): Html {
  const older = new URLSearchParams(params);
  if (page.next) older.set('before', formatCursor(page.next));
  const hasFilter = [...params.keys()].some((key) => key !== 'before');
  return html`<div class="pager">
    <span>${formatCount(page.rows.length)} ${what} · examined ${formatCount(page.scanned)} of ${formatCount(page.total)} records in ${page.elapsedMs} ms</span>
    ${page.budgetSpent && html`<span class="tag warn">search stopped early: older records not yet examined</span>`}
    <span class="spacer"></span>
    ${params.has('before') && html`<a class="button secondary" href="${withQuery(base, withoutCursor(params))}">Newest</a>`}
    ${page.next && html`<a class="button secondary" href="${withQuery(base, older)}" rel="next">Older →</a>`}
    ${!hasFilter && !page.next && html`<span class="muted">start of the topic</span>`}
  </div>`;
}

function withoutCursor(params: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(params);
  copy.delete('before');
  return copy;
}

export function withQuery(base: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}
