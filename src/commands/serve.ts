import type { Config } from '../config.js';
import { EXIT_CONFIG } from '../errors.js';
import { devstackHome } from '../paths.js';
import { startBridge } from '../server.js';
import { exitOnSignals } from '../shutdown.js';
import { WEBHOOK_PATH } from '../webhook/route.js';

/** `npm start`: the bridge, on the given brokers or else on the local development broker. */
export async function serve(config: Config, print: (line: string) => void): Promise<void> {
  let brokers = config.kafkaBrokers;
  if (!brokers) {
    print('No KAFKA_BROKERS given: starting the local development broker (first run downloads Kafka with Maven).');
    // Loaded only here: a bridge on a remote Kafka never loads the devstack.
    const { createLocalBroker } = await import('../devstack/broker.js');
    const started = await createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) }).start();
    brokers = started.brokers;
    print(`Local Kafka ${started.reused ? 'already running' : 'started'} on ${brokers.join(',')}.`);
  }
  const devMode = config.secrets.length === 0;
  const secrets = devMode ? [(await import('../devstack/secret.js')).devSecret(devstackHome)] : config.secrets;
  const bridge = await startBridge({
    config,
    brokers,
    secrets,
    // With a spool the bridge serves before Kafka answered: a refusal that comes later still ends it, closed already.
    onFatal: (error) => {
      print(`error: ${error.message}`);
      process.exit(EXIT_CONFIG);
    },
  });

  print('');
  print(`popp-bridge is listening on ${bridge.url}${WEBHOOK_PATH}`);
  print(`  Kafka:   ${brokers.join(',')}${config.kafkaBrokers ? '' : ' (local; `npx popp-bridge kafka stop` stops it)'}`);
  if (devMode) print(`  Secret:  ${secrets[0]} (development only, kept in .devstack/dev-secret)`);
  print(`  Try:     ${tryLine(config, `${bridge.url}${WEBHOOK_PATH}`, devMode)}`);
  print(`  Health:  ${bridge.url}/readyz   Metrics: ${bridge.adminUrl}/metrics`);
  print(
    config.admin.consoleToken
      ? `  Console: ${bridge.adminUrl}/console/ (log in with CONSOLE_TOKEN)`
      : '  Console: off (set CONSOLE_TOKEN, at least 16 characters, to turn it on)',
  );
  print('');

  exitOnSignals(bridge, config.shutdown);
}

/**
 * A trigger command that passes: the URL when the port is not the default,
 * and with a configured secret a `--secret` that names it (the value itself
 * never reaches the output; the development secret is the trigger's default).
 */
export function tryLine(config: Pick<Config, 'port' | 'secrets'>, url: string, devMode: boolean): string {
  const where = config.port === 3000 ? '' : ` --url ${url}`;
  const secret = devMode ? '' : ' --secret "$POPP_WEBHOOK_SECRET"';
  return `npx popp-bridge trigger DOCUMENT_UPLOADED${where}${secret}`;
}
