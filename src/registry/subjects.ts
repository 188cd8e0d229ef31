import type { EventCatalogue } from '../contract/catalogue.js';
import { type Compatibility, subjectFor } from '../contract/subjects.js';

/** Where the registry is, and the level the bridge gives the subjects it creates (SCHEMA_REGISTRY_*, SCHEMA_COMPATIBILITY). */
export interface RegistrySettings {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** CA and client certificate (PEM) for an https registry; Node's bundled CAs when absent. */
  tls?: RegistryTls | undefined;
  compatibility: Compatibility;
}

export interface RegistryTls {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
}

export type RegistryAccess = Pick<RegistrySettings, 'url' | 'username' | 'password' | 'tls'>;

/** What registering the schemas, or checking them against the registry, works on. */
export interface SchemaSubjects {
  catalogue: Pick<EventCatalogue, 'knownTypes' | 'topicFor' | 'schemas'>;
  logTopic: string;
  compatibility: Compatibility;
}

/** Every (topic, event type) the bridge writes: its type topic and, when on, the log topic. */
export function subjectsOf(catalogue: Pick<EventCatalogue, 'knownTypes' | 'topicFor'>, logTopic: string) {
  return catalogue.knownTypes.flatMap((eventType) => {
    const topics = [catalogue.topicFor(eventType), ...(logTopic ? [logTopic] : [])];
    return topics.map((topic) => ({ topic, eventType, subject: subjectFor(topic, eventType, logTopic) }));
  });
}
