import { BridgeError } from '../errors.js';
import { parseCursor } from './log-window.js';
import type { EventFilters } from './queries.js';

type Query = Record<string, unknown>;

/** The longest value a filter or search takes: longer is refused with a message, never ignored. */
export const MAX_FILTER_CHARS = 512;

/** The events page's filters from its query string; empty fields are no filter. */
export function eventFiltersOf(query: Query): EventFilters {
  return {
    type: text(query.type, 'type'),
    category: text(query.category, 'category'),
    organizationId: text(query.organizationId, 'organizationId'),
    recordId: text(query.recordId, 'recordId'),
    eventId: text(query.eventId, 'eventId'),
    ...timeRange(query),
    before: cursor(query.before),
  };
}

/** `from` and `to`, refused when `from` is not before `to` (an empty page would say nothing). */
export function timeRange(query: Query): { from: number | undefined; to: number | undefined } {
  const from = time(query.from, 'from');
  const to = time(query.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new BridgeError('bad_request', {
      message: `from (${new Date(from).toISOString()}) is not before to (${new Date(to).toISOString()}): nothing can match`,
    });
  }
  return { from, to };
}

export function cursor(value: unknown): Map<number, number> | undefined {
  const raw = text(value, 'before');
  if (raw === undefined) return undefined;
  const parsed = parseCursor(raw);
  if (!parsed) throw new BridgeError('bad_request', { message: 'before: not a page cursor' });
  return parsed;
}

/** A filter's value, trimmed; empty is no filter, over the bound is refused. */
export function text(value: unknown, name = 'value'): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed.length > MAX_FILTER_CHARS) {
    throw new BridgeError('bad_request', { message: `${name}: ${trimmed.length} characters, at most ${MAX_FILTER_CHARS} are searched` });
  }
  return trimmed.length > 0 ? trimmed : undefined;
}

/** A datetime-local value (read as UTC), an ISO time, or ms since the epoch. */
export function time(value: unknown, name: string): number | undefined {
  const raw = text(value, name);
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
  if (!Number.isFinite(ms)) throw new BridgeError('bad_request', { message: `${name}: not a time` });
  return ms;
}

/** A partition and offset from a form or JSON body. */
export function coordinates(body: Query): { partition: number; offset: string } | undefined {
  const partition = Number(body.partition);
  const offset = String(body.offset ?? '');
  if (body.partition === undefined || body.partition === '') return undefined;
  if (!Number.isInteger(partition) || partition < 0 || !/^\d{1,19}$/.test(offset)) {
    throw new BridgeError('bad_request', { message: 'partition and offset must be whole numbers' });
  }
  return { partition, offset };
}
