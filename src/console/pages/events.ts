import { formatTime, type Html, html, layout } from '../html.js';
import type { EventFilters, RowPage } from '../queries.js';
import { eventTable, pager } from './rows.js';

export interface EventsPageData {
  page: RowPage;
  filters: EventFilters;
  params: URLSearchParams;
  knownTypes: readonly string[];
  categories: readonly string[];
  topic: string;
}

export function eventsPage(data: EventsPageData, csrf: string): string {
  const { filters, params } = data;
  const text = (name: string, label: string, value: string | undefined, placeholder = '') =>
    html`<label>${label}<input name="${name}" value="${value ?? ''}" placeholder="${placeholder}" /></label>`;
  const select = (name: string, label: string, options: readonly string[], value: string | undefined) =>
    html`<label>${label}<select name="${name}"><option value="">any</option>${options.map(
      (option) => html`<option value="${option}" ${option === value ? html`selected` : ''}>${option}</option>`,
    )}</select></label>`;
  const body: Html = html`
    <h1>Events</h1>
    <p class="lead">The log topic <code>${data.topic}</code>, newest first. Lists show ids and metadata only; a payload opens on its button.</p>
    <div class="card">
      <form class="filters" method="get" action="/console/events">
        ${select('type', 'Type', data.knownTypes, filters.type)}
        ${select('category', 'Category', data.categories, filters.category)}
        ${text('organizationId', 'Organization', filters.organizationId, 'org_…')}
        ${text('recordId', 'Record', filters.recordId, 'conv_…')}
        ${text('eventId', 'Event id', filters.eventId)}
        <label>From (UTC)<input type="datetime-local" step="1" name="from" value="${localValue(filters.from)}" /></label>
        <label>To (UTC)<input type="datetime-local" step="1" name="to" value="${localValue(filters.to)}" /></label>
        <button type="submit">Filter</button>
        <a class="button secondary" href="/console/events">Clear</a>
      </form>
    </div>
    <div class="card">
      ${eventTable(data.page.rows, csrf)}
      ${pager(data.page, '/console/events', params)}
    </div>`;
  return layout({ title: 'Events', section: 'events', body, csrf });
}

export function historyPage(data: { recordId: string; page: RowPage; params: URLSearchParams }, csrf: string): string {
  const first = data.page.rows[0];
  const last = data.page.rows.at(-1);
  const body = html`
    <h1>Record <code>${data.recordId}</code></h1>
    <p class="lead">Every event of this record in log order (oldest first), as a projection replays them${
      first && last ? html`: ${data.page.rows.length} from ${formatTime(first.time)} to ${formatTime(last.time)} UTC` : ''
    }. All of them live in partition ${first?.partition ?? '—'} of the log topic.</p>
    <div class="card">
      ${eventTable(data.page.rows, csrf, { recordLinks: false })}
      ${pager(data.page, `/console/records/${encodeURIComponent(data.recordId)}`, data.params)}
    </div>`;
  return layout({ title: `Record ${data.recordId}`, section: 'events', body, csrf });
}

/** A datetime-local value (no zone; the console's times are UTC). */
function localValue(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19);
}
