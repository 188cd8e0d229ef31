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

export type Section = 'overview' | 'events' | 'dead-letters' | 'groups' | 'search' | 'none';

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
        <form method="get" action="/console/search" class="nav-search"><input name="q" aria-label="Search" placeholder="eventId, recordId or text" /></form>
        <span class="spacer"></span>
        <!--display-controls-->
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
        <!--refresh-->
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

/**
 * `2024-01-15 10:30:00.123` in UTC, marked up as a <time> so that a page
 * shown in the reader's chosen zone is converted in one place (display.ts).
 */
export function formatTime(iso: string | number | undefined): Html {
  if (iso === undefined) return html``;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${String(iso)}`;
  const utc = date.toISOString();
  return html`<time datetime="${utc}">${utc.replace('T', ' ').replace('Z', '')}</time>`;
}

/** The zone every time of a page is in: UTC, or the reader's chosen zone (display.ts rewrites it). */
export const ZONE: Html = html`<span class="tz">UTC</span>`;

/** `1 dead letter`, `2 dead letters`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Bidirectional controls: invisible, yet they reorder what follows (`conv_evil` U+202E `fdp.exe` reads as `conv_evilexe.pdf`). */
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A value from a webhook as text: isolated from its neighbours (<bdi>), each
 * bidirectional control replaced by a visible marker, and free to wrap
 * anywhere so a 256-character id cannot widen the page.
 */
export function shown(value: string | undefined, fallback = '—'): Html {
  if (value === undefined || value === '') return html`${fallback}`;
  const parts: Html[] = [];
  let last = 0;
  for (const match of value.matchAll(BIDI_CONTROLS)) {
    const code = `U+${(match[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    parts.push(html`${value.slice(last, match.index)}<span class="bidi" title="${`bidirectional control ${code}`}">${code}</span>`);
    last = match.index + match[0].length;
  }
  parts.push(html`${value.slice(last)}`);
  return html`<bdi class="id">${parts}</bdi>`;
}
