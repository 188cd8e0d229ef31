import { formatTime, type Html, html, layout, plural, shown, ZONE } from '../html.js';
import type { EventFilters, RowPage } from '../queries.js';
import { eventTable, outcomeTable, pager } from './rows.js';

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
        ${text('eventId', 'Event id', filters.eventId, 'any case, a prefix')}
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

/** A record's whole story: what was published and what was dead-lettered, interleaved in time. */
export function storyPage(
  data: { recordId: string; page: RowPage & { deadLetters: number }; params: URLSearchParams },
  csrf: string,
): string {
  const { rows } = data.page;
  const first = rows[0];
  const last = rows.at(-1);
  const published = rows.length - data.page.deadLetters;
  const id = encodeURIComponent(data.recordId);
  const body = html`
    <h1>Record <code>${shown(data.recordId)}</code></h1>
    <p class="lead">Everything that happened to this record, oldest first: ${plural(published, 'published event')} and ${plural(
      data.page.deadLetters,
      'dead letter',
    )}${first && last ? html`, from ${formatTime(first.time)} to ${formatTime(last.time)} ${ZONE}` : ''}. Its events live in partition ${
      rows.find((row) => row.outcome === 'published')?.partition ?? '—'
    } of the log topic.</p>
    ${
      data.page.deadLetters > 0 &&
      html`<div class="warning">${plural(data.page.deadLetters, 'delivery', 'deliveries')} of this record ${
        data.page.deadLetters === 1 ? 'was' : 'were'
      } dead-lettered. <a href="/console/dead-letters?recordId=${id}">Its dead letters</a></div>`
    }
    <div class="card">
      ${rows.length === 0 ? html`<p class="muted">Nothing of this record in the log or the dead letters.</p>` : outcomeTable(rows, csrf, { recordLinks: false, className: 'story' })}
      ${pager(data.page, `/console/records/${id}`, data.params, ['entry', 'entries'])}
    </div>`;
  return layout({ title: `Record ${data.recordId}`, section: 'events', body, csrf });
}

/** A datetime-local value (no zone; the console's times are UTC). */
function localValue(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19);
}
