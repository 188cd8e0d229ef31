import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { conversation, documentUploaded, signed } from './events.js';

export interface LoadReport {
  requests: number;
  /** Count per HTTP status; `error:<code>` for requests that got no answer. */
  statuses: Record<string, number>;
  /** eventIds answered 200 "published" or "duplicate", or 202 "spooled": Popp was told we have them. */
  acknowledged: Set<string>;
  /** With `keepBodies`: each acknowledged event's recordId and exact body, in the order of the answers. */
  bodies: { eventId: string; recordId: string; payload: Buffer }[];
  /** Count per error code of the answers that had one (`publish_timeout`, `overloaded`, …). */
  errors: Record<string, number>;
}

export interface Load {
  report: LoadReport;
  /** Stops sending and waits for every request in flight to end. */
  stop(): Promise<LoadReport>;
}

export interface LoadOptions {
  /** Where to send; read before each request, so a test can point the load at a restarted bridge. */
  target: () => string;
  workers: number;
  /** Pause after each request that got no 200 or 202, like a retrying sender (bounds the rate during an outage). */
  backoffMs?: number;
  requestTimeoutMs?: number;
  /** Stops by itself after this many requests. */
  maxRequests?: number;
  /** Pause after every request: bounds the rate (each worker sends at most 1000 / paceMs a second). */
  paceMs?: number;
  /** Keep each acknowledged body (for checking bytes and per-key order); off for long runs. */
  keepBodies?: boolean;
  /** Told each answer as it comes, with when its request began (ms since the epoch). */
  onAnswer?: (status: number | string, eventId: string, startedAt: number) => void;
}

/**
 * Steady webhook load from `workers` concurrent senders, each sending signed
 * events one after another (a few records each with several events, so per-key
 * order is exercised). Every answer is counted; every eventId with a 200 is
 * kept, to be read back from Kafka.
 */
export function startLoad(options: LoadOptions): Load {
  const report: LoadReport = { requests: 0, statuses: {}, acknowledged: new Set(), bodies: [], errors: {} };
  let running = true;
  const count = (key: string) => {
    report.statuses[key] = (report.statuses[key] ?? 0) + 1;
  };

  async function worker(): Promise<void> {
    const recordId = `conv_${randomUUID().slice(0, 8)}`;
    for (let n = 0; running; n++) {
      if (options.maxRequests !== undefined && report.requests >= options.maxRequests) return;
      const event =
        n % 3 === 2
          ? documentUploaded({ recordId })
          : conversation(n % 3 === 0 ? 'CONVERSATION_STARTED' : 'CONVERSATION_COMPLETED', recordId);
      const request = signed(event);
      report.requests++;
      const startedAt = Date.now();
      let status: number | string;
      try {
        const response = await fetch(`${options.target()}/webhooks/popp`, {
          method: 'POST',
          headers: request.headers,
          body: request.payload,
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 20_000),
        });
        status = response.status;
        const body = (await response.json().catch(() => ({}))) as { status?: string; error?: string };
        if (body.error) report.errors[body.error] = (report.errors[body.error] ?? 0) + 1;
        const accepted =
          (status === 200 && (body.status === 'published' || body.status === 'duplicate')) || (status === 202 && body.status === 'spooled');
        if (accepted) {
          report.acknowledged.add(event.eventId);
          if (options.keepBodies) report.bodies.push({ eventId: event.eventId, recordId, payload: request.payload });
        }
      } catch (error) {
        status = `error:${errorCode(error)}`;
      }
      count(String(status));
      options.onAnswer?.(status, event.eventId, startedAt);
      if (status !== 200 && status !== 202) await sleep(options.backoffMs ?? 100);
      else if (options.paceMs) await sleep(options.paceMs);
    }
  }

  const workers = Array.from({ length: options.workers }, () => worker());
  return {
    report,
    async stop() {
      running = false;
      await Promise.all(workers);
      return report;
    },
  };
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).name ?? 'unknown';
}

/** Waits until `more` events beyond those acknowledged so far are acknowledged: the load flows (again). */
export async function acknowledgedMore(load: Load, more: number, timeoutMs = 30_000): Promise<void> {
  const target = load.report.acknowledged.size + more;
  const deadline = Date.now() + timeoutMs;
  while (load.report.acknowledged.size < target) {
    if (Date.now() > deadline) {
      throw new Error(
        `${load.report.acknowledged.size} of ${target} acknowledged in ${timeoutMs} ms: ${JSON.stringify({ statuses: load.report.statuses, errors: load.report.errors })}`,
      );
    }
    await sleep(20);
  }
}

/**
 * Waits until every recordId the load had acknowledged so far has `more`
 * events acknowledged beyond them (needs `keepBodies`): every partition the
 * load writes to takes events again, not only the ones a fault spared.
 */
export async function eachRecordAcknowledgedMore(load: Load, more: number, timeoutMs = 60_000): Promise<void> {
  const countByRecord = () => {
    const counts = new Map<string, number>();
    for (const body of load.report.bodies) counts.set(body.recordId, (counts.get(body.recordId) ?? 0) + 1);
    return counts;
  };
  const before = countByRecord();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = countByRecord();
    const behind = [...before].filter(([recordId, count]) => (now.get(recordId) ?? 0) < count + more);
    if (behind.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${behind.length} of ${before.size} recordIds got fewer than ${more} more acknowledgements in ${timeoutMs} ms: ${JSON.stringify({ statuses: load.report.statuses, errors: load.report.errors })}`,
      );
    }
    await sleep(50);
  }
}
