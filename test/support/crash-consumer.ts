/**
 * A consumer SDK service for the crash test, run as its own process: it
 * applies DOCUMENT_UPLOADED events to a SQLite table in the transaction of the
 * examples' idempotency store. With CRASH_AFTER_RECORD set it kills itself
 * (SIGKILL) right after the first store transaction holding an event of that
 * recordId has committed: the effects are on disk, the Kafka offsets are not.
 */
import Database from 'better-sqlite3';
import { createSqliteIdempotencyStore } from '../../examples/shared/sqlite.js';
import { loadConfig } from '../../src/config.js';
import { connectionFromConfig, createConsumer, type IdempotencyStore } from '../../src/consumer/index.js';

const { KAFKA_BROKERS, TOPIC_PREFIX, CRASH_DB, CRASH_GROUP, CRASH_AFTER_RECORD } = process.env;
const db = new Database(CRASH_DB as string);
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL, record_id TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO effects (event_id, record_id) VALUES (?, ?)');
const inner = createSqliteIdempotencyStore(db);
let armed = false;
const store: IdempotencyStore = {
  ...inner,
  async atomically(work) {
    const result = await (inner.atomically as NonNullable<IdempotencyStore['atomically']>)(work);
    if (armed) process.kill(process.pid, 'SIGKILL');
    return result;
  },
};

const config = loadConfig({ TOPIC_PREFIX: TOPIC_PREFIX as string, LOG_LEVEL: 'info' });
const consumer = createConsumer({
  ...connectionFromConfig(config, (KAFKA_BROKERS as string).split(',')),
  groupId: CRASH_GROUP as string,
  handlers: {
    DOCUMENT_UPLOADED: (event) => {
      insert.run(event.eventId, event.recordId);
      if (event.recordId === CRASH_AFTER_RECORD) armed = true;
    },
  },
  idempotency: store,
  // Nothing committed to Kafka between batch ends: the crash must fall between two commits.
  commitIntervalMs: 600_000,
  log: (level, message, fields) => console.log(JSON.stringify({ level, msg: message, ...fields })),
});
await consumer.start();
await consumer.stopped.catch(() => {});
db.close();
