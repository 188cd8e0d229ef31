import { createHash } from 'node:crypto';
import type { IdempotencyStore } from 'popp-bridge/consumer';
import { type Db, PROCESSED_EVENTS_DDL } from './sqlite.js';

/** What every rebuildable read model offers besides its own queries. */
export interface ReadModel {
  /** The consumer group this read model was built by, undefined for a new database. */
  groupId(): string | undefined;
  setGroupId(groupId: string): void;
  /** Drops the read model and the processed eventIds and records the group that rebuilds them: one transaction. */
  reset(groupId: string): void;
  readonly store: IdempotencyStore;
  close(): void;
}

const META_DDL = 'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)';

/**
 * Creates the read model's tables (`tables`: name → CREATE statement) and
 * keeps its group bookkeeping in `meta`, which is not part of the read model
 * and survives a rebuild, so the next start continues in the rebuilding
 * group. A database written by an older shape of the tables is emptied and
 * forgets its group: the next start replays everything into the new shape.
 */
export function readModelTables(db: Db, tables: Record<string, string>): Pick<ReadModel, 'groupId' | 'setGroupId' | 'reset'> {
  db.exec(META_DDL);
  const get = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  const set = (key: string, value: string) =>
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  const recreate = () => {
    for (const [name, ddl] of Object.entries(tables)) {
      db.exec(`DROP TABLE IF EXISTS ${name}`);
      db.exec(ddl);
    }
    db.exec('DROP TABLE IF EXISTS processed_events');
    db.exec(PROCESSED_EVENTS_DDL);
  };

  const shape = createHash('sha256').update(Object.values(tables).join(';')).digest('hex').slice(0, 16);
  if (get('shape') !== shape) {
    db.transaction(() => {
      recreate();
      db.prepare("DELETE FROM meta WHERE key = 'group_id'").run();
      set('shape', shape);
    })();
  }
  return {
    groupId: () => get('group_id'),
    setGroupId: (groupId) => set('group_id', groupId),
    reset: (groupId) =>
      db.transaction(() => {
        recreate();
        set('group_id', groupId);
      })(),
  };
}
