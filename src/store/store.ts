// The store: one SQLite file behind the app's ports. Statements are prepared once here; a
// UserStore only binds its user id to them.
import type { Database } from 'better-sqlite3';
import { processOwner } from '../app/delivery.ts';
import type { Clock, Store, UserStore } from '../app/ports.ts';
import { openDatabase } from './database.ts';
import { createLedger } from './ledger.ts';
import { createPollRepository } from './polls.ts';
import { createPositionRepository, preparePositionStatements } from './positions.ts';
import { createQuoteCache } from './quotes.ts';
import { newPositionId } from './random.ts';
import { createSettingsRepository, prepareSettingsStatements } from './settings.ts';
import { createSubscriptionRepository } from './subscriptions.ts';
import { createUserDirectory } from './users.ts';

export interface CreateStoreOptions {
  /** The SQLite file (created with its folder), or ':memory:'. */
  path: string;
  /** For created_ms and the like where the port passes no time; defaults to the system clock. */
  clock?: Clock;
  /** Position id generator (tests force collisions with it); defaults to 6 random characters. */
  newPositionId?: () => string;
  /** Another migrations folder (tests). */
  migrationsDir?: string;
}

export type SqliteStore = Store & {
  readonly engine: 'sqlite';
  /** The handle itself, for online backups and the integrity check (SQLite only; commands never see it). */
  db: Database;
};

const systemClock: Clock = { now: () => Date.now() };

export function createStore(options: CreateStoreOptions): SqliteStore {
  const db = openDatabase(options.path, options.migrationsDir ? { migrationsDir: options.migrationsDir } : {});
  const clock = options.clock ?? systemClock;
  const positionStatements = preparePositionStatements(db);
  const settingsStatements = prepareSettingsStatements(db);
  const newId = options.newPositionId ?? newPositionId;
  // One owner per store, as on PostgreSQL: every ledger it hands out without a name claims as this process.
  const processClaims = processOwner();
  return {
    engine: 'sqlite',
    db,
    users: createUserDirectory(db, clock),
    forUser(userId: string): UserStore {
      return {
        userId,
        positions: createPositionRepository(db, positionStatements, userId, newId),
        settings: createSettingsRepository(db, settingsStatements, userId),
      };
    },
    subscriptions: createSubscriptionRepository(db, clock),
    quotes: createQuoteCache(db),
    polls: createPollRepository(db),
    ledger: (owner = processClaims) => createLedger(db, owner),
    async close() {
      if (db.open) db.close();
    },
  };
}
