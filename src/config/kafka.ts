import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigError, type Env, type ValuesOf } from './declare.js';
import { oauthBearerProvider } from './oauth-token.js';
import { readTlsMaterial } from './tls.js';
import type { VARIABLES } from './variables.js';

type Values = ValuesOf<typeof VARIABLES>;

/** How the bridge connects to Kafka, kafkajs-shaped: what `createKafka` and the consumer SDK's `kafka` option take. */
export interface KafkaSecurity {
  ssl: ConnectionOptions | boolean;
  sasl: SASLOptions | undefined;
}

const FALSE = ['0', 'false', 'no', 'off'];

/**
 * `KAFKA_SSL*` and `KAFKA_SASL_*` into kafkajs' `ssl` and `sasl`. Any
 * certificate setting, a server name or turning verification off implies TLS;
 * `KAFKA_SSL=false` beside one of them is a contradiction, not a choice.
 */
export function kafkaSecurity(v: Values, env: Env): KafkaSecurity {
  const material = readTlsMaterial({
    prefix: 'KAFKA_SSL',
    CA_FILE: v.KAFKA_SSL_CA_FILE,
    CA_PEM: v.KAFKA_SSL_CA_PEM,
    CERT_FILE: v.KAFKA_SSL_CERT_FILE,
    CERT_PEM: v.KAFKA_SSL_CERT_PEM,
    KEY_FILE: v.KAFKA_SSL_KEY_FILE,
    KEY_PEM: v.KAFKA_SSL_KEY_PEM,
    KEY_PASSPHRASE: v.KAFKA_SSL_KEY_PASSPHRASE,
  });
  const options: ConnectionOptions = {
    ...material,
    ...(v.KAFKA_SSL_SERVERNAME && { servername: v.KAFKA_SSL_SERVERNAME }),
    ...(!v.KAFKA_SSL_REJECT_UNAUTHORIZED && { rejectUnauthorized: false }),
  };
  const implied = Object.keys(options).length > 0;
  if (implied && FALSE.includes((env.KAFKA_SSL ?? '').toLowerCase())) {
    const by = [
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CA_PEM',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_CERT_PEM',
      'KAFKA_SSL_SERVERNAME',
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
    ].find((name) => env[name]);
    fail(`KAFKA_SSL=false contradicts ${by ?? 'the KAFKA_SSL_* settings'}: TLS settings need TLS; remove one of them`);
  }
  const ssl: ConnectionOptions | boolean = implied ? options : v.KAFKA_SSL;
  return { ssl, sasl: sasl(v) };
}

function sasl(v: Values): SASLOptions | undefined {
  const tokenFile = v.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE;
  const tokenCommand = v.KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND;
  const mechanism = v.KAFKA_SASL_MECHANISM ?? (tokenFile || tokenCommand ? 'oauthbearer' : undefined);
  if (!mechanism) {
    if (v.KAFKA_SASL_USERNAME || v.KAFKA_SASL_PASSWORD) fail('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM');
    return undefined;
  }
  if (mechanism === 'oauthbearer') {
    if (tokenFile && tokenCommand) {
      fail('set KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND, not both');
    }
    if (!tokenFile && !tokenCommand) {
      fail('KAFKA_SASL_MECHANISM=oauthbearer needs KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND');
    }
    return { mechanism, oauthBearerProvider: oauthBearerProvider(tokenFile ? { file: tokenFile } : { command: tokenCommand ?? '' }) };
  }
  if (tokenFile || tokenCommand) fail(`KAFKA_SASL_OAUTHBEARER_TOKEN_* need KAFKA_SASL_MECHANISM=oauthbearer, not ${mechanism}`);
  if (!v.KAFKA_SASL_USERNAME || !v.KAFKA_SASL_PASSWORD) {
    fail('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
  }
  return { mechanism, username: v.KAFKA_SASL_USERNAME, password: v.KAFKA_SASL_PASSWORD };
}

/** The registry's CA and client certificate (`SCHEMA_REGISTRY_SSL_*`), for an https agent. */
export function registryTls(v: Values) {
  return readTlsMaterial({
    prefix: 'SCHEMA_REGISTRY_SSL',
    CA_FILE: v.SCHEMA_REGISTRY_SSL_CA_FILE,
    CERT_FILE: v.SCHEMA_REGISTRY_SSL_CERT_FILE,
    KEY_FILE: v.SCHEMA_REGISTRY_SSL_KEY_FILE,
    KEY_PASSPHRASE: v.SCHEMA_REGISTRY_SSL_KEY_PASSPHRASE,
  });
}

function fail(message: string): never {
  throw new ConfigError(message);
}
