import { DEAD_LETTER_REASONS } from '../../contract/reasons.js';
import { formatCount, formatTime, type Html, html, layout, postButton } from '../html.js';
import type { RowPage } from '../queries.js';
import type { ReplayRun } from '../replay.js';
import { pager, payloadButton } from './rows.js';

const REASONS = Object.keys(DEAD_LETTER_REASONS);

export function deadLettersPage(
  data: { page: RowPage; reason: string | undefined; params: URLSearchParams; topic: string },
  csrf: string,
): string {
  const { rows } = data.page;
  const body: Html = html`
    <h1>Dead letters</h1>
    <p class="lead">Signed deliveries that could not be published, newest first, from <code>${data.topic}</code>. Nothing is ever removed from it: a replay publishes a copy.</p>
    <div class="card actions">
      <form class="filters" method="get" action="/console/dead-letters">
        <label>Reason<select name="reason"><option value="">any</option>${REASONS.map(
          (reason) => html`<option value="${reason}" ${reason === data.reason ? html`selected` : ''}>${reason}</option>`,
        )}</select></label>
        <button type="submit">Filter</button>
      </form>
      <span class="spacer"></span>
      ${postButton('/console/dead-letters/replay', csrf, { mode: 'dry-run' }, 'Replay all that pass now… (dry run first)', 'secondary')}
    </div>
    <div class="card">
      ${
        rows.length === 0
          ? html`<p class="muted">No dead letters${data.reason ? html` with reason ${data.reason}` : ''}.</p>`
          : html`<table>
            <thead><tr><th>Received (UTC)</th><th>Reason</th><th>Detail</th><th>Event type</th><th>Event id</th><th>Record</th><th>Partition / offset</th><th></th></tr></thead>
            <tbody>${rows.map(
              (row) => html`<tr>
                <td class="mono nowrap">${formatTime(row.receivedAt ?? row.time)}</td>
                <td><span class="tag dead-lettered">${row.reason ?? '—'}</span></td>
                <td class="mono">${row.detail ?? ''}</td>
                <td>${row.eventType ?? html`<span class="muted">unknown</span>`}</td>
                <td class="mono">${row.eventId ?? '—'}</td>
                <td class="mono">${row.recordId ?? '—'}</td>
                <td class="mono nowrap">${row.partition} / ${row.offset}</td>
                <td><div class="cell-actions">${payloadButton(row, csrf)}
                  ${postButton('/console/dead-letters/replay', csrf, { mode: 'dry-run', partition: row.partition, offset: row.offset }, 'Replay…', 'small secondary')}</div></td>
              </tr>`,
            )}</tbody>
          </table>`
      }
      ${pager(data.page, '/console/dead-letters', data.params, 'dead letters')}
    </div>`;
  return layout({ title: 'Dead letters', section: 'dead-letters', body, csrf });
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
