import { parseArgs } from 'node:util';
import { createLocalBroker } from '../devstack/broker.js';
import { createLocalCluster } from '../devstack/cluster.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

/**
 * `popp-bridge kafka start|stop|status [--brokers 3]`: the local development
 * broker, or with `--brokers 3` a replicated three-node cluster (ports 19092,
 * 19192, 19292) beside it.
 */
export function kafkaCommand(args: string[], print: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { brokers: { type: 'string', default: '1' } } });
  const log = (line: string) => print(`  ${line}`);
  const count = Number(values.brokers);
  if (count !== 1 && count !== 3) {
    print('usage: popp-bridge kafka start|stop|status [--brokers 1|3]');
    return Promise.resolve(2);
  }
  if (count === 1) {
    const broker = createLocalBroker({ home: devstackHome, log });
    const address = `KAFKA_BROKERS=${broker.brokers.join(',')}`;
    return localServiceCommand({ command: 'kafka', name: 'Kafka', address, service: broker }, positionals[0], print);
  }
  const cluster = createLocalCluster({ home: devstackHome, log });
  const service = {
    start: () => cluster.start(),
    stop: () => cluster.stop(),
    async status() {
      const { running, pids, logFiles } = await cluster.status();
      return { running, ...(running && { pid: pids.join(', ') }), logFile: logFiles.join(' ') };
    },
  };
  const address = `KAFKA_BROKERS=${cluster.brokers.join(',')} TOPIC_REPLICATION_FACTOR=3`;
  return localServiceCommand({ command: 'kafka', name: 'The Kafka cluster', address, service }, positionals[0], print);
}
