// Opening the SQLite file: folder, checks, pragmas, migrations. Everything else goes through repositories.
//
// Order matters (docs/decisions.md, "Storage integrity"): a database written by a newer version is
// refused before anything is changed (not even journal_mode, which rewrites the file header), and a
// damaged file is refused before the first write, so a corrupted page never gets more rows on top.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { DatabaseTooNewError, migrate, MIGRATIONS_DIR, readMigrations } from './migrate.ts';
import { isInMemoryPath } from './paths.ts';

export type { Database } from 'better-sqlite3';

export interface OpenDatabaseOptions {
  /** Another migrations folder (tests). */
  migrationsDir?: string;
}

const RESTORE_HINT =
  'stop condor-xyk, move the file aside and copy your latest backup ' +
  '(made with `npm run cli -- backup FILE`) in its place';

export class DatabaseDamagedError extends Error {
  override readonly name = 'DatabaseDamagedError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`Database ${file} is damaged (${problem}): refusing to run on it; ${RESTORE_HINT}. Nothing was changed.`);
  }
}

/** SQLite's own words for the first problem, on one line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

/**
 * PRAGMA quick_check: every page and b-tree is read (O(size), ~10 ms per MB), without the slower
 * index-to-table cross check of integrity_check. It only reads.
 */
function checkIntegrity(db: Database, file: string): void {
  let rows: string[];
  try {
    rows = (db.pragma('quick_check(1)') as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    throw new DatabaseDamagedError(file, oneLine((error as Error).message));
  }
  if (rows.length !== 1 || rows[0] !== 'ok') throw new DatabaseDamagedError(file, oneLine(rows[0] ?? 'no answer'));
}

function schemaVersion(db: Database, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    // Not a database at all (SQLITE_NOTADB), or a header too damaged to read.
    throw new DatabaseDamagedError(file, oneLine((error as Error).message));
  }
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const inMemory = isInMemoryPath(file);
  const existed = !inMemory && existsSync(file);
  if (!inMemory) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const db = new BetterSqlite3(file);
  try {
    const latest = readMigrations(migrationsDir).length;
    const version = schemaVersion(db, file);
    if (version > latest) throw new DatabaseTooNewError(version, latest, db.name);
    if (existed) checkIntegrity(db, file);
    // WAL lets readers run beside the one writer; NORMAL is durable across application crashes
    // in WAL mode (only an OS crash may lose the last commits), at a fraction of FULL's fsyncs.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrationsDir);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
