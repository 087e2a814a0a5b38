// Opening the SQLite file: folder, pragmas, migrations. Everything else goes through repositories.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate, MIGRATIONS_DIR } from './migrate.ts';

export type { Database } from 'better-sqlite3';

export interface OpenDatabaseOptions {
  /** Another migrations folder (tests). */
  migrationsDir?: string;
}

const inMemory = (file: string) => file === ':memory:' || file === '';

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  if (!inMemory(file)) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    // WAL lets readers run beside the one writer; NORMAL is durable across application crashes
    // in WAL mode (only an OS crash may lose the last commits), at a fraction of FULL's fsyncs.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, options.migrationsDir ?? MIGRATIONS_DIR);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
