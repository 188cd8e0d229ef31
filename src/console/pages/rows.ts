import { isReplayable } from '../../contract/reasons.js';
import { formatCount, formatTime, type Html, html, plural, postButton, shown, ZONE } from '../html.js';
import { formatCursor } from '../log-window.js';
import type { RecordRow, RowPage } from '../queries.js';

/** A link to a record's whole story (or its id alone, where the page is that story). */
export function recordLink(recordId: string | undefined, link = true): Html {
  if (!recordId) return html`—`;
  return link ? html`<a href="/console/records/${encodeURIComponent(recordId)}">${shown(recordId)}</a>` : shown(recordId);
}

/** Ids and metadata of each record, a link to its record's story, and a button (not a link) for its payload. */
export function eventTable(rows: readonly RecordRow[], csrf: string, options: { recordLinks?: boolean } = {}): Html {
  if (rows.length === 0)
    return html`<p class="muted">No events match. <a href="/console/dead-letters">Dead letters</a> are listed apart, or search both from the box above.</p>`;
  return html`<table class="events">
    <thead><tr><th>Time (${ZONE})</th><th>Type</th><th>Category</th><th>Record</th><th>Organization</th><th>Event id</th><th>Partition / offset</th><th></th></tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr>
          <td class="mono nowrap">${formatTime(row.time)}</td>
          <td><span class="tag">${shown(row.eventType)}</span>${row.replayedFrom && html` <span class="tag warn" title="${`replayed from ${row.replayedFrom}`}">replayed</span>`}</td>
          <td>${row.category ?? '—'}</td>
          <td class="mono">${recordLink(row.recordId, options.recordLinks !== false)}</td>
          <td class="mono">${shown(row.organizationId)}</td>
          <td class="mono">${shown(row.eventId)}</td>
          <td class="mono nowrap" title="${row.topic}">${row.partition} / ${row.offset}</td>
          <td>${payloadButton(row, csrf)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * Published events and dead letters in one table (a record's story, a
 * search's results): each row says its outcome, a dead letter its reason and
 * detail, with its payload and, where a replay can pass, its replay.
 */
export function outcomeTable(rows: readonly RecordRow[], csrf: string, options: { recordLinks?: boolean; className: string }): Html {
  return html`<table class="${options.className}">
    <thead><tr><th>Time (${ZONE})</th><th>Outcome</th><th>Type</th><th>Record</th><th>Event id</th><th>Reason and detail</th><th></th></tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr class="${row.outcome}">
          <td class="mono nowrap">${formatTime(row.time)}</td>
          <td><span class="tag ${row.outcome}">${row.outcome}</span>${row.replayedFrom && html` <span class="tag warn" title="${`replayed from ${row.replayedFrom}`}">replayed</span>`}</td>
          <td class="type">${shown(row.eventType, 'unknown')}</td>
          <td class="mono">${recordLink(row.recordId, options.recordLinks !== false)}</td>
          <td class="mono">${shown(row.eventId)}</td>
          <td>${row.reason ? html`<span class="tag dead-lettered reason">${row.reason}</span> <span class="mono detail">${shown(row.detail, '')}</span>` : ''}</td>
          <td><div class="cell-actions">${payloadButton(row, csrf)}${row.outcome === 'dead-lettered' && replayButton(row, csrf)}</div></td>
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

/** A dry run of one dead letter's replay, offered only when its reason can pass (the catalogue says which). */
export function replayButton(row: Pick<RecordRow, 'reason' | 'partition' | 'offset'>, csrf: string): Html {
  if (!isReplayable(row.reason))
    return html`<span class="muted small" title="the body itself is broken: a replay sends the same bytes">no replay</span>`;
  return postButton(
    '/console/dead-letters/replay',
    csrf,
    { mode: 'dry-run', partition: row.partition, offset: row.offset },
    'Replay…',
    'small secondary',
  );
}

/** What was read for the page (so a slow filter explains itself) and the link to older records. */
export function pager(page: RowPage, base: string, params: URLSearchParams, what: [string, string] = ['event', 'events']): Html {
  const older = new URLSearchParams(params);
  if (page.next) older.set('before', formatCursor(page.next));
  const hasFilter = [...params.keys()].some((key) => key !== 'before' && key !== 'refresh');
  return html`<div class="pager">
    <span>${plural(page.rows.length, what[0], what[1])} · examined ${formatCount(page.scanned)} of ${formatCount(page.total)} records in ${page.elapsedMs} ms</span>
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
