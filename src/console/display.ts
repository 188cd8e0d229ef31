import type { FastifyRequest } from 'fastify';
import { cookie } from './auth.js';
import { escapeHtml } from './html.js';

/** The reader's display choices: cookies and the query string, never the server's state. */
export interface Display {
  /** The zone times are shown in; UTC unless local time is on. */
  zone: string;
  /** The zone chosen as local (remembered while UTC is shown). */
  localZone: string | undefined;
  /** Seconds between reloads, when asked for. */
  refresh: number | undefined;
  /** The page's own path and query, for the controls' links. */
  here: string;
  /** Whether a link can load this page again (a GET). */
  refreshable?: boolean;
}

export const ZONE_COOKIE = 'popp_zone';
export const LOCAL_COOKIE = 'popp_time';
const REFRESH_CHOICES = [10, 30, 60];

export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
}

export function displayOf(request: FastifyRequest): Display {
  const chosen = cookie(request.headers.cookie, ZONE_COOKIE);
  const localZone = chosen && isZone(decodeURIComponent(chosen)) ? decodeURIComponent(chosen) : undefined;
  const local = cookie(request.headers.cookie, LOCAL_COOKIE) === 'local' && localZone !== undefined;
  const params = new URLSearchParams(request.url.split('?')[1] ?? '');
  const refresh = Number(params.get('refresh'));
  return {
    zone: local ? (localZone as string) : 'UTC',
    localZone,
    refresh: REFRESH_CHOICES.includes(refresh) ? refresh : undefined,
    // A POST's answer (a payload, a replay) cannot be asked for again by a link: its controls lead home.
    here: request.method === 'GET' ? request.url : '/console/',
    refreshable: request.method === 'GET',
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `2024-01-15 11:30:00.123` in a zone: the same shape as the UTC times. */
export function timeIn(iso: string, zone: string): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formats.size < 50) formats.set(zone, format);
  }
  const date = new Date(iso);
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}.${ms}`;
}

/**
 * The last step of every page: its times in the chosen zone, the meta refresh
 * when asked for (allowed by the CSP: it is no script), and the controls that
 * switch both. Done on the rendered page so no page has to pass them along.
 */
export function finishPage(page: string, display: Display): string {
  let out = page;
  if (display.zone !== 'UTC') {
    out = out
      .replace(
        /<time datetime="([^"]+)">[^<]*<\/time>/g,
        (_all, iso: string) => `<time datetime="${iso}">${timeIn(iso, display.zone)}</time>`,
      )
      .replaceAll('<span class="tz">UTC</span>', `<span class="tz">${escapeHtml(display.zone)}</span>`);
  }
  if (display.refresh) out = out.replace('<!--refresh-->', `<meta http-equiv="refresh" content="${display.refresh}" />`);
  return out.replace('<!--display-controls-->', controls(display));
}

function controls(display: Display): string {
  const next = encodeURIComponent(display.here);
  const zoneLink =
    display.zone === 'UTC'
      ? display.localZone
        ? `/console/time-zone?time=local&next=${next}`
        : `/console/time-zone?next=${next}`
      : `/console/time-zone?time=utc&next=${next}`;
  const zoneLabel = display.zone === 'UTC' ? 'UTC · show local time' : `${escapeHtml(display.zone)} · show UTC`;
  const [path, query] = display.here.split('?');
  const params = new URLSearchParams(query ?? '');
  if (display.refresh) params.delete('refresh');
  else params.set('refresh', '30');
  const refreshHref = `${path}${params.size > 0 ? `?${params}` : ''}`;
  const refreshLabel = display.refresh ? `Refreshing every ${display.refresh} s · stop` : 'Refresh every 30 s';
  const zone = `<a class="control" href="${escapeHtml(zoneLink)}">${zoneLabel}</a>`;
  return display.refreshable === false ? zone : `${zone}<a class="control" href="${escapeHtml(refreshHref)}">${refreshLabel}</a>`;
}
