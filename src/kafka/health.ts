import type { Admin } from 'kafkajs';

export interface Readiness {
  /** Kafka answers and every topic the bridge writes to exists with leaders. */
  check(): Promise<{ ready: boolean; detail: string }>;
}

/** Asks Kafka at most once per `cacheMs`, and never waits longer than `timeoutMs`: probes arrive often. */
export function createReadiness(options: {
  admin: Admin;
  topics: () => readonly string[];
  timeoutMs: number;
  cacheMs?: number;
}): Readiness {
  const cacheMs = options.cacheMs ?? 1_000;
  let last: { at: number; result: Promise<{ ready: boolean; detail: string }> } | undefined;

  async function probe(): Promise<{ ready: boolean; detail: string }> {
    const topics = [...options.topics()];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Kafka did not answer in time')), options.timeoutMs);
    });
    try {
      const metadata = await Promise.race([options.admin.fetchTopicMetadata({ topics }), deadline]);
      const leaderless = metadata.topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
      if (leaderless.length > 0) return { ready: false, detail: `no leader for ${leaderless.map((t) => t.name).join(', ')}` };
      return { ready: true, detail: 'ok' };
    } catch (error) {
      return { ready: false, detail: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    check() {
      const now = Date.now();
      if (!last || now - last.at > cacheMs) last = { at: now, result: probe() };
      return last.result;
    },
  };
}
