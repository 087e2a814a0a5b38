// Write transactions take the write lock at BEGIN (IMMEDIATE): a read-then-write transaction that
// started DEFERRED could fail with SQLITE_BUSY when another process wrote in between.
import type { Database } from 'better-sqlite3';

export function writeTransaction<A extends unknown[], R>(db: Database, fn: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(fn);
  return (...args: A) => transaction.immediate(...args);
}

export const isConstraintError = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as Error & { code?: string }).code === code;
