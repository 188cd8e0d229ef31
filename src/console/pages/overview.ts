import { type ActivitySnapshot, CONSOLE_OUTCOMES } from '../activity.js';
import { activityChart, sparkline, stacksOf } from '../chart.js';
import { formatCount, formatTime, html, layout } from '../html.js';
import type { ServiceStatus } from '../status.js';

export interface OverviewData {
  activity: ActivitySnapshot;
  services: ServiceStatus[];
  settings: [string, string][];
  categoryOf(eventType: string): string | undefined;
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
    <p class="lead">Webhooks received by this bridge process since ${formatTime(activity.startedAt)} UTC; times are UTC.</p>
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
          ? html`<p class="muted">No webhook received yet. Try <code>npx popp-bridge trigger --all</code>.</p>`
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
