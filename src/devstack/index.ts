/** The local development broker: a real single-node Kafka fetched with Maven and run with Java. */
export { createLocalBroker, type LocalBroker, type LocalBrokerOptions } from './broker.js';
export { DEFAULT_KAFKA_VERSION, ensureJars, log4jVersionFor } from './jars.js';
export { createLocalRegistry, type LocalRegistry, type LocalRegistryOptions } from './registry.js';
export { devSecret } from './secret.js';
