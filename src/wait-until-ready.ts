/**
 * A dependency (Kafka, the registry) may come up after us (compose,
 * Kubernetes): keep trying with back-off, saying so, rather than exit.
 * `fatal` errors (refused credentials, an incompatible schema) end it at once.
 */
export async function waitUntilReady<T>(
  attempt: () => Promise<T>,
  options: {
    what: string;
    logger: { warn(details: object, message: string): void };
    fields: Record<string, unknown>;
    maxWaitMs?: number;
    fatal?: (error: unknown) => boolean;
  },
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.fatal?.(error)) throw error;
      const wait = Math.min(options.maxWaitMs ?? 5_000, 250 * 2 ** tries);
      options.logger.warn(
        { ...options.fields, attempt: tries, error: (error as Error).message },
        `waiting for ${options.what}; retrying in ${wait} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
