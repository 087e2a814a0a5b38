// The PostgreSQL store's schema and migrations (src/store/postgres/migrations/README.md): the same
// tables and columns as the SQLite store after its migrations, two workers starting together
// migrate once, a newer schema is refused, and a failing file leaves nothing behind.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DatabaseTooNewError } from '../../src/store/index.ts';
import { createPool } from '../../src/store/postgres/database.ts';
import { createPostgresStore, POSTGRES_MIGRATIONS_DIR } from '../../src/store/postgres/index.ts';
import { describePostgres } from '../support/postgres.ts';
import { openTestStore, tempDir } from './support.ts';

// Shipped files and their sha256 (as test/store/migrate.test.ts keeps for SQLite).
const SHIPPED: Record<string, string> = {
  '0001_initial.sql': '7b4561565a7e32d43b50aedde3a615bc88e64bd955dc56e0adbba582616becc3',
};

const query = async <R extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) => {
  const pool = createPool(url, { max: 1 });
  try {
    return (await pool.query<R>(sql, params)).rows;
  } finally {
    await pool.end();
  }
};

const columnsOf = (url: string) =>
  query<{ table_name: string; column_name: string }>(
    url,
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' ORDER BY table_name, column_name`,
  );

describePostgres('PostgreSQL schema and migrations', ({ freshUrl }) => {
  it('ships files unchanged', () => {
    const files = fs.readdirSync(POSTGRES_MIGRATIONS_DIR).filter((name) => name.endsWith('.sql'));
    expect(files.sort()).toEqual(Object.keys(SHIPPED).sort());
    for (const name of files) {
      const sha = createHash('sha256')
        .update(fs.readFileSync(path.join(POSTGRES_MIGRATIONS_DIR, name)))
        .digest('hex');
      expect(sha, `${name} was edited after it shipped: add a new file instead`).toBe(SHIPPED[name]);
    }
  });

  it('has the same tables and columns as the SQLite store after all its migrations', async () => {
    const url = await freshUrl();
    await (await createPostgresStore({ url })).close();
    const sqlite = openTestStore();
    const tables = sqlite.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    const expected = tables.flatMap((table) =>
      (sqlite.db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY name`).pluck().all(table) as string[]).map(
        (column) => `${table}.${column}`,
      ),
    );
    const actual = (await columnsOf(url)).map((row) => `${row.table_name}.${row.column_name}`);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('migrates once when two workers open an empty database together', async () => {
    const url = await freshUrl();
    const stores = await Promise.all([createPostgresStore({ url }), createPostgresStore({ url })]);
    try {
      expect(await query(url, 'SELECT version, name FROM schema_migrations')).toEqual([
        { version: 1, name: '0001_initial.sql' },
      ]);
      expect(await query(url, 'SELECT key FROM store_meta')).toEqual([{ key: 'link_code_salt' }]);
      // Both work on the one schema: a user made by one is found by the other.
      const ann = await stores[0].users.resolve('discord', '1', 'Ann');
      expect(await stores[1].users.resolve('discord', '1', 'Ann')).toBe(ann);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses a database written by a newer version, changing nothing', async () => {
    const url = await freshUrl();
    await (await createPostgresStore({ url })).close();
    await query(url, "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (2, '0002_future.sql', 0)");
    const error = await createPostgresStore({ url }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect((error as Error).message).toMatch(/schema version 2, newer than this code knows \(1\).*Nothing was changed/);
    expect(await query(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: 2 }]);
  });

  it('applies nothing when a file fails: all pending files are one transaction', async () => {
    const url = await freshUrl();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE first_table (id INTEGER);');
    fs.writeFileSync(path.join(dir, '0002_broken.sql'), 'CREATE TABLE second_table (id INTEGER); SELECT nonsense;');
    await expect(createPostgresStore({ url, migrationsDir: dir })).rejects.toThrow(/nonsense/);
    expect(await columnsOf(url)).toEqual([]);
    expect(
      await query(
        url,
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()',
      ),
    ).toEqual([{ n: 0 }]);
  });
});
