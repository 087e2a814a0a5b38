// Copying a SQLite database into an empty PostgreSQL one (`cli migrate-store`): every table, in
// foreign-key order, in ONE transaction, verified by row counts before it commits. The two schemas
// have the same tables and columns (test/store/postgres-schema.test.ts), so rows copy as they are.
import type { Database } from 'better-sqlite3';
import type { Pool, PoolClient } from './database.ts';
import { inTransaction } from './transaction.ts';

/** Parents before children, so every foreign key holds as rows arrive. */
export const COPIED_TABLES = [
  'store_meta',
  'users',
  'identities',
  'link_codes',
  'link_failures_by_identity',
  'positions',
  'position_events',
  'hedge_layers',
  'settings',
  'subscriptions',
  'deliveries',
  'hedge_discussions',
  'hedge_polls',
  'quotes',
] as const;

/** Tables whose id PostgreSQL generates: their sequence continues after the copied ids. */
const IDENTITY_TABLES = ['link_failures_by_identity', 'position_events', 'subscriptions', 'hedge_discussions'];

/** The salt row a fresh PostgreSQL schema makes for itself; replaced by the SQLite one. */
const OWN_ROWS: Partial<Record<(typeof COPIED_TABLES)[number], number>> = { store_meta: 1 };

export class TargetNotEmptyError extends Error {
  override readonly name = 'TargetNotEmptyError';
}

export type TableCounts = Record<string, number>;

const ROWS_PER_INSERT = 500;

async function countsOf(client: Pool | PoolClient): Promise<TableCounts> {
  const counts: TableCounts = {};
  for (const table of COPIED_TABLES) {
    counts[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  }
  return counts;
}

async function copyTable(db: Database, client: PoolClient, table: string): Promise<void> {
  const columns = (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[]).map(
    (name) => `"${name}"`,
  );
  const rows = db
    .prepare(`SELECT ${columns.join(', ')} FROM ${table}`)
    .raw()
    .all() as unknown[][];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const batch = rows.slice(start, start + ROWS_PER_INSERT);
    const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, batch.flat());
  }
}

/**
 * Copies every table of `db` into the (migrated, empty) PostgreSQL database behind `pool`.
 * Throws TargetNotEmptyError before writing when the target holds any row of its own; throws (and
 * rolls everything back) when a count differs after the copy. Returns the verified counts.
 */
export async function copySqliteToPostgres(
  db: Database,
  pool: Pool,
  target = 'the target database',
): Promise<TableCounts> {
  const before = await countsOf(pool);
  const occupied = COPIED_TABLES.filter((table) => before[table]! > (OWN_ROWS[table] ?? 0));
  if (occupied.length) {
    throw new TargetNotEmptyError(
      `${target} already has data (${occupied.map((table) => `${table}: ${before[table]}`).join(', ')})`,
    );
  }
  const expected: TableCounts = {};
  for (const table of COPIED_TABLES) {
    expected[table] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return inTransaction(pool, async (client) => {
    await client.query('DELETE FROM store_meta');
    for (const table of COPIED_TABLES) await copyTable(db, client, table);
    for (const table of IDENTITY_TABLES) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'),
          coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`,
      );
    }
    const copied = await countsOf(client);
    const wrong = COPIED_TABLES.filter((table) => copied[table] !== expected[table]);
    if (wrong.length) {
      const differences = wrong.map((t) => `${t}: ${expected[t]} → ${copied[t]}`).join(', ');
      throw new Error(`row counts differ after the copy (${differences}); nothing was committed`);
    }
    return copied;
  });
}
