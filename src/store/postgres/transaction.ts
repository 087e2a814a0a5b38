// Transactions on one client: BEGIN, the work, COMMIT; ROLLBACK on any error. Where the SQLite
// store takes its global write lock (BEGIN IMMEDIATE), the functions here lock the rows they read
// before writing (SELECT ... FOR UPDATE), so the same races are closed without one global lock.
import type { Pool, PoolClient } from './database.ts';

export async function inTransaction<R>(pool: Pool, work: (client: PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is unusable: drop it from the pool rather than hand it to the next caller.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Any fixed number: the advisory lock that orders merges and unlinks (SQLite's write lock does). */
const USERS_LOCK = 0x6c696e6b; // 'link'

/** Inside a transaction: waits for any other link merge or unlink to finish, held until COMMIT. */
export async function lockUsers(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK]);
}
