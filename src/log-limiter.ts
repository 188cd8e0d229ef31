/** How often one kind of refusal may be logged; the lines in between are counted into the next one. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * At most one line per key and interval. Under a flood of refusals
 * (overloaded, Kafka down) one line a request would drown the log and cost
 * CPU the bridge needs: the metrics count every request, the log says that
 * it happens and how often (`suppressed`: the lines left out since the last).
 */
export function createLogLimiter(intervalMs = REFUSAL_LOG_INTERVAL_MS, now: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, log: (suppressed: number) => void): void => {
    const time = now();
    const entry = last.get(key);
    if (entry && time - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    log(entry?.suppressed ?? 0);
    last.set(key, { at: time, suppressed: 0 });
  };
}
