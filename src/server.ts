import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildAdminApp } from './admin/listener.js';
import { buildApp } from './app.js';
import { createBackpressure } from './backpressure.js';
import { createBridgeKafka } from './bridge-kafka.js';
import type { Config } from './config.js';
import type { ConsoleRoute } from './console/deps.js';
import { createConsoleDeps } from './console/wiring.js';
import { createCatalogue } from './contract/catalogue.js';
import type { Dedupe } from './dedupe/dedupe.js';
import { createDedupeStore } from './dedupe/store.js';
import { KafkaSetupError } from './errors.js';
import { kafkaSetupError, kafkaWaitHint } from './kafka/client.js';
import { createReadiness, type Readiness } from './kafka/health.js';
import { createBatchingPublisher } from './kafka/publisher.js';
import { createMetrics } from './metrics.js';
import { schemasDir as defaultSchemasDir, projectRoot } from './paths.js';
import { createValueCodec } from './registry/startup.js';
import { openSpool } from './spool/open.js';
import { openTelemetry } from './telemetry/open.js';
import { waitUntilReady } from './wait-until-ready.js';
import { createEventAgeCheck } from './webhook/event-age.js';
import { createSignatureVerifier } from './webhook/verify.js';

/** Ends the wait for Kafka when the bridge shuts down before Kafka ever answered. */
const SHUT_DOWN = new Error('shutting down');

/** The eventIds of spooled events count as accepted after a restart too. */
async function rememberAll(dedupe: Dedupe, eventIds: string[]): Promise<void> {
  for (const eventId of eventIds) await dedupe.once(eventId, async () => {});
}

export interface Bridge {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** The admin listener: console (when CONSOLE_TOKEN is set), its API and /metrics; e.g. http://127.0.0.1:3001 */
  adminUrl: string;
  consoleRoutes: ConsoleRoute[];
  logger: Logger;
  /** Readiness turns 503 (a load balancer drains us) while webhooks are still served. */
  beginShutdown(): void;
  /** Stops accepting, answers what is in flight, flushes, disconnects. */
  close(): Promise<void>;
}

export interface BridgeOptions {
  config: Config;
  brokers: string[];
  /** Active secrets (config.secrets, or the dev secret). */
  secrets: string[];
  schemasDir?: string;
  logger?: Logger;
  /** Bound of records waiting for Kafka before new requests get `overloaded`. */
  maxQueuedRecords?: number;
  /**
   * Kafka refused the bridge's settings after `startBridge` returned (with a spool it does not wait for Kafka):
   * the bridge is already closed when this is called. Before it returns, `startBridge` rejects with the error instead.
   */
  onFatal?: (error: KafkaSetupError) => void;
}

