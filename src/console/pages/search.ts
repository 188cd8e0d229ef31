import { formatCount, html, layout, plural } from '../html.js';
import type { RowPage } from '../queries.js';
import { outcomeTable } from './rows.js';

/** One search's results from the log and the dead letters, each marked with its outcome. */
export function searchPage(
  data: { q: string | undefined; from: string; to: string; page: RowPage | undefined; budget: number },
  csrf: string,
): string {
  const { page } = data;
  const dead = page ? page.rows.filter((row) => row.outcome === 'dead-lettered').length : 0;
  const body = html`
    <h1>Search</h1>
    <p class="lead">An eventId (any case, or its start), a recordId, or text inside a payload (a file name, an attachmentId),
      in the log and the dead letters at once. The newest ${formatCount(data.budget)} records of each topic are searched; a time range reaches further back.</p>
    <div class="card">
      <form class="filters" method="get" action="/console/search">
        <label>Search<input name="q" value="${data.q ?? ''}" placeholder="eventId, recordId or text" class="wide" /></label>
        <label>From (UTC)<input type="datetime-local" step="1" name="from" value="${data.from}" /></label>
        <label>To (UTC)<input type="datetime-local" step="1" name="to" value="${data.to}" /></label>
        <button type="submit">Search</button>
      </form>
    </div>
    ${
      page &&
      html`<div class="card">
        ${
          page.rows.length === 0
            ? html`<p class="muted">Nothing in the log or the dead letters matches.</p>`
            : outcomeTable(page.rows, csrf, { className: 'results' })
        }
        ${
          data.q !== undefined &&
          page.rows.some((row) => row.recordId === data.q) &&
          html`<p class="notice">A record: <a href="/console/records/${encodeURIComponent(data.q)}">its whole story</a>, back to its first event.</p>`
        }
        <div class="pager"><span>${plural(page.rows.length, 'match', 'matches')} (${plural(dead, 'dead letter')}) · examined ${formatCount(page.scanned)} of ${formatCount(page.total)} records in ${page.elapsedMs} ms</span>
        ${page.budgetSpent && html`<span class="tag warn">older records not searched: give a time range</span>`}</div>
      </div>`
    }`;
  return layout({ title: 'Search', section: 'search', body, csrf });
}
