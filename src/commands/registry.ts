import { createLocalRegistry } from '../devstack/registry.js';
import { devstackHome } from '../paths.js';

/** `popp-bridge registry start|stop|status`: the local development schema registry (Apicurio). */
export async function registryCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const registry = createLocalRegistry({ home: devstackHome, log: (line) => print(`  ${line}`) });
  switch (action) {
    case 'start': {
      const { url, reused } = await registry.start();
      print(`Schema registry ${reused ? 'is already running' : 'started'}: SCHEMA_REGISTRY_URL=${url}`);
      return 0;
    }
    case 'stop':
      await registry.stop();
      print('Schema registry stopped.');
      return 0;
    case 'status': {
      const status = await registry.status();
      print(status.running ? `Schema registry is running at ${status.url} (pid ${status.pid})` : 'Schema registry is not running.');
      print(`  log: ${status.logFile}`);
      return status.running ? 0 : 3;
    }
    default:
      print('usage: popp-bridge registry start|stop|status');
      return 2;
  }
}
