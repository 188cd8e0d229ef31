import { createLocalBroker } from '../devstack/broker.js';
import { createSecuredBroker, SECURED_USERS } from '../devstack/secured-broker.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

/** `popp-bridge kafka start|stop|status [--secured]`: the local development broker, or the secured one. */
export async function kafkaCommand(args: string[], print: (line: string) => void): Promise<number> {
  const [action, ...flags] = args;
  if (!flags.includes('--secured')) {
    const broker = createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) });
    return localServiceCommand(
      { command: 'kafka', name: 'Kafka', address: `KAFKA_BROKERS=${broker.brokers.join(',')}`, service: broker },
      action,
      print,
    );
  }
  const broker = createSecuredBroker({ home: devstackHome, log: (line) => print(`  ${line}`) });
  const { listeners } = broker;
  const code = await localServiceCommand(
    { command: 'kafka --secured', name: 'Secured Kafka', address: `SASL_SSL ${listeners.saslSsl}`, service: broker },
    action,
    print,
  );
  if (action === 'start' && code === 0) {
    // What to set to try each listener: the settings of docs/guides/connecting-to-kafka.md against a local broker.
    const { ca, clientCert, clientKey } = broker.tls;
    const user = SECURED_USERS.scram512;
    print('Try the bridge on it with, for example:');
    print(
      `  SASL_SSL:       KAFKA_BROKERS=${listeners.saslSsl} KAFKA_SSL_CA_FILE=${ca} KAFKA_SASL_MECHANISM=${user.mechanism} KAFKA_SASL_USERNAME=${user.username} KAFKA_SASL_PASSWORD=${user.password}`,
    );
    print(
      `  mutual TLS:     KAFKA_BROKERS=${listeners.mtls} KAFKA_SSL_CA_FILE=${ca} KAFKA_SSL_CERT_FILE=${clientCert} KAFKA_SSL_KEY_FILE=${clientKey}`,
    );
    print(
      `  SASL_PLAINTEXT: KAFKA_BROKERS=${listeners.saslPlaintext} KAFKA_SASL_MECHANISM=${user.mechanism} KAFKA_SASL_USERNAME=${user.username} KAFKA_SASL_PASSWORD=${user.password}`,
    );
    print(
      `  OAUTHBEARER:    KAFKA_BROKERS=${listeners.oauth} KAFKA_SSL_CA_FILE=${ca} KAFKA_SASL_OAUTHBEARER_TOKEN_FILE=<an unsigned JWS token>`,
    );
  }
  return code;
}
