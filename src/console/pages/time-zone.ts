import { html, layout } from '../html.js';

/** The zone "local time" means: a browser without script does not tell the server its own, so the reader picks it once. */
export function timeZonePage(data: { next: string; zones: readonly string[]; guess: string }, csrf: string): string {
  const body = html`
    <h1>Local time</h1>
    <p class="lead">Pick your time zone once; every time on the console is then shown in it, and the link in the bar switches between it and UTC.</p>
    <div class="card">
      <form class="filters" method="get" action="/console/time-zone">
        <input type="hidden" name="next" value="${data.next}" />
        <label>Time zone<select name="zone">${data.zones.map(
          (zone) => html`<option value="${zone}" ${zone === data.guess ? html`selected` : ''}>${zone}</option>`,
        )}</select></label>
        <button type="submit">Show times in this zone</button>
        <a class="button secondary" href="${data.next}">Keep UTC</a>
      </form>
    </div>`;
  return layout({ title: 'Local time', section: 'none', body, csrf });
}
