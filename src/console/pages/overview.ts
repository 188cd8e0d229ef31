import { type ActivitySnapshot, CONSOLE_OUTCOMES } from '../activity.js';
import { activityChart, sparkline, stacksOf } from '../chart.js';
import { formatCount, formatTime, type Html, html, layout, plural, ZONE } from '../html.js';
import type { TopicTotals } from '../queries.js';
import type { ServiceStatus } from '../status.js';

export interface OverviewData {
  activity: ActivitySnapshot;
  services: ServiceStatus[];
  settings: [string, string][];
  categoryOf(eventType: string): string | undefined;
  /** From the topics, so a restart loses nothing; an error message when Kafka could not be read. */
  totals: TopicTotals | string;
}

/** Per event type and outcome: the last hour as a chart and in totals; the services' status; the configuration. */
export function overviewPage(data: OverviewData, csrf: string): string {
  const { activity } = data;
  const slots = activity.minutes.length;
  const all = stacksOf(activity.series, slots);
  const hourTotals = Object.fromEntries(CONSOLE_OUTCOMES.map((o) => [o, all[o].reduce((a, b) => a + b, 0)]));
  const types = [...new Set(activity.series.map((s) => s.eventType))];
  const latency = activity.publishLatency;
  const refused = Object.entries(activity.refusedByCode);

  const body = html`
    <h1>Overview</h1>
    ${banner(data.totals)}
    ${totalsCard(data.totals)}
    <p class="lead">Below: webhooks received by this bridge process since ${formatTime(activity.startedAt)} ${ZONE} (in memory, like <code>/metrics</code>).</p>
    <div class="grid">
      ${data.services.map(
        (service) => html`<div class="card status">
          <div class="dot ${service.state}"></div>
          <div><strong>${service.name}</strong><span>${service.state === 'ok' ? 'up' : service.state}: ${service.detail}</span></div>
        </div>`,
      )}
      <div class="card">
        <strong>Publish latency</strong>
        ${
          latency
            ? html`<div class="metric">${latency.p50Ms} ms <span class="muted">p50</span></div>
                <span class="muted">p99 ${latency.p99Ms} ms · max ${latency.maxMs} ms · ${formatCount(latency.batches)} batches${latency.failed > 0 ? `, ${latency.failed} failed` : ''} (Kafka acks=all, last ${Math.min(latency.batches, 2048)})</span>`
            : html`<div class="muted">no batch sent yet</div>`
        }
      </div>
    </div>
    <div class="card">
      <h2>Last hour, per minute</h2>
      ${activityChart(all, activity.minutes)}
      <div class="legend">
        ${CONSOLE_OUTCOMES.map((o) => html`<span><i class="o-${o}"></i>${o} ${formatCount(hourTotals[o] ?? 0)}</span>`)}
      </div>
    </div>
    <div class="card">
      <h2>By event type</h2>
      ${
        types.length === 0
          ? html`<p class="muted">No webhook received by this process since it started (the totals above are the topics'). Try <code>npx popp-bridge trigger --all</code>.</p>`
          : html`<table>
            <thead><tr><th>Event type</th><th>Category</th><th>Last hour</th>
              ${CONSOLE_OUTCOMES.map((o) => html`<th class="num">${o}</th>`)}<th class="num">since start</th></tr></thead>
            <tbody>
              ${types.map((type) => {
                const mine = activity.series.filter((s) => s.eventType === type);
                const count = (o: string) => mine.find((s) => s.outcome === o)?.lastHour ?? 0;
                const since = mine.reduce((sum, s) => sum + s.sinceStart, 0);
                return html`<tr>
                  <td><a href="/console/events?type=${encodeURIComponent(type)}">${type}</a></td>
                  <td>${data.categoryOf(type) ?? '—'}</td>
                  <td>${sparkline(stacksOf(mine, slots))}</td>
                  ${CONSOLE_OUTCOMES.map((o) => html`<td class="num">${count(o) > 0 ? html`<span class="tag ${o}">${formatCount(count(o))}</span>` : html`<span class="muted">0</span>`}</td>`)}
                  <td class="num">${formatCount(since)}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
      }
      ${refused.length > 0 && html`<p class="muted">Refused since start, by answer: ${refused.map(([code, n]) => `${code} ${n}`).join(' · ')}</p>`}
    </div>
    <div class="card">
      <h2>Configuration</h2>
      <dl class="kv">${data.settings.map(([name, value]) => html`<dt>${name}</dt><dd class="mono">${value}</dd>`)}</dl>
    </div>`;
  return layout({ title: 'Overview', section: 'overview', body, csrf });
}

/** Dead letters that arrived in the last hour are news: said at the top, with the way to them. */
function banner(totals: TopicTotals | string): Html {
  if (typeof totals === 'string' || totals.deadLettersLastHour === 0) return html``;
  const from = new Date(totals.asOf - 3_600_000).toISOString().slice(0, 19);
  return html`<div class="warning banner">${plural(totals.deadLettersLastHour, 'dead letter')} arrived in the last hour.
    <a href="/console/dead-letters?from=${encodeURIComponent(from)}">See them</a></div>`;
}

function totalsCard(totals: TopicTotals | string): Html {
  if (typeof totals === 'string') return html`<div class="error">The topics could not be read for totals: ${totals}</div>`;
  return html`<div class="card totals">
    <h2>In the topics <span class="muted">as of ${formatTime(totals.asOf)} ${ZONE}</span></h2>
    <div class="grid">
      <div><div class="metric events-total">${totals.events === undefined ? 'off' : formatCount(totals.events)}</div><span class="muted">events in the log topic</span></div>
      <div><div class="metric dead-letters-total"><a href="/console/dead-letters">${formatCount(totals.deadLetters)}</a></div><span class="muted">${
        totals.deadLetters === 1 ? 'dead letter' : 'dead letters'
      } kept, ${formatCount(totals.deadLettersLastHour)} in the last hour</span></div>
      <div>${
        totals.byReason.length === 0
          ? html`<span class="muted">no dead letter</span>`
          : totals.byReason.map(
              (entry) =>
                html`<a class="tag dead-lettered" href="/console/dead-letters?reason=${encodeURIComponent(entry.reason)}">${entry.reason} ${formatCount(entry.count)}</a> `,
            )
      }<br /><span class="muted">by reason, over the newest ${plural(totals.reasonsScanned, 'dead letter')}</span></div>
    </div>
  </div>`;
}
