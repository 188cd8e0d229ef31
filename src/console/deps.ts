import type { RouteHandlerMethod } from 'fastify';
import type { Activity } from './activity.js';
import type { GroupRow } from './groups.js';
import type { ConsoleLog } from './queries.js';
import type { ConsoleReplay } from './replay.js';
import type { ServiceStatus } from './status.js';

/** Everything the console reads or does, passed in (server.ts wires the real parts). */
export interface ConsoleDeps {
  token: string;
  /** Where "payload viewed" goes: the bridge's log. */
  audit: { info(details: object, message: string): void };
  activity: Activity;
  services(): Promise<ServiceStatus[]>;
  settings: [string, string][];
  log: ConsoleLog;
  groups(): Promise<GroupRow[]>;
  replay: ConsoleReplay;
  knownTypes: readonly string[];
  categories: readonly string[];
  categoryOf(eventType: string): string | undefined;
  topics: { prefix: string; log: string; deadLetter: string };
  /** Records of each topic a search examines at most (the ConsoleLog's bound, shown on the search page). */
  searchBudget: number;
  now?: () => number;
}

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  url: string;
  /** Served without a session: the login form and the stylesheet. */
  open?: boolean;
}

/** A console route as registered: `kind` says what the guard asks of it. */
export type RouteTable = { method: 'GET' | 'POST'; url: string; kind: 'page' | 'api' | 'open'; handler: RouteHandlerMethod }[];
