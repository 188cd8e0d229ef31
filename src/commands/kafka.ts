import { createLocalBroker } from '../devstack/broker.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

/** `popp-bridge kafka start|stop|status`: the local development broker. */
export function kafkaCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const broker = createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) });
  return localServiceCommand(
    { command: 'kafka', name: 'Kafka', address: `KAFKA_BROKERS=${broker.brokers.join(',')}`, service: broker },
    action,
    print,
  );
}
