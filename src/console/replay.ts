import type { Config } from '../config.js';
import { BridgeError } from '../errors.js';
import type { ReplaySummary } from '../replay/replay.js';
import { replayDeadLettersCommand } from '../replay/run.js';

export interface ReplayRun {
  dryRun: boolean;
  only: { partition: number; offset: string } | undefined;
  summary: ReplaySummary;
  /** What `replay-dead-letters` prints, line by line. */
  lines: string[];
  elapsedMs: number;
}

export type ConsoleReplay = (options: { dryRun: boolean; only?: { partition: number; offset: string } }) => Promise<ReplayRun>;

/**
 * The console's replay is `popp-bridge replay-dead-letters` itself (the same
 * function, its own Kafka clients, the schemas read from disk now), one run
 * at a time; `only` narrows it to one dead letter.
 */
export function createConsoleReplay(options: { config: Config; brokers: string[]; schemasDir: string }): ConsoleReplay {
  let running = false;
  return async ({ dryRun, only }) => {
    if (running) throw new BridgeError('replay_running');
    running = true;
    const started = Date.now();
    const lines: string[] = [];
    try {
      const summary = await replayDeadLettersCommand({ ...options, dryRun, only, print: (line) => lines.push(line) });
      return { dryRun, only, summary, lines, elapsedMs: Date.now() - started };
    } finally {
      running = false;
    }
  };
}
