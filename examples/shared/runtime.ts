import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import type { Config } from '../../src/config.js';
import type { Consumer, ConsumerLog } from '../../src/consumer/index.js';
import { createLocalBroker } from '../../src/devstack/broker.js';
import { devstackHome } from '../../src/paths.js';

/** KAFKA_BROKERS, or else the local development broker, started (or reused) like `npm start` does. */
export async function exampleBrokers(config: Config, print: (line: string) => void): Promise<string[]> {
  if (config.kafkaBrokers) return config.kafkaBrokers;
  print('No KAFKA_BROKERS given: starting (or reusing) the local development broker.');
  const { brokers } = await createLocalBroker({ home: devstackHome, log: (line) => print(`  ${line}`) }).start();
  return brokers;
}

/** Where an example keeps its database unless told otherwise: the git-ignored devstack folder. */
export function defaultDatabasePath(name: string): string {
  return join(devstackHome, 'examples', `${name}.sqlite`);
}

/** JSON logs with ids and counts only, like the bridge's; the SDK's log lines go through the same logger. */
export function exampleLogger(name: string, config: Config): { logger: Logger; log: ConsumerLog } {
  const logger = pino({ level: config.logLevel, base: { service: name } });
  return { logger, log: (level, message, fields) => logger[level](fields, message) };
}

/** Starts the consumer; when it cannot start, closes what was opened for it before passing the error on. */
export async function startOrClose(consumer: Consumer, close: () => void): Promise<void> {
  try {
    await consumer.start();
  } catch (error) {
    close();
    throw error;
  }
}

/** Opens a database for a read-only command, runs it, closes it. */
export function reading<T extends { close(): void }>(open: () => T, use: (db: T) => void): number {
  const db = open();
  try {
    use(db);
    return 0;
  } finally {
    db.close();
  }
}

/** An example's entry point: runs the command, turns its result into the exit code and an error into one line. */
export function runExample(main: (command: string | undefined) => Promise<number>, print: (line: string) => void): void {
  main(process.argv[2]).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      print(`error: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}

/** Runs until the consumer stops (SIGTERM/SIGINT, or Kafka giving up), then closes what it was given; the exit code. */
export async function untilStopped(consumer: Consumer, close: () => void): Promise<number> {
  try {
    await consumer.stopped;
    return 0;
  } catch {
    return 1;
  } finally {
    close();
  }
}
