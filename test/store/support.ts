// Builders for the store tests: a real SQLite file in a fresh temp folder, and plain positions.
import { UserError } from '../../src/app/errors.ts';
import path from 'node:path';
import { onCleanup, tempDir } from '../support/cleanup.ts';
import type { EntrySnapshot } from '../../src/engine/index.ts';
import type { HedgeLayerRecord, LinkRedeemer, NewPosition, Platform } from '../../src/app/ports.ts';
import { createStore, type CreateStoreOptions, type SqliteStore } from '../../src/store/index.ts';

export { tempDir };

/** The store tests' fixed instant: 2026-01-05 14:30 UTC, 09:30 in New York. */
export const T0 = 1_767_623_400_000;
/** A link code's time to live in these tests. */
export const TEN_MINUTES = 10 * 60_000;

export function tempDbPath(): string {
  return path.join(tempDir('condor-store-'), 'data', 'test.db');
}

/** A store on a new file; closed after the test. */
export function openTestStore(options: Partial<CreateStoreOptions> = {}): SqliteStore {
  const store = createStore({ path: tempDbPath(), ...options });
  onCleanup(() => store.close());
  return store;
}

/** Doubles with long mantissas, a subnormal and a tiny value, so a lossy round trip shows. */
export function entrySnapshot(overrides: Partial<EntrySnapshot> = {}): EntrySnapshot {
  return {
    openedMs: 1_767_623_400_000,
    openedDate: '2026-01-05',
    spot: 5987.123456789012,
    legVols: {
      longPut: 0.2345678901234567,
      shortPut: 0.1987654321098765,
      shortCall: 0.1234567890123456,
      longCall: 0.1111111111111111,
    },
    legVolSources: { longPut: 'chain', shortPut: 'chain', shortCall: 'vix-proxy', longCall: 'user' },
    atmVol: 0.1499999999999999,
    vix: 16.73,
    credit: 14.2,
    years: 0.0958904109589041,
    rate: 0.0425,
    dividendYield: 0.013,
    cushion: 0.1 + 0.2,
    baselineK: 14.2 * (0.1 + 0.2),
    modelMark: 13.987654321,
    calibration: 14.2 / 13.987654321,
    expectedMove: 5e-324,
    shortPutMoves: -1.7976931348623157e308,
    shortCallMoves: 2.220446049250313e-16,
    ...overrides,
  };
}

export function newPosition(overrides: Partial<NewPosition> = {}): NewPosition {
  return {
    underlying: 'SPX',
    strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
    expiry: '2027-01-08',
    settlement: 'PM',
    settlementMs: 1_799_442_000_000,
    quantity: 2,
    credit: 14.2,
    note: 'first fill',
    openedMs: 1_767_623_400_000,
    entry: entrySnapshot(),
    entrySource: 'cboe',
    ...overrides,
  };
}

export function hedgeLayer(layer: number, overrides: Partial<HedgeLayerRecord> = {}): HedgeLayerRecord {
  return {
    layer,
    vixExpiry: '2026-02-18',
    longStrike: 20 + layer * 5,
    shortStrike: 30 + layer * 5,
    debit: 0.85,
    contracts: 3,
    adoptedMs: 1_767_700_000_000 + layer,
    ...overrides,
  };
}

/** Counts rows, for "nothing was written" checks. */
export function countRows(store: SqliteStore, table: string): number {
  return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Makes the next INSERT (or UPDATE/DELETE) on a table fail inside SQLite, as a real failure mid-transaction. */
export function failNext(
  store: SqliteStore,
  table: string,
  operation: 'INSERT' | 'UPDATE' | 'DELETE' = 'INSERT',
): void {
  store.db.exec(`CREATE TRIGGER fail_${table}_${operation} BEFORE ${operation} ON ${table}
    BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
}

export function stopFailing(
  store: SqliteStore,
  table: string,
  operation: 'INSERT' | 'UPDATE' | 'DELETE' = 'INSERT',
): void {
  store.db.exec(`DROP TRIGGER fail_${table}_${operation}`);
}

/** The UserError a call throws or rejects with (fails the test when it succeeds or fails otherwise). */
export async function userErrorOf(fn: () => unknown): Promise<UserError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

/** The UserError a promise rejects with (fails the test when it resolves or rejects with something else). */
export async function userErrorOfAsync(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

/** A platform identity as the one typing a /link code, with the user it belongs to now. */
export function redeemerOf(store: SqliteStore, platform: Platform, platformUserId: string): LinkRedeemer {
  const userId = store.db
    .prepare('SELECT user_id FROM identities WHERE platform = ? AND platform_user_id = ?')
    .pluck()
    .get(platform, platformUserId) as string;
  return { userId, platform, platformUserId };
}
