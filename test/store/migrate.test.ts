import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseTooNewError, MIGRATIONS_DIR, migrate, openDatabase, readMigrations } from '../../src/store/index.ts';
import { tempDbPath, tempDir } from './support.ts';

const TABLES = [
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
  'quotes',
  'store_meta',
];

// Shipped migrations and their sha256: databases in the field ran exactly these bytes. A new
// migration adds a line here when it ships; an edited one fails this test (add 0002_... instead).
const SHIPPED: Record<string, string> = {
  '0001_initial.sql': '9293846001199956eda9a7d87c9199a4507456961508812aa6d830309adec1c4',
  '0002_link_failures_per_identity.sql': '400a1cb4d74f55c9d6daa1de01b2f58e5ddf1a824922b5dbdcd91a2d15b562cc',
  '0003_hedge_polls.sql': 'd1b2b7efe52fbe2bde34e3ca778073b7e98a0de81e6875a0969b9d38095d3a0e',
};

const tablesOf = (db: BetterSqlite3.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

function writeMigrations(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('bring an empty file to the latest version with every table, in WAL with foreign keys on', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    try {
      expect(fs.existsSync(file)).toBe(true);
      expect(db.pragma('user_version', { simple: true })).toBe(readMigrations().length);
      expect(tablesOf(db)).toEqual(expect.arrayContaining(TABLES));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    } finally {
      db.close();
    }
  });

  it('apply nothing the second time and keep the data', () => {
    const file = tempDbPath();
    const first = openDatabase(file);
    first.prepare('INSERT INTO users (id, created_ms) VALUES (?, ?)').run('u1', 1);
    first.close();
    const second = openDatabase(file);
    try {
      const result = migrate(second);
      expect(result.applied).toEqual([]);
      expect(result.from).toBe(result.to);
      expect(second.prepare('SELECT id FROM users').pluck().all()).toEqual(['u1']);
    } finally {
      second.close();
    }
  });

  it('refuse a database newer than the code, and leave it untouched', () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/schema version 99, newer than this code knows/);
    const after = new BetterSqlite3(file);
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    expect(tablesOf(after)).toEqual([]);
    after.close();
  });

  it('apply files in number order, each in its own transaction: a failing one leaves no trace', () => {
    const dir = writeMigrations({
      '0002_second.sql': 'CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));',
      '0001_first.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY);',
      '0003_broken.sql': 'CREATE TABLE c (id INTEGER); INSERT INTO nowhere VALUES (1);',
    });
    const file = tempDbPath();
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(/nowhere/);
    const db = new BetterSqlite3(file);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(tablesOf(db)).toEqual(['a', 'b']);
    db.close();
  });

  it('refuse gaps and badly named files', () => {
    expect(() => readMigrations(writeMigrations({ '0001_a.sql': '', '0003_c.sql': '' }))).toThrow(/without gaps/);
    expect(() => readMigrations(writeMigrations({ '1_a.sql': '' }))).toThrow(/NNNN_name\.sql/);
  });

  it('ship only well-named files and a README that says a shipped migration is never edited', () => {
    const names = fs.readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/);
    expect(fs.readFileSync(path.join(MIGRATIONS_DIR, 'README.md'), 'utf8')).toMatch(
      /shipped migration is never edited/i,
    );
  });

  it('leave shipped migrations byte for byte as they shipped', () => {
    for (const [name, sha256] of Object.entries(SHIPPED)) {
      const text = fs.readFileSync(path.join(MIGRATIONS_DIR, name));
      expect(createHash('sha256').update(text).digest('hex'), `${name} was edited after shipping`).toBe(sha256);
    }
  });

  it('open an in-memory database too, migrated', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(readMigrations().length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('give every fresh database its own link-code salt', () => {
    const salts = [tempDbPath(), tempDbPath()].map((file) => {
      const db = openDatabase(file);
      const salt = db.prepare("SELECT value FROM store_meta WHERE key = 'link_code_salt'").pluck().get();
      db.close();
      return salt;
    });
    expect(salts[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(salts[0]).not.toBe(salts[1]);
  });
  it('0002 carries the wrong /link codes of each user over to every identity of that user', () => {
    const onlyFirst = writeMigrations({
      '0001_initial.sql': fs.readFileSync(path.join(MIGRATIONS_DIR, '0001_initial.sql'), 'utf8'),
    });
    const file = tempDbPath();
    const old = openDatabase(file, { migrationsDir: onlyFirst });
    old.exec(`INSERT INTO users (id, created_ms) VALUES ('u1', 1), ('u2', 1);
      INSERT INTO identities (platform, platform_user_id, user_id, display_name, linked_ms)
        VALUES ('discord', 'd1', 'u1', 'Ann', 1), ('telegram', 't1', 'u1', 'Ann', 1), ('telegram', 't2', 'u2', 'Bo', 1);
      INSERT INTO link_failures (user_id, at_ms) VALUES ('u1', 100), ('u1', 200), ('u2', 300);`);
    old.close();
    const db = openDatabase(file);
    try {
      expect(tablesOf(db)).not.toContain('link_failures');
      const rows = db
        .prepare('SELECT platform, platform_user_id, at_ms FROM link_failures_by_identity ORDER BY 1, 2, 3')
        .raw()
        .all();
      expect(rows).toEqual([
        ['discord', 'd1', 100],
        ['discord', 'd1', 200],
        ['telegram', 't1', 100],
        ['telegram', 't1', 200],
        ['telegram', 't2', 300],
      ]);
    } finally {
      db.close();
    }
  });
});
