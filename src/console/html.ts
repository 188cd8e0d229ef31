/** Markup that is already safe; everything else put into `html` is escaped. */
export interface Html {
  readonly __html: string;
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** A template whose interpolations are escaped (ids and types come from webhooks), lists joined, empty values dropped. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  for (let index = 0; index < values.length; index++) out += render(values[index]) + (strings[index + 1] ?? '');
  return { __html: out };
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object') return (value as Html).__html;
  return escapeHtml(String(value));
}

export type Section = 'overview' | 'events' | 'dead-letters' | 'groups' | 'none';

const NAV: [Section, string, string][] = [
  ['overview', 'Overview', '/console/'],
  ['events', 'Events', '/console/events'],
  ['dead-letters', 'Dead letters', '/console/dead-letters'],
  ['groups', 'Consumer groups', '/console/groups'],
];

/** The whole document: one stylesheet from this server, no script, nothing from another origin. */
export function layout(options: { title: string; section: Section; body: Html; csrf?: string }): string {
  const nav =
    options.csrf !== undefined
      ? html`<nav>
        <a class="brand" href="/console/">popp-bridge</a>
        ${NAV.map(([section, label, href]) => html`<a href="${href}" class="${section === options.section ? 'active' : ''}">${label}</a>`)}
        <form method="post" action="/console/logout" class="logout">
          <input type="hidden" name="_csrf" value="${options.csrf}" /><button type="submit" class="link">Log out</button>
        </form>
      </nav>`
      : html`<nav><span class="brand">popp-bridge</span></nav>`;
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${options.title} · popp-bridge console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header>${nav}</header>
        <main>${options.body}</main>
      </body>
    </html>`.__html
  }`;
}

/** A POST form button carrying the CSRF token: payloads and replays are actions, never links. */
export function postButton(action: string, csrf: string, fields: Record<string, string | number>, label: string, className = ''): Html {
  return html`<form method="post" action="${action}" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}" />
    ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${String(value)}" />`)}
    <button type="submit" class="${className}">${label}</button>
  </form>`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2024-01-15 10:30:00.123` in UTC, the zone every time on the console is in. */
export function formatTime(iso: string | number | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
