import type { GroupRow } from '../groups.js';
import { formatCount, html, layout } from '../html.js';

export function groupsPage(data: { groups: GroupRow[]; elapsedMs: number }, csrf: string): string {
  const body = html`
    <h1>Consumer groups</h1>
    <p class="lead">Every group that has committed offsets on the bridge's topics: its lag (records still to read) per topic, and its own dead-letter topic.</p>
    ${
      data.groups.length === 0
        ? html`<div class="card"><p class="muted">No consumer group reads the bridge's topics yet.</p></div>`
        : data.groups.map(
            (group) => html`<div class="card group" data-group="${group.groupId}">
              <h2><code>${group.groupId}</code> <span class="tag ${group.members > 0 ? 'ok' : ''}">${group.state}</span>
                <span class="muted">${group.members} member${group.members === 1 ? '' : 's'}</span></h2>
              <table>
                <thead><tr><th>Topic</th><th class="num">Partitions</th><th class="num">Lag</th></tr></thead>
                <tbody>${group.topics.map(
                  (topic) =>
                    html`<tr><td class="mono">${topic.topic}</td><td class="num">${topic.partitions}${
                      topic.uncommitted > 0 ? html` <span class="muted">(${topic.uncommitted} without a commit)</span>` : ''
                    }</td><td class="num"><span class="lag ${topic.lag === 0 ? 'lag-zero' : 'lag-some'}">${formatCount(topic.lag)}</span></td></tr>`,
                )}
                <tr><td><strong>Total</strong></td><td></td><td class="num"><strong class="total-lag ${group.totalLag === 0 ? 'lag-zero' : 'lag-some'}">${formatCount(group.totalLag)}</strong></td></tr>
                </tbody>
              </table>
              <p class="muted">Own dead-letter topic: ${
                group.deadLetter
                  ? html`<code>${group.deadLetter.topic}</code>, ${formatCount(group.deadLetter.records)} records`
                  : 'none yet'
              }</p>
            </div>`,
          )
    }
    <p class="muted">Read in ${data.elapsedMs} ms. <a href="/console/groups">Refresh</a></p>`;
  return layout({ title: 'Consumer groups', section: 'groups', body, csrf });
}
