import { deadLetterReasons, isReplayable } from '../../contract/reasons.js';
import { formatCount, formatTime, type Html, html, layout, plural, postButton, shown, ZONE } from '../html.js';
import type { DeadLetterFilters, GroupScan, RowPage } from '../queries.js';
import type { ReplayRun } from '../replay.js';
import { pager, payloadButton, recordLink, replayButton } from './rows.js';

export interface DeadLettersPageData {
  page: RowPage;
  groups: GroupScan;
  filters: DeadLetterFilters;
  params: URLSearchParams;
  topic: string;
  knownTypes: readonly string[];
}

/** Dead letters to work through: filters, the same failures grouped, and each letter linked to its record, payload and replay. */
export function deadLettersPage(data: DeadLettersPageData, csrf: string): string {
  const { rows } = data.page;
  const { filters } = data;
  const input = (name: keyof DeadLetterFilters, label: string, placeholder = '') =>
    html`<label>${label}<input name="${name}" value="${typeof filters[name] === 'string' ? filters[name] : ''}" placeholder="${placeholder}" /></label>`;
  const select = (name: 'reason' | 'type', label: string, options: readonly string[]) =>
    html`<label>${label}<select name="${name}"><option value="">any</option>${options.map(
      (option) => html`<option value="${option}" ${option === filters[name] ? html`selected` : ''}>${option}</option>`,
    )}</select></label>`;
  const body: Html = html`
    <h1>Dead letters</h1>
    <p class="lead">Signed deliveries that could not be published, newest first, from <code>${data.topic}</code>. Nothing is ever removed from it: a replay publishes a copy.</p>
    <div class="card actions">
      <form class="filters" method="get" action="/console/dead-letters">
        ${select('reason', 'Reason', deadLetterReasons())}
        ${select('type', 'Event type', data.knownTypes)}
        ${input('recordId', 'Record', 'conv_…')}
        ${input('eventId', 'Event id', 'any case, a prefix')}
        <label>From (UTC)<input type="datetime-local" step="1" name="from" value="${localValue(filters.from)}" /></label>
        <label>To (UTC)<input type="datetime-local" step="1" name="to" value="${localValue(filters.to)}" /></label>
        ${filters.detail && html`<input type="hidden" name="detail" value="${filters.detail}" />`}
        <button type="submit">Filter</button>
        <a class="button secondary" href="/console/dead-letters">Clear</a>
      </form>
      <span class="spacer"></span>
      ${postButton('/console/dead-letters/replay', csrf, { mode: 'dry-run' }, 'Replay all that pass now… (dry run first)', 'secondary')}
    </div>
    ${filters.detail && html`<div class="notice">Only detail <code>${shown(filters.detail)}</code>.</div>`}
    ${groupsCard(data.groups, data.params)}
    <div class="card">
      ${rows.length === 0 ? html`<p class="muted">No dead letters match.</p>` : letterTable(rows, csrf)}
      ${pager(data.page, '/console/dead-letters', data.params, ['dead letter', 'dead letters'])}
    </div>`;
  return layout({ title: 'Dead letters', section: 'dead-letters', body, csrf });
}

