import type { Logger } from 'pino';

export interface Stoppable {
  logger: Logger;
  /** Readiness 503, webhooks still served. */
  beginShutdown(): void;
  /** Stops accepting, answers what is in flight, flushes the publisher, disconnects. */
  close(): Promise<void>;
}

export interface ShutdownOptions {
  /** How long readiness says 503 before we stop accepting: the load balancer's time to notice. */
  drainMs: number;
  /** The whole shutdown's bound; past it the process exits 1. */
  timeoutMs: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * SIGTERM/SIGINT: readiness turns 503 first, so a load balancer stops sending
 * new work; after `drainMs` the server closes (in-flight requests are
 * answered, new connections refused), the publisher flushes and Kafka is
 * disconnected; exit 0. A second signal changes nothing: the bound holds.
 */
export function exitOnSignals(bridge: Stoppable, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const forced = setTimeout(() => {
      bridge.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long; exiting');
      exit(1);
    }, options.timeoutMs);
    forced.unref();
    bridge.logger.info({ signal, drainMs: options.drainMs }, 'shutting down: readiness 503, then finishing in-flight requests');
    bridge.beginShutdown();
    new Promise((resolve) => setTimeout(resolve, options.drainMs))
      .then(() => bridge.close())
      .then(
        () => {
          bridge.logger.info('shut down cleanly');
          exit(0);
        },
        (error: unknown) => {
          bridge.logger.error({ error: (error as Error).message }, 'shutdown failed');
          exit(1);
        },
      );
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.once(signal, () => stop(signal));
}
