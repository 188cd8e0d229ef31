import { fileURLToPath } from 'node:url';
import { type Level, type Logger, pino } from 'pino';
import type { Consumer, ConsumerLog } from 'popp-bridge/consumer';

/** Where an example keeps its database unless told otherwise: a git-ignored folder of the bridge's repository. */
export function defaultDatabasePath(name: string): string {
  return fileURLToPath(new URL(`../../.devstack/examples/${name}.sqlite`, import.meta.url));
}

/** JSON logs with ids and counts only, like the bridge's (LOG_LEVEL, default info); the SDK's log lines go through the same logger. */
export function exampleLogger(name: string, level: string = process.env.LOG_LEVEL || 'info'): { logger: Logger; log: ConsumerLog } {
  const logger = pino({ level: level as Level | 'silent', base: { service: name } });
  return { logger, log: (severity, message, fields) => logger[severity](fields, message) };
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
