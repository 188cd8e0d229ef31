import { type Html, html, layout } from '../html.js';

/** The one form that takes the token; it answers 401 when shown instead of a page, so nothing leaks to a caller without it. */
export function loginPage(options: { next: string; failed: boolean; waitSeconds?: number }): string {
  const body: Html = html`<div class="card login">
    <h1>Console</h1>
    <p class="lead">Enter the console token (<code>CONSOLE_TOKEN</code>) of this bridge.</p>
    ${options.failed && html`<div class="error">That token is not the console token.</div>`}
    ${options.waitSeconds && html`<div class="error">Too many wrong tokens from this address: try again in ${options.waitSeconds} s.</div>`}
    <form method="post" action="/console/login">
      <input type="hidden" name="next" value="${options.next}" />
      <label for="token">Token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <button type="submit">Log in</button>
    </form>
  </div>`;
  return layout({ title: 'Log in', section: 'none', body });
}
