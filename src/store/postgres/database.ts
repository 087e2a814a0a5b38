// The PostgreSQL connection pool. BIGINT (epoch ms, ids, counts) comes back from `pg` as a string
// by default, to be safe past 2^53; every BIGINT here is an epoch millisecond, an id or a count,
// all far below 2^53, so this pool reads them as numbers (its own parser: the global one stays).
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** A pool or one checked-out client (inside a transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

const INT8_OID = 20;

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  /** Connections kept at most (default 10). */
  max?: number;
}

export function createPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({ connectionString: url, types, max: options.max ?? 10 });
  // An idle client that loses its server (a restart) emits here; without a listener Node would exit.
  pool.on('error', () => {});
  return pool;
}

/** Where a database lives, without its password (for messages). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL database';
  }
}

/** PostgreSQL's error codes (SQLSTATE) the store reacts to. */
export const UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
