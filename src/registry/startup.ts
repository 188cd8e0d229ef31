import { RegistryRefusedError } from '../errors.js';
import { waitUntilReady } from '../wait-until-ready.js';
import { createRegistryCodec, plainCodec, type ValueCodec } from './codec.js';
import type { RegistrySettings, SchemaSubjects } from './subjects.js';

/**
 * Plain mode without a registry. With one: registers every schema before the
 * bridge listens, waiting (and saying so) while the registry is down, since
 * it may start after us; an answer that waiting cannot change stops start-up.
 * Afterwards the registry is never asked again: ids are cached in the codec.
 */
export async function createValueCodec(options: {
  settings: RegistrySettings | undefined;
  catalogue: SchemaSubjects['catalogue'];
  logTopic: string;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
  /** Tests shorten the wait between attempts. */
  maxWaitMs?: number;
}): Promise<ValueCodec> {
  const { settings, logger } = options;
  if (!settings) return plainCodec;
  // Loaded only when used: the registry client and its Avro and Protobuf support cost ~18 MB of memory.
  const { createRegistryClient, registerSchemas } = await import('./client.js');
  const registry = createRegistryClient(settings);
  const where = withoutCredentials(settings.url);
  return waitUntilReady(
    async () => {
      const registered = await registerSchemas({ ...options, registry, compatibility: settings.compatibility });
      logger.info({ registry: where, subjects: registered.length, compatibility: settings.compatibility }, 'schemas registered');
      return createRegistryCodec(registered);
    },
    {
      what: 'the schema registry',
      logger,
      fields: { registry: where },
      maxWaitMs: options.maxWaitMs,
      fatal: (error) => error instanceof RegistryRefusedError,
    },
  );
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
