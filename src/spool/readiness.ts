import type { Readiness } from '../kafka/health.js';
import type { Journal } from './journal.js';

/**
 * With a spool, the bridge is ready while it can accept events: Kafka
 * answers, or the spool has room for them. The detail says when it is
 * spooling, so an operator (or the console) sees it; a load balancer keeps
 * sending. A full spool while Kafka is away is 503.
 */
export function spoolReadiness(
  kafka: Readiness,
  journal: Pick<Journal, 'status' | 'isEmpty'>,
  kafkaConnected: () => boolean,
  roomBytes: number,
): Readiness {
  return {
    async check() {
      const reachable = kafkaConnected() ? await kafka.check() : { ready: false, detail: 'Kafka not connected yet' };
      const { bytes, maxBytes, entries } = journal.status();
      const room = maxBytes - bytes >= roomBytes;
      const filled = `spool ${((bytes / maxBytes) * 100).toFixed(1)} % full`;
      if (!reachable.ready) {
        return room
          ? { ready: true, detail: `spooling: ${reachable.detail}; ${entries} events spooled, ${filled}` }
          : { ready: false, detail: `${reachable.detail}; spool full` };
      }
      if (!journal.isEmpty()) return { ready: true, detail: `spooling: draining ${entries} events to Kafka, ${filled}` };
      return reachable;
    },
  };
}
