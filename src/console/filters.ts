import { BridgeError } from '../errors.js';
import { parseCursor } from './log-window.js';
import type { EventFilters } from './queries.js';

type Query = Record<string, unknown>;

/** The events page's filters from its query string; empty fields are no filter. */
export function eventFiltersOf(query: Query): EventFilters {
  return {
    type: text(query.type),
    category: text(query.category),
    organizationId: text(query.organizationId),
    recordId: text(query.recordId),
    eventId: text(query.eventId),
    from: time(query.from, 'from'),
    to: time(query.to, 'to'),
    before: cursor(query.before),
  };
}

export function cursor(value: unknown): Map<number, number> | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const parsed = parseCursor(raw);
  if (!parsed) throw new BridgeError('bad_request', { message: 'before: not a page cursor' });
  return parsed;
}

export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= 512 ? trimmed : undefined;
}

/** A datetime-local value (read as UTC), an ISO time, or ms since the epoch. */
export function time(value: unknown, name: string): number | undefined {
  const raw = text(value);
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