function letterTable(rows: RowPage['rows'], csrf: string): Html {
  return html`<table class="dead-letters">
    <thead><tr><th>Received (${ZONE})</th><th>Reason</th><th>Detail</th><th>Event type</th><th>Event id</th><th>Record</th><th>Partition / offset</th><th></th></tr></thead>
    <tbody>${rows.map(
      (row) => html`<tr>
        <td class="mono nowrap">${formatTime(row.receivedAt ?? row.time)}</td>
        <td><span class="tag dead-lettered">${row.reason ?? '—'}</span></td>
        <td class="mono">${shown(row.detail, '')}</td>
        <td>${shown(row.eventType, 'unknown')}</td>
        <td class="mono">${shown(row.eventId)}</td>
        <td class="mono">${recordLink(row.recordId)}</td>
        <td class="mono nowrap">${row.partition} / ${row.offset}</td>
        <td><div class="cell-actions">${payloadButton(row, csrf)}${replayButton(row, csrf)}</div></td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** The same failures as one line each: how many, first and last seen, and a link to just those. */
function groupsCard(scan: GroupScan, params: URLSearchParams): Html {
  if (scan.groups.length === 0) return html``;
  const only = (group: GroupScan['groups'][number]) => {
    const narrowed = new URLSearchParams(params);
    narrowed.delete('before');
    narrowed.set('reason', group.reason);
    narrowed.set('detail', group.detail);
    return `/console/dead-letters?${narrowed}`;
  };
  return html`<div class="card">
    <h2>By reason and detail</h2>
    <table class="letter-groups">
      <thead><tr><th>Reason</th><th>Detail</th><th class="num">Count</th><th>First seen (${ZONE})</th><th>Last seen (${ZONE})</th><th>Event types</th><th>Replay</th></tr></thead>
      <tbody>${scan.groups.map(
        (group) => html`<tr>
          <td><span class="tag dead-lettered">${group.reason}</span></td>
          <td class="mono"><a href="${only(group)}">${shown(group.detail, '(none)')}</a></td>
          <td class="num">${formatCount(group.count)}</td>
          <td class="mono nowrap">${formatTime(group.firstSeen)}</td>
          <td class="mono nowrap">${formatTime(group.lastSeen)}</td>
          <td>${group.eventTypes.map((type) => html`<span class="tag">${shown(type)}</span> `)}</td>
          <td>${isReplayable(group.reason) ? 'can pass' : html`<span class="muted">never: the body is broken</span>`}</td>
        </tr>`,
      )}</tbody>
    </table>
    <p class="muted">${plural(scan.groups.length, 'group')} over ${plural(scan.scanned, 'dead letter')} examined of ${formatCount(scan.total)} in ${scan.elapsedMs} ms${
      scan.budgetSpent ? ' (the newest only: narrow with a time range)' : ''
    }.</p>
  </div>`;
}

function localValue(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19);
}

/** A dry run's verdict with the button that does it for real, or a replay's outcome. */
export function replayPage(run: ReplayRun, csrf: string): string {
  const { summary } = run;
  const failing = Object.entries(summary.stillFailing);
  const which = run.only ? html`The dead letter at partition ${run.only.partition}, offset ${run.only.offset}` : html`Every dead letter`;
  const fields: Record<string, string | number> = {
    mode: 'replay',
    ...(run.only && { partition: run.only.partition, offset: run.only.offset }),
  };
  const body = html`
    <h1>${run.dryRun ? 'Replay: dry run' : 'Replay done'}</h1>
    <p class="lead">${which}, checked against the current <code>schemas/</code>, with the code of <code>popp-bridge replay-dead-letters</code> (${run.elapsedMs} ms).</p>
    <div class="card">
      <dl class="kv">
        <dt>Dead letters read</dt><dd>${formatCount(summary.deadLetters)}</dd>
        <dt>${run.dryRun ? 'Would publish' : 'Published'}</dt><dd><span class="tag ${summary.published > 0 ? 'published' : ''}">${formatCount(summary.published)}</span></dd>
        <dt>Already published</dt><dd>${formatCount(summary.alreadyPublished)}</dd>
        <dt>Past the replay window</dt><dd>${summary.pastWindow > 0 ? html`<span class="tag bad">stale-event ${formatCount(summary.pastWindow)}</span> published on purpose` : '0'}</dd>
        <dt>Repeated (redelivered)</dt><dd>${formatCount(summary.repeated)}</dd>
        <dt>Still failing</dt><dd>${failing.length === 0 ? '0' : failing.map(([reason, n]) => html`<span class="tag bad">${reason} ${n}</span> `)}</dd>
      </dl>
    </div>
    ${
      run.dryRun
        ? summary.published > 0
          ? html`<div class="notice actions">Nothing was written. ${postButton('/console/dead-letters/replay', csrf, fields, `Replay ${summary.published} now`)}
              <a class="button secondary" href="/console/dead-letters">Cancel</a></div>`
          : html`<div class="notice">Nothing to publish. <a href="/console/dead-letters">Back to the dead letters</a></div>`
        : html`<div class="notice">Done. <a href="/console/events">See the events</a> · <a href="/console/dead-letters">Back to the dead letters</a></div>`
    }
    <div class="card"><h2>Output</h2><pre class="payload">${run.lines.join('\n')}</pre></div>`;
  return layout({ title: 'Replay', section: 'dead-letters', body, csrf });
}
