import { Agent } from 'node:https';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Compatibility } from '../contract/subjects.js';
import { RegistryRefusedError } from '../errors.js';
import type { RegisteredSubject } from './codec.js';
import { type RegistryAccess, type SchemaSubjects, subjectsOf } from './subjects.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * The library validates with ajv on encode and decode; one ajv instance
 * cannot hold two schemas with the same `$id`, and each event schema is
 * registered under two subjects, so every compile gets an instance of its own.
 */
export const jsonSchemaOptions = {
  [SchemaType.JSON]: {
    ajvInstance: {
      addSchema() {
        throw new Error('schema references are not used by popp-bridge');
      },
      compile(schema: object) {
        const ajv = new Ajv({ strict: false, allErrors: true });
        addFormats(ajv);
        return ajv.compile(schema);
      },
    },
  },
} as unknown as ConstructorParameters<typeof SchemaRegistry>[1];

/** The library's client; its own retries stay short: our start-up loop says what it waits for. */
export function createRegistryClient(settings: RegistryAccess, retries = 1): SchemaRegistry {
  const auth = settings.username ? { username: settings.username, password: settings.password ?? '' } : undefined;
  // The library hands `agent` to every request (mappersmith's http gateway): our CA and client certificate.
  const agent = settings.tls ? new Agent({ ...settings.tls, keepAlive: true }) : undefined;
  return new SchemaRegistry(
    {
      host: settings.url,
      clientId: 'popp-bridge',
      retry: { retries, maxRetryTimeInSecs: 1 },
      ...(auth && { auth }),
      ...(agent && { agent }),
    },
    jsonSchemaOptions,
  );
}

/**
 * Registers every event schema as JSON Schema under its subjects. A subject
 * new to the registry gets `compatibility` as its level; an existing one must
 * already have it (the library checks), so the registry enforces the same
 * rule that `npm run schemas:check` tests.
 */
export async function registerSchemas(options: SchemaSubjects & { registry: SchemaRegistry }): Promise<RegisteredSubject[]> {
  const registered: RegisteredSubject[] = [];
  for (const { topic, eventType, subject } of subjectsOf(options.catalogue, options.logTopic)) {
    const schema = JSON.stringify(options.catalogue.schemas.events.get(eventType));
    const register = () =>
      options.registry.register({ type: SchemaType.JSON, schema }, { subject, compatibility: COMPATIBILITY[options.compatibility] });
    try {
      const { id } = await whileOthersRegister(register);
      registered.push({ topic, eventType, id });
    } catch (error) {
      throw explain(error, subject, options.compatibility);
    }
  }
  return registered;
}

/**
 * Instances starting together register the same subjects at the same moment
 * (52 of them), and two answers mean "another instance is in the middle of
 * it": the library registers a new subject before it sets its level, so the
 * other instance may see the registry's default level in between; and a
 * registry may answer 409 to the second of two simultaneous first versions
 * (Apicurio does). Both are asked again for a while before they count; an
 * identical schema then simply gets its id.
 */
async function whileOthersRegister<T>(register: () => Promise<T>, attempts = 10, delayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await register();
    } catch (error) {
      const { name, status } = error as { name?: string; status?: number };
      const settling = name === 'ConfluentSchemaRegistryCompatibilityError' || status === 409;
      if (!settling || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function explain(error: unknown, subject: string, compatibility: Compatibility): Error {
  const { status, message = String(error), name } = error as { status?: number; message?: string; name?: string };
  if (name === 'ConfluentSchemaRegistryCompatibilityError') {
    return new RegistryRefusedError(
      `schema registry: subject ${subject} has another compatibility level than SCHEMA_COMPATIBILITY=${compatibility} (${message}); align them`,
    );
  }
  if (status === 409) {
    return new RegistryRefusedError(
      `schema registry: the schema for ${subject} is incompatible with its registered versions under ${compatibility}; run npm run schemas:check for the fields`,
    );
  }
  if (status === 401 || status === 403)
    return new RegistryRefusedError(`schema registry: access refused (HTTP ${status}); check SCHEMA_REGISTRY_USERNAME/PASSWORD`);
  if (status === 422) return new RegistryRefusedError(`schema registry: the schema for ${subject} was rejected as invalid: ${message}`);
  if (/self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate/i.test(message)) {
    return new RegistryRefusedError(
      `SCHEMA_REGISTRY_SSL_CA_FILE: the registry's certificate is not trusted (${message}); give the CA that signed it`,
    );
  }
  if (/Hostname\/IP does not match/i.test(message)) {
    return new RegistryRefusedError(`SCHEMA_REGISTRY_URL: the registry's certificate does not name this host (${message})`);
  }
  if (/certificate required|bad certificate|unknown ca/i.test(message)) {
    return new RegistryRefusedError(
      `SCHEMA_REGISTRY_SSL_CERT_FILE: the registry refused the client certificate, or needs one (${message})`,
    );
  }
  return new Error(`schema registry unreachable or failing: ${message}`, { cause: error });
}
