import { formatRebuildProgress, type RebuildProgress } from 'popp-bridge/consumer';
import { type ProjectionDefinition, rebuildProjection, startProjection } from './projection-service.js';
import type { ReadModel } from './read-model.js';
import { exampleLogger, reading, untilStopped } from './runtime.js';
import { connectionFromEnv, localBrokerUnlessSet } from './settings.js';

export interface ProjectionCommandOptions<D extends ReadModel> {
  name: string;
  dbPath: string;
  baseGroup: string;
  definition: ProjectionDefinition<D>;
  /** What the read model's rows are, for the rebuild's report: `timeline(s)`. */
  rows: string;
  /** The `show` command: prints the read model. */
  show(db: D): void;
  print(line: string): void;
}

/** `start` (default), `rebuild` and `show` of a rebuildable projection: its entry point, for `runExample`. */
export function projectionCommands<D extends ReadModel>(options: ProjectionCommandOptions<D>) {
  const { name, dbPath, baseGroup, definition, print } = options;
  return async (command = 'start'): Promise<number> => {
    if (command === 'show') return reading(() => definition.open(dbPath), options.show);
    if (command !== 'start' && command !== 'rebuild') {
      print(`usage: npm run example:${name} [-- start|rebuild|show]`);
      return 2;
    }
    const connection = connectionFromEnv();
    await localBrokerUnlessSet(process.env, print);
    const { log } = exampleLogger(name);
    const settings = { ...connection, dbPath, baseGroup, log };

    if (command === 'rebuild') {
      print(`Rebuilding ${dbPath} under a fresh consumer group…`);
      const onProgress = (progress: RebuildProgress) => print(`  ${formatRebuildProgress(progress)}`);
      const result = await rebuildProjection({ ...settings, onProgress }, definition);
      const { handled, duplicates, skipped, deadLettered } = result.stats;
      const { events, seconds, eventsPerSec } = result.rebuild;
      print(
        `Rebuilt ${result.size} ${options.rows} in group ${result.groupId} from ${events} events in ${seconds} s (${eventsPerSec} events/s):`,
      );
      print(`  ${handled} events applied,`);
      print(`  ${duplicates} duplicate(s) and ${skipped} event(s) of other types skipped, ${deadLettered} dead-lettered.`);
      if (result.previousGroupId) print(`  Deleted the previous group ${result.previousGroupId}. \`start\` continues in the new one.`);
      return 0;
    }

    const { consumer, db } = await startProjection(settings, definition);
    print(`${name} is folding ${consumer.topics.join(', ')} in group ${consumer.groupId} (Kafka ${connection.kafka.brokers.join(',')}).`);
    print(`  Read model: ${dbPath}   (npm run example:${name} -- show; stop this, then -- rebuild to replay)`);
    return untilStopped(consumer, () => db.close());
  };
}
