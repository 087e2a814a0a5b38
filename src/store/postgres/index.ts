// The PostgreSQL store's public entry (selected by DATABASE_URL, see src/config.ts).
export { createPostgresStore } from './store.ts';
export type { CreatePostgresStoreOptions, PostgresStore } from './store.ts';
export { migratePostgres, POSTGRES_MIGRATIONS_DIR } from './migrate.ts';
export { createPool, describeUrl } from './database.ts';
