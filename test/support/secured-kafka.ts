import { createSecuredBroker, SECURED_USERS, type SecuredBroker } from '../../src/devstack/secured-broker.js';
import { devstackHome } from '../../src/paths.js';

export { SECURED_USERS } from '../../src/devstack/secured-broker.js';

/**
 * The secured local broker for one test file, on its own ports (files run in
 * parallel, so each has its own `basePort`); stopped after unless it was
 * already running. Started in `beforeAll`: nothing need run before `npm test`.
 */
export async function startSecuredKafka(basePort: number): Promise<{ broker: SecuredBroker; stop(): Promise<void> }> {
  const broker = createSecuredBroker({ home: devstackHome, basePort, log: (line) => console.log(`[secured-kafka] ${line}`) });
  const { reused } = await broker.start();
  return {
    broker,
    stop: async () => {
      if (!reused) await broker.stop();
    },
  };
}

/** The bridge's variables for a listener of the secured broker: SASL over TLS with the private CA, by mechanism. */
export function saslSslEnv(broker: SecuredBroker, user: (typeof SECURED_USERS)[keyof typeof SECURED_USERS] = SECURED_USERS.scram512) {
  return {
    KAFKA_SSL_CA_FILE: broker.tls.ca,
    KAFKA_SASL_MECHANISM: user.mechanism,
    KAFKA_SASL_USERNAME: user.username,
    KAFKA_SASL_PASSWORD: user.password,
  };
}

/** Mutual TLS: the private CA and the client certificate. */
export function mtlsEnv(broker: SecuredBroker) {
  return { KAFKA_SSL_CA_FILE: broker.tls.ca, KAFKA_SSL_CERT_FILE: broker.tls.clientCert, KAFKA_SSL_KEY_FILE: broker.tls.clientKey };
}

/**
 * An unsecured JWS token as Kafka's default OAUTHBEARER validator takes it:
 * `alg: none`, a subject, issued now, valid for an hour, no signature.
 */
export function unsecuredToken(subject = 'popp-bridge', lifetimeSeconds = 3_600): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: subject, iat: now, exp: now + lifetimeSeconds })}.`;
}
