import { createLocalRegistry } from '../devstack/registry.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

/** `popp-bridge registry start|stop|status`: the local development schema registry (Apicurio). */
export function registryCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const registry = createLocalRegistry({ home: devstackHome, log: (line) => print(`  ${line}`) });
  return localServiceCommand(
    { command: 'registry', name: 'Schema registry', address: `SCHEMA_REGISTRY_URL=${registry.url}`, service: registry },
    action,
    print,
  );
}
