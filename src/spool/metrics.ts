import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Journal } from './journal.js';

const RATE_WINDOW_MS = 10_000;

export interface SpoolMetrics {
  spooled(records: number): void;
  drained(records: number): void;
  committed(entries: number, seconds: number): void;
}

/** The spool on /metrics: its size, the age of its oldest entry, and how fast it drains. */
export function registerSpoolMetrics(registry: Registry, journal: Pick<Journal, 'status' | 'oldestSpooledAt'>): SpoolMetrics {
  const registers = [registry];
  new Gauge({
    name: 'popp_bridge_spool_bytes',
    help: 'Bytes of spool segments on disk (bounded by SPOOL_MAX_BYTES)',
    registers,
    collect() {
      this.set(journal.status().bytes);
    },
  });
  new Gauge({
    name: 'popp_bridge_spool_max_bytes',
    help: 'SPOOL_MAX_BYTES: past it, webhooks that cannot reach Kafka get 503',
    registers,
    collect() {
      this.set(journal.status().maxBytes);
    },
  });
  new Gauge({
    name: 'popp_bridge_spool_records',
    help: 'Kafka records spooled and not yet acknowledged by Kafka',
    registers,
    collect() {
      this.set(journal.status().records);
    },
  });
  new Gauge({
    name: 'popp_bridge_spool_events',
    help: 'Events (and dead letters) spooled and not yet acknowledged by Kafka',
    registers,
    collect() {
      this.set(journal.status().entries);
    },
  });
  new Gauge({
    name: 'popp_bridge_spool_oldest_age_seconds',
    help: 'Age of the oldest spooled entry not yet acknowledged by Kafka; 0 when the spool is empty',
    registers,
    async collect() {
      const at = await journal.oldestSpooledAt();
      this.set(at === undefined ? 0 : Math.max(0, (Date.now() - at) / 1000));
    },
  });
  const spooled = new Counter({ name: 'popp_bridge_spool_spooled_records_total', help: 'Records written to the spool', registers });
  const drained = new Counter({
    name: 'popp_bridge_spool_drained_records_total',
    help: 'Spooled records acknowledged by Kafka',
    registers,
  });
  const commitEntries = new Histogram({
    name: 'popp_bridge_spool_commit_entries',
    help: 'Events made durable by one write and fsync (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'popp_bridge_spool_commit_seconds',
    help: 'Time of one spool write and fsync',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  // Recent drains as (time, records), for a rate that needs no PromQL: what an operator watching one bridge asks.
  const recent: { at: number; records: number }[] = [];
  new Gauge({
    name: 'popp_bridge_spool_drain_records_per_second',
    help: `Spooled records acknowledged by Kafka per second, over the last ${RATE_WINDOW_MS / 1000} s`,
    registers,
    collect() {
      const since = Date.now() - RATE_WINDOW_MS;
      while (recent.length > 0 && (recent[0]?.at ?? 0) < since) recent.shift();
      this.set(recent.reduce((sum, sample) => sum + sample.records, 0) / (RATE_WINDOW_MS / 1000));
    },
  });
  return {
    spooled: (records) => spooled.inc(records),
    committed(entries, seconds) {
      commitEntries.observe(entries);
      commitSeconds.observe(seconds);
    },
    drained(records) {
      drained.inc(records);
      recent.push({ at: Date.now(), records });
      if (recent.length > 10_000) recent.shift();
    },
  };
}
