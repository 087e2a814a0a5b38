// Versioned migrations (docs/architecture.md convention 7): numbered SQL files read from the folder at
// run time, each applied in its own immediate transaction together with the user_version bump.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';

export const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/** The migrations of a folder, in order; a gap or a duplicate number is a packaging error. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => {
      const match = FILE_NAME.exec(name);
      if (!match) throw new Error(`Migration file ${name} in ${dir} is not named NNNN_name.sql`);
      return { version: Number(match[1]), name, sql: readFileSync(path.join(dir, name), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migrations in ${dir} must be numbered 0001, 0002, ... without gaps; ` +
          `found ${migration.name} at position ${index + 1}`,
      );
    }
  });
  return migrations;
}

export class DatabaseTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
    file: string,
  ) {
    super(
      `Database ${file} has schema version ${databaseVersion}, newer than this code knows (${codeVersion}): ` +
        'run the newer condor-xyk that wrote it, or restore a backup. Nothing was changed.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

const userVersion = (db: Database): number => db.pragma('user_version', { simple: true }) as number;

/** Applies what is missing; a no-op on an up-to-date database. Safe when several processes start at once. */
export function migrate(db: Database, dir: string = MIGRATIONS_DIR): MigrationResult {
  const migrations = readMigrations(dir);
  const latest = migrations.length;
  const from = userVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest, db.name);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    // Immediate: take the write lock first, then re-read the version, so two processes opening
    // the same file cannot both apply a migration.
    db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.name);
    }).immediate();
  }
  return { from, to: userVersion(db), applied };
}
