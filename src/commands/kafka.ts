import { parseArgs } from 'node:util';
import { createLocalBroker } from '../devstack/broker.js';
import { createLocalCluster } from '../devstack/cluster.js';
import { createSecuredBroker, SECURED_USERS } from '../devstack/secured-broker.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

const USAGE = 'usage: popp-bridge kafka start|stop|status [--brokers 1|3] [--secured]';

/**
 * `popp-bridge kafka start|stop|status [--brokers 3] [--secured]`: the local
 * development broker; with `--brokers 3` a replicated three-node cluster
 * (ports 19092, 19192, 19292) beside it; with `--secured` a broker with a
 * private CA and secured listeners (docs/guides/connecting-to-kafka.md).
 */
export async function kafkaCommand(args: string[], print: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { brokers: { type: 'string', default: '1' }, secured: { type: 'boolean', default: false } },
  });
  const action = positionals[0];
  const log = (line: string) => print(`  ${line}`);
  const count = Number(values.brokers);
  if ((count !== 1 && count !== 3) || (values.secured && count !== 1)) {
    print(USAGE);
    return 2;
  }
  if (values.secured) return securedCommand(action, print, log);
  if (count === 1) {
    const broker = createLocalBroker({ home: devstackHome, log });
    const address = `KAFKA_BROKERS=${broker.brokers.join(',')}`;
    return localServiceCommand({ command: 'kafka', name: 'Kafka', address, service: broker }, action, print);
  }
  const cluster = createLocalCluster({ home: devstackHome, log });
  const service = {
    start: () => cluster.start(),
    stop: () => cluster.stop(),
    async status() {
      const { running, pids, logFiles } = await cluster.status();
      return { running, ...(running && { pid: pids.join(', ') }), logFile: logFiles.join(' ') };
    },
  };
  const address = `KAFKA_BROKERS=${cluster.brokers.join(',')} TOPIC_REPLICATION_FACTOR=3`;
  return localServiceCommand({ command: 'kafka --brokers 3', name: 'The Kafka cluster', address, service }, action, print);
}

async function securedCommand(action: string | undefined, print: (line: string) => void, log: (line: string) => void): Promise<number> {
  const broker = createSecuredBroker({ home: devstackHome, log });
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