/**
 * Wires the real parts (Kafka, stores, clock) into the app and listens, then
 * waits for Kafka and its topics (with a spool, at most PUBLISH_TIMEOUT_MS).
 * While it waits, /healthz answers, /readyz answers 503 with what it waits
 * for, and webhooks get 503 (or the spool). A refusal of its settings
 * (docs/guides/connecting-to-kafka.md, Fail fast) closes it and rejects.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { config } = options;
  // Redaction is a second line of defence: nothing logs these on purpose (secrets never reach logs).
  const redact = { paths: ['*.headers["x-signature"]', '*.password', '*.secret', '*.secrets'], censor: '[redacted]' };
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'popp-bridge' }, redact });
  const catalogue = createCatalogue({ schemasDir: options.schemasDir ?? defaultSchemasDir, topicPrefix: config.topics.prefix });
  const metrics = createMetrics();
  // Only with an endpoint set (and OTEL_SDK_DISABLED not true) is OpenTelemetry loaded at all.
  const telemetry = await openTelemetry(config.telemetry, bridgeVersion());
  const { kafka, admin, producer, topics } = createBridgeKafka(
    config,
    options.brokers,
    (level, message, extra) => logger[level](extra, message),
    telemetry.enabled ? telemetry.partitionChosen : undefined,
  );
  const bridgeTopics = [
    ...catalogue.knownTypes.map((type) => catalogue.topicFor(type)),
    ...(config.topics.eventLog ? [config.topics.eventLog] : []),
    config.topics.deadLetter,
  ];

  const codec = await createValueCodec({ settings: config.schemaRegistry, catalogue, logTopic: config.topics.eventLog, logger });
  let kafkaConnected = false;
  let stopConnecting = false;
  /** What the wait for Kafka last met, for /readyz while it waits. */
  let lastFailure: string | undefined;
  const publisher = createBatchingPublisher({
    send: async (topicMessages) => {
      // kafkajs would connect a producer on first send, past our encoders and the topic check.
      if (!kafkaConnected) throw new Error(`Kafka not connected yet${lastFailure ? `: ${lastFailure}` : ''}`);
      await producer.sendBatch({ topicMessages, acks: -1, timeout: config.publishTimeoutMs });
    },
    timeoutMs: config.publishTimeoutMs,
    maxQueuedRecords: options.maxQueuedRecords,
    onBatch: metrics.batch,
  });
  const { dedupe, health: dedupeHealth, close: closeDedupe } = await createDedupeStore(config, { registry: metrics.registry, logger });
  const connectedReadiness = createReadiness({ admin, topics: () => bridgeTopics, timeoutMs: Math.min(2_000, config.publishTimeoutMs) });
  const kafkaReadiness: Readiness = {
    check: async () =>
      kafkaConnected
        ? connectedReadiness.check()
        : { ready: false, detail: `waiting for Kafka at ${options.brokers.join(',')}${lastFailure ? `: ${lastFailure}` : ''}` },
  };
  const spool =
    config.outagePolicy === 'spool'
      ? await openSpool({
          dir: config.spool.dir,
          maxBytes: config.spool.maxBytes,
          maxBodyBytes: config.maxBodyBytes,
          publisher,
          deadLetterTopic: config.topics.deadLetter,
          kafkaConnected: () => kafkaConnected,
          reachable: async () => (await kafkaReadiness.check()).ready,
          // The memory store's disk may lack the last group commit before a SIGKILL; Redis has them all.
          remember: config.dedupe.store === 'memory' ? (ids) => rememberAll(dedupe, ids) : undefined,
          registry: metrics.registry,
          logger,
        })
      : undefined;
  const readiness = spool ? spool.readiness(kafkaReadiness) : kafkaReadiness;

  const connected = waitUntilReady(
    async () => {
      if (stopConnecting) throw SHUT_DOWN;
      try {
        await admin.connect();
        await topics.ensure(bridgeTopics);
        await producer.connect();
      } catch (error) {
        // kafkajs keeps a connection whose handshake timed out (a frozen broker) as connected, and every later
        // request fails with "Broker not connected": the next try starts afresh.
        await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
        const refused = kafkaSetupError(error);
        if (refused) throw refused;
        const hint = kafkaWaitHint(error);
        lastFailure = `${(error as Error).message}${hint ? ` (${hint})` : ''}`;
        throw hint ? new Error(lastFailure, { cause: error }) : error;
      }
    },
    {
      what: 'Kafka',
      logger,
      fields: { brokers: options.brokers },
      fatal: (error) => error === SHUT_DOWN || error instanceof KafkaSetupError,
    },
  ).then(async () => {
    // Connected only after close() began: let go again rather than leave connections open.
    if (stopConnecting) return void (await Promise.allSettled([producer.disconnect(), admin.disconnect()]));
    kafkaConnected = true;
    spool?.startDraining();
  });
  // Observed below; until then an early refusal must not count as unhandled.
  connected.catch(() => {});

  let shuttingDown = false;
  let closing: Promise<void> | undefined;
  const backpressure = createBackpressure({
    maxInFlight: config.limits.maxInFlightRequests,
    maxUnverified: config.limits.maxUnverifiedRequests,
    maxEventLoopDelayMs: config.limits.maxEventLoopDelayMs,
  });
  const app = buildApp({
    verify: createSignatureVerifier(options.secrets),
    catalogue,
    checkAge: createEventAgeCheck({ ...config.eventAge, now: Date.now }),
    dedupe,
    publisher,
    deliver: spool?.deliver,
    ensureTopics: (list) => topics.ensure(list),
    metrics,
    topics: { log: config.topics.eventLog, deadLetter: config.topics.deadLetter },
    codec,
    unknownEventPolicy: config.unknownEventPolicy,
    now: () => new Date(),
    readiness,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    shuttingDown: () => shuttingDown,
    backpressure,
    publishTimeoutMs: config.publishTimeoutMs,
    requestTimeoutMs: config.limits.requestTimeoutMs,
    telemetry,
  });
  const consoleParts = createConsoleDeps({
    config,
    brokers: options.brokers,
    kafka,
    admin,
    metrics,
    readiness,
    dedupeHealth,
    catalogue,
    schemasDir: options.schemasDir ?? defaultSchemasDir,
    audit: logger,
  });
  const adminApp = buildAdminApp({ metrics, logger, console: consoleParts?.deps });
  try {
    await adminApp.app.listen({ port: config.admin.port, host: config.admin.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `admin listener: cannot listen on ${config.admin.host}:${config.admin.port} (${code ?? (error as Error).message}); set ADMIN_PORT`,
    );
  }
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await close();
    throw error;
  }
  if (!consoleParts) logger.info({ admin: `${config.admin.host}:${config.admin.port}` }, 'console off: set CONSOLE_TOKEN to turn it on');
  const url = listeningUrl(app, config.host);
  if (!kafkaConnected) logger.info({ url }, `webhook listener up on ${url}, waiting for Kafka (/readyz says 503 until it answers)`);

  try {
    if (!spool) await connected;
    else {
      // With a spool the bridge need not wait for Kafka: events are spooled until it answers.
      const waited = await Promise.race([connected.then(() => true), sleep(config.publishTimeoutMs, false, { ref: false })]);
      if (!waited) logger.warn('Kafka not reachable yet: serving, and spooling events until it is');
      connected.catch(async (error: unknown) => {
        if (!(error instanceof KafkaSetupError)) return;
        await close().catch(() => {});
        if (options.onFatal) options.onFatal(error);
        else logger.fatal({ setting: error.setting }, error.message);
      });
    }
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }

  return {
    app,
    url,
    adminUrl: listeningUrl(adminApp.app, config.admin.host),
    consoleRoutes: adminApp.consoleRoutes,
    logger,
    beginShutdown() {
      shuttingDown = true;
    },
    close,
  };

  /** Once, whoever asks first (a refusal of the settings, then a signal, say). */
  function close(): Promise<void> {
    closing ??= closeAll();
    return closing;
  }

  async function closeAll(): Promise<void> {
    shuttingDown = true;
    stopConnecting = true;
    await app.close();
    await adminApp.app.close();
    await consoleParts?.close();
    backpressure.stop();
    await spool?.stopDraining();
    await publisher.drain();
    await spool?.close();
    await producer.disconnect();
    await admin.disconnect();
    await closeDedupe();
    await telemetry.shutdown();
  }
}

/** The `service.version` of the spans. */
function bridgeVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function listeningUrl(app: FastifyInstance, configured: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
