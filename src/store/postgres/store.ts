// The PostgreSQL store: the same ports as the SQLite store (src/store/store.ts), on a `pg` Pool.
// Opening migrates (./migrate.ts) before anything else, so a database written by a newer version
// is refused before a single row is read or written.
import type { Clock } from '../../app/ports.ts';
import { processOwner } from '../../app/delivery.ts';
import { newPositionId } from '../random.ts';
import { createPool, type Pool } from './database.ts';
import { createPostgresLedger } from './ledger.ts';
import { migratePostgres } from './migrate.ts';
import { createPostgresPollRepository } from './polls.ts';
import type { Store } from '../../app/ports.ts';
import { createPostgresPositionRepository } from './positions.ts';
import { createPostgresQuoteCache } from './quotes.ts';
import { createPostgresSettingsRepository } from './settings.ts';
import { createPostgresSubscriptionRepository } from './subscriptions.ts';
import { createPostgresUserDirectory } from './users.ts';

export interface CreatePostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  clock?: Clock;
  /** Position id generator (tests force collisions with it); defaults to 6 random characters. */
  newPositionId?: () => string;
  /** Another migrations folder (tests). */
  migrationsDir?: string;
  /** Connections kept at most (default 10). */
  maxConnections?: number;
}

export type PostgresStore = Store & {
  readonly engine: 'postgres';
  /** The pool itself, for the CLI's copy and for tests. */
  pool: Pool;
};

const systemClock: Clock = { now: () => Date.now() };

export async function createPostgresStore(options: CreatePostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(options.url, options.maxConnections ? { max: options.maxConnections } : {});
  try {
    await migratePostgres(pool, options.url, options.migrationsDir);
    const clock = options.clock ?? systemClock;
    const newId = options.newPositionId ?? newPositionId;
    let closed: Promise<void> | null = null;
    // One owner per store: every ledger it hands out without a name claims as this process.
    const processClaims = processOwner();
    return {
      engine: 'postgres',
      pool,
      users: await createPostgresUserDirectory(pool, clock),
      forUser: (userId) => ({
        userId,
        positions: createPostgresPositionRepository(pool, userId, newId),
        settings: createPostgresSettingsRepository(pool, userId),
      }),
      subscriptions: createPostgresSubscriptionRepository(pool, clock),
      quotes: createPostgresQuoteCache(pool),
      polls: createPostgresPollRepository(pool),
      ledger: (owner = processClaims) => createPostgresLedger(pool, owner),
      close: () => (closed ??= pool.end()),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
