import { randomBytes } from 'node:crypto';

export interface ServerSettings {
  host: string;
  port: number;
  controllerPort: number;
  /** Absolute: the broker runs with its instance folder as working directory, but says where its data is. */
  dataDir: string;
  /**
   * The client listeners, by name; default one PLAINTEXT on `port`. The first one of protocol PLAINTEXT also
   * carries the broker's traffic to itself (inter.broker.listener.name).
   */
  listeners?: readonly BrokerListener[];
  /** More settings (TLS stores, SASL per listener), after the usual ones. */
  extra?: readonly (readonly [string, string | number | boolean])[];
  /** One node of a replicated cluster (devstack/cluster.ts); absent, a single node. */
  cluster?: ClusterNodeSettings;
}

export interface BrokerListener {
  name: string;
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  port: number;
}

export interface ClusterNodeSettings {
  nodeId: number;
  /** Every voter's controller address, `host:port`: all nodes are broker and controller. */
  controllers: string[];
  replicationFactor: number;
  minInsyncReplicas: number;
}

/**
 * What `kafka-storage.sh random-uuid` makes: 16 random bytes, base64url without
 * padding (22 characters), never starting with "-" (Kafka's Uuid draws again
 * too): the storage tool would read such an id as an option and refuse it.
 */
export function newClusterId(draw: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = draw().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * One process that is both broker and KRaft controller, so nothing else has
 * to run. Every internal topic gets replication factor 1 (the defaults of 3
 * can never be met by one node); the bridge creates its own topics
 * (docs/kafka-contract.md, Topics), so auto-creation is off to catch a missing create in tests.
 */
export function renderServerProperties(settings: ServerSettings): string {
  const { host, port, controllerPort, dataDir, cluster } = settings;
  const listeners = settings.listeners ?? [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', port }];
  const internal = listeners.find((listener) => listener.protocol === 'PLAINTEXT')?.name ?? listeners[0]?.name ?? 'PLAINTEXT';
  const addresses = listeners.map((listener) => `${listener.name}://${host}:${listener.port}`).join(',');
  const protocols = listeners.map((listener) => `${listener.name}:${listener.protocol}`).join(',');
  const lines: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', cluster?.nodeId ?? 1],
    ['controller.quorum.bootstrap.servers', cluster ? cluster.controllers.join(',') : `${host}:${controllerPort}`],
    ['listeners', `${addresses},CONTROLLER://${host}:${controllerPort}`],
    ['advertised.listeners', addresses],
    ['listener.security.protocol.map', `${protocols},CONTROLLER:PLAINTEXT`],
    ['inter.broker.listener.name', internal],
    ['controller.listener.names', 'CONTROLLER'],
    ['log.dirs', dataDir],
    ['num.partitions', 6],
    ['auto.create.topics.enable', false],
    ['offsets.topic.replication.factor', 1],
    // 50 partitions by default: fewer make the first consumer group start faster on a small machine.
    ['offsets.topic.num.partitions', 6],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    // Consumer groups in tests join at once instead of waiting 3 s for more members.
    ['group.initial.rebalance.delay.ms', 0],
    ...(settings.extra ?? []).map(([key, value]): [string, string | number | boolean] => [key, value]),
  ];
  const settled = cluster ? replicated(lines, cluster) : lines;
  const body = settled.map(([key, value]) => `${key}=${escapeValue(String(value))}`).join('\n');
  return `# Written by popp-bridge for the local development broker; rewritten on every start.\n${body}\n`;
}

/**
 * A node of a replicated cluster: internal topics replicated like production
 * ones, and a write acknowledged (acks=all) only once `minInsyncReplicas`
 * copies have it. A dead or frozen node is fenced after 6 s (Kafka's default
 * is 9 s), so a new leader comes sooner and a fault test stays short.
 */
function replicated(lines: [string, string | number | boolean][], cluster: ClusterNodeSettings): [string, string | number | boolean][] {
  const { replicationFactor: factor, minInsyncReplicas: minIsr } = cluster;
  const overrides: Record<string, number> = {
    'offsets.topic.replication.factor': factor,
    'transaction.state.log.replication.factor': factor,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': factor,
    'share.coordinator.state.topic.min.isr': minIsr,
  };
  return [
    ...lines.map(([key, value]): [string, string | number | boolean] => [key, overrides[key] ?? value]),
    ['default.replication.factor', factor],
    ['min.insync.replicas', minIsr],
    ['broker.session.timeout.ms', 6_000],
    ['broker.heartbeat.interval.ms', 1_500],
  ];
}

/** Java properties treat `\` as an escape: a Windows path would otherwise lose its separators. */
function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/**
 * Without a configuration log4j2 prints only errors. INFO goes to stdout,
 * which the broker's spawn points at broker.log, so the JVM's own output and
 * the log share one file in order. The request logger is very chatty at INFO.
 * log4j's own shutdown hook would stop logging before Kafka's shutdown has
 * finished, cutting the end of the log that tells whether it was clean.
 */
export function renderLog4j(): string {
  return `# Written by popp-bridge: the local broker logs INFO to stdout (broker.log).
status = warn
shutdownHook = disable
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.statechange.name = state.change.logger
logger.statechange.level = warn
`;
}
