import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrokerListener, renderLog4j, renderServerProperties } from './config.js';
import { brokerArgs, formatOnce, instancePaths, readClusterId } from './instance.js';
import { DEFAULT_KAFKA_VERSION, ensureJars } from './jars.js';
import { portUser, probeClusterId } from './probe.js';
import { createLocalService } from './service.js';
import { ensureTlsMaterial, type TlsFiles } from './tls-material.js';
import { checkJava } from './tools.js';

/** The users of the secured broker: development credentials, made at format time (SCRAM) or in its settings (PLAIN). */
export const SECURED_USERS = {
  scram512: { mechanism: 'scram-sha-512', username: 'bridge', password: 'scram512-secret' },
  scram256: { mechanism: 'scram-sha-256', username: 'bridge256', password: 'scram256-secret' },
  plain: { mechanism: 'plain', username: 'bridge-plain', password: 'plain-secret' },
} as const;

export interface SecuredBrokerOptions {
  home: string;
  /** Six ports from here: plaintext (the broker's own traffic), controller, SASL_SSL, mTLS, SASL_PLAINTEXT, OAUTHBEARER. */
  basePort?: number;
  host?: string;
  kafkaVersion?: string;
  log?: (line: string) => void;
  java?: string;
  mvn?: string;
}

/** Where each kind of client connects (`host:port`). */
export interface SecuredListeners {
  /** No security: the broker's own traffic, and tests that look behind the bridge. */
  plaintext: string;
  /** TLS by the private CA; SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN. */
  saslSsl: string;
  /** TLS with a client certificate required (mutual TLS), no SASL. */
  mtls: string;
  /** SASL without TLS; SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN. */
  saslPlaintext: string;
  /** TLS by the private CA; OAUTHBEARER with Kafka's unsecured (unsigned) test tokens. */
  oauth: string;
}

export interface SecuredBroker {
  listeners: SecuredListeners;
  tls: TlsFiles;
  start(): Promise<{ reused: boolean }>;
  stop(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; logFile: string }>;
}

const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * A single-node KRaft broker from the same jars as the development broker,
 * with the listeners a secured production cluster has: a private CA made in
 * its folder, SASL over TLS, mutual TLS, SASL without TLS, and OAUTHBEARER.
 * For tests and for trying the bridge's TLS and SASL settings locally.
 */
export function createSecuredBroker(options: SecuredBrokerOptions): SecuredBroker {
  const { home, host = '127.0.0.1', basePort = 41090 } = options;
  const version = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const java = options.java ?? 'java';
  const log = options.log ?? (() => {});
  const paths = instancePaths(home, basePort);
  const tlsDir = join(paths.dir, 'tls');
  const controllerPort = basePort + 1;
  const listenerList: BrokerListener[] = [
    { name: 'INTERNAL', protocol: 'PLAINTEXT', port: basePort },
    { name: 'SASL_SSL', protocol: 'SASL_SSL', port: basePort + 2 },
    { name: 'MTLS', protocol: 'SSL', port: basePort + 3 },
    { name: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', port: basePort + 4 },
    { name: 'OAUTH', protocol: 'SASL_SSL', port: basePort + 5 },
  ];
  const at = (port: number) => `${host}:${port}`;
  const listeners: SecuredListeners = {
    plaintext: at(basePort),
    saslSsl: at(basePort + 2),
    mtls: at(basePort + 3),
    saslPlaintext: at(basePort + 4),
    oauth: at(basePort + 5),
  };
  let tls: TlsFiles | undefined;
  const tlsFiles = async () => {
    tls ??= await ensureTlsMaterial(tlsDir, log);
    return tls;
  };

  const service = createLocalService({
    name: 'secured Kafka',
    address: listeners.saslSsl,
    dir: paths.dir,
    pidFile: paths.pidFile,
    logFile: paths.logFile,
    marker: paths.props,
    lockTimeoutMs: 15 * 60_000,
    readyTimeoutMs: 90_000,
    stopGraceMs: 20_000,
    log,
    answers: async () => (await probeClusterId([listeners.plaintext], 3_000)) === (await readClusterId(paths)),
    async prepare() {
      for (const listener of [...listenerList, { name: 'CONTROLLER', port: controllerPort }]) {
        const user = await portUser(host, listener.port, await readClusterId(paths));
        if (user) throw new Error(`cannot start the secured Kafka: ${listener.name} port ${at(listener.port)} is in use by ${user}`);
      }
      await checkJava(java);
      const libs = await ensureJars({ home, kafkaVersion: version, log, java, ...(options.mvn && { mvn: options.mvn }) });
      const files = await tlsFiles();
      await writeFile(
        paths.props,
        renderServerProperties({
          host,
          port: basePort,
          controllerPort,
          dataDir: paths.data,
          listeners: listenerList,
          extra: securitySettings(files),
        }),
      );
      await writeFile(paths.log4j, renderLog4j());
      const scram = [SECURED_USERS.scram512, SECURED_USERS.scram256].flatMap((user) => [
        '--add-scram',
        `${user.mechanism.toUpperCase()}=[name=${user.username},password=${user.password}]`,
      ]);
      await formatOnce(paths, java, libs, log, { extraArgs: scram });
      const jvm = ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true'];
      return {
        command: java,
        args: brokerArgs(paths, libs, jvm),
        banner: `starting secured Kafka ${version} on ${listeners.saslSsl} and others`,
      };
    },
  });

  return {
    listeners,
    get tls(): TlsFiles {
      if (!tls) throw new Error('the secured broker has not been started yet: its certificates are made by start()');
      return tls;
    },
    start: async () => {
      // A broker found running keeps its certificates: they are known before the start returns, either way.
      await tlsFiles();
      return { reused: (await service.start()).reused };
    },
    stop: () => service.stop(),
    status: () => service.status(),
  };
}

/** The TLS stores (PEM: no keytool needed) and the SASL mechanisms of each listener. */
function securitySettings(files: TlsFiles): [string, string][] {
  const plainUser = SECURED_USERS.plain;
  const sasl = (listener: string): [string, string][] => [
    [`listener.name.${listener}.sasl.enabled.mechanisms`, 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN'],
    [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`, SCRAM_LOGIN],
    [`listener.name.${listener}.scram-sha-256.sasl.jaas.config`, SCRAM_LOGIN],
    [
      `listener.name.${listener}.plain.sasl.jaas.config`,
      `org.apache.kafka.common.security.plain.PlainLoginModule required user_${plainUser.username}="${plainUser.password}";`,
    ],
  ];
  return [
    ['sasl.enabled.mechanisms', 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER'],
    ['ssl.keystore.type', 'PEM'],
    ['ssl.keystore.location', files.brokerKeystore],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', files.ca],
    ['listener.name.mtls.ssl.client.auth', 'required'],
    ...sasl('sasl_ssl'),
    ...sasl('sasl_plaintext'),
    ['listener.name.oauth.sasl.enabled.mechanisms', 'OAUTHBEARER'],
    // No validator class given: Kafka's unsecured one, which takes unsigned tokens (development only).
    [
      'listener.name.oauth.oauthbearer.sasl.jaas.config',
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";',
    ],
  ];
}
