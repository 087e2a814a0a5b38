// The store's public entry: what main.ts, the scheduler and tests use.
export { createStore } from './store.ts';
export type { CreateStoreOptions, SqliteStore } from './store.ts';
export { openDatabase, DatabaseDamagedError } from './database.ts';
export { isInMemoryPath } from './paths.ts';
export { backupDatabase, backupRefusal, BackupRefusedError } from './backup.ts';
export type { Database, OpenDatabaseOptions } from './database.ts';
export { migrate, readMigrations, DatabaseTooNewError, MIGRATIONS_DIR } from './migrate.ts';
export type { Migration, MigrationResult } from './migrate.ts';
export { DEFAULT_USER_SETTINGS, SETTING_OPTIONS } from './settings.ts';
export { LINK_MAX_FAILURES, LINK_FAILURE_WINDOW_MS } from './link-rules.ts';
export { POSITION_ID_ALPHABET, POSITION_ID_LENGTH, LINK_CODE_ALPHABET } from './random.ts';
export { normalizeLinkCode } from './link-code.ts';
export { REMOVED_REASON } from './subscriptions.ts';
