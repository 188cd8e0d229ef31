/** Failed logins per client, for a login form that cannot be tried at machine speed. */
export interface LoginThrottle {
  /** Seconds the client must still wait, or 0. */
  blockedFor(client: string): number;
  failed(client: string): void;
}

/**
 * A client with `attempts` wrong tokens within `windowMs` is refused for
 * `blockMs` (429), the right token included: otherwise the refusals would
 * tell a guesser nothing. In memory, per process; at most `maxClients` are
 * tracked (the oldest forgotten first) so a spray of addresses cannot grow it.
 */
export function createLoginThrottle(
  options: { attempts?: number; windowMs?: number; blockMs?: number; maxClients?: number; now?: () => number } = {},
): LoginThrottle {
  const attempts = options.attempts ?? 10;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const blockMs = options.blockMs ?? 5 * 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const clients = new Map<string, { since: number; failures: number; blockedUntil: number }>();
  return {
    blockedFor(client) {
      const entry = clients.get(client);
      const left = entry ? entry.blockedUntil - now() : 0;
      return left > 0 ? Math.ceil(left / 1000) : 0;
    },
    failed(client) {
      const at = now();
      let entry = clients.get(client);
      if (!entry || at - entry.since > windowMs) {
        clients.delete(client);
        if (clients.size >= maxClients) clients.delete(clients.keys().next().value as string);
        entry = { since: at, failures: 0, blockedUntil: 0 };
        clients.set(client, entry);
      }
      entry.failures++;
      if (entry.failures >= attempts) {
        entry.blockedUntil = at + blockMs;
        entry.since = at;
        entry.failures = 0;
      }
    },
  };
}
