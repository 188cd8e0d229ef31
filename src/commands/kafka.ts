import { createLocalBroker } from '../devstack/broker.js';
import { devstackHome } from '../paths.js';

/** `popp-bridge kafka start|stop|status`: the local development broker. */
export async function kafkaCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const broker = createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) });
  switch (action) {
    case 'start': {
      const { brokers, reused } = await broker.start();
      print(`Kafka ${reused ? 'is already running' : 'started'} on ${brokers.join(',')}`);
      return 0;
    }
    case 'stop':
      await broker.stop();
      print('Kafka stopped.');
      return 0;
    case 'status': {
      const status = await broker.status();
      print(status.running ? `Kafka is running on ${status.brokers.join(',')} (pid ${status.pid})` : 'Kafka is not running.');
      print(`  log: ${status.logFile}`);
      return status.running ? 0 : 3;
    }
    default:
      print('usage: popp-bridge kafka start|stop|status');
      return 2;
  }
}
