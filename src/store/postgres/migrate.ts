// The PostgreSQL store's migrations (migrations/README.md): every pending file in one transaction,
// behind an advisory lock, so two workers starting together on one database migrate it once.
import path from 'node:path';
import { DatabaseTooNewError, readMigrations, type MigrationResult } from '../migrate.ts';
import { describeUrl, type Pool } from './database.ts';
import { inTransaction } from './transaction.ts';

export const POSTGRES_MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/** Any fixed number: the transaction-level advisory lock that serializes migrations of one database. */
const MIGRATION_LOCK = 0x636f6e64; // 'cond'

export async function migratePostgres(
  pool: Pool,
  url: string,
  dir: string = POSTGRES_MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  const latest = migrations.length;
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_ms BIGINT NOT NULL)`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const from = rows[0]?.version ?? 0;
    if (from > latest) throw new DatabaseTooNewError(from, latest, describeUrl(url));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      applied.push(migration.name);
    }
    return { from, to: Math.max(from, latest), applied };
  });
}
