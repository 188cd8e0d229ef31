import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { devstackHome } from '../paths.js';
import { replayDeadLettersCommand } from '../replay/run.js';

export { type ReplayCommandOptions, replayDeadLettersCommand } from '../replay/run.js';

/** `popp-bridge replay-dead-letters [--dry-run]`: on KAFKA_BROKERS, or the local development broker. Exit 0 once done. */
export async function replayCommand(args: string[], print: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean', default: false } } });
  const config = loadConfig();
  let brokers = config.kafkaBrokers;
  if (!brokers) {
    const { createLocalBroker } = await import('../devstack/broker.js');
    brokers = (await createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) }).start()).brokers;
    print(`No KAFKA_BROKERS given: using the local development broker on ${brokers.join(',')}.`);
  }
  await replayDeadLettersCommand({ config, brokers, dryRun: values['dry-run'], print });
  return 0;
}
