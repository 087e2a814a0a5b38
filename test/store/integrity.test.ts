// Storage integrity: a damaged file, a newer schema, a backup onto the live file and an in-memory
// DATABASE_PATH are refused with one line, and nothing in the file changes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.ts';
import {
  backupDatabase,
  BackupRefusedError,
  DatabaseDamagedError,
  DatabaseTooNewError,
  openDatabase,
} from '../../src/store/index.ts';
import { tempDbPath, tempDir } from './support.ts';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A database with a few hundred rows, closed (checkpointed), then one b-tree page overwritten. */
function damagedDatabase(): string {
  const file = tempDbPath();
  const db = openDatabase(file);
  const insert = db.prepare('INSERT INTO users (id, created_ms) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`u_${String(i).padStart(40, '0')}`, i);
  })();
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();
  // A page near the end belongs to the users b-tree (the last table written); garbage in its middle.
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize / 2, 0xa5), 0, pageSize / 2, (pages - 2) * pageSize + 64);
  fs.closeSync(fd);
  return file;
}

describe('storage integrity', () => {
  it('a database with a corrupted page is refused at open, in one line saying how to restore, not written to', () => {
    const file = damagedDatabase();
    const before = sha(file);
    let error: unknown;
    try {
      openDatabase(file).close();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DatabaseDamagedError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/is damaged \(.+\): refusing to run on it; .*backup.* Nothing was changed\.$/);
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('a file that is not a database at all is refused the same way', () => {
    const file = path.join(tempDir(), 'junk.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    expect(() => openDatabase(file)).toThrow(DatabaseDamagedError);
    expect(fs.readFileSync(file).every((byte) => byte === 0x41)).toBe(true);
  });

  it('a newer-schema database is refused before anything changes: still in rollback-journal mode, bytes equal', () => {
    const file = tempDbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE future (x)');
    raw.pragma('user_version = 999');
    raw.close();
    const before = sha(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(sha(file)).toBe(before);
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('backup onto the live file (by another path too) is refused; onto another file it works', async () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    try {
      db.prepare('INSERT INTO users (id, created_ms) VALUES (?, ?)').run('u1', 1);
      const roundabout = path.join(path.dirname(file), '..', 'data', '.', path.basename(file));
      const link = path.join(tempDir(), 'link.db');
      fs.symlinkSync(file, link);
      for (const target of [file, roundabout, link, `${file}-wal`, ':memory:']) {
        await expect(backupDatabase(db, target), target).rejects.toThrow(BackupRefusedError);
      }
      expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
      const copy = path.join(tempDir(), 'backups', 'copy.db');
      fs.mkdirSync(path.dirname(copy));
      await backupDatabase(db, copy);
      const restored = new BetterSqlite3(copy, { readonly: true });
      expect(restored.prepare('SELECT id FROM users').pluck().all()).toEqual(['u1']);
      restored.close();
    } finally {
      db.close();
    }
  });

  it('DATABASE_PATH=:memory: is refused by the configuration in one line', () => {
    for (const value of [':memory:', 'file::memory:?cache=shared']) {
      const result = createConfig({ DATABASE_PATH: value, MARKET_DATA: 'demo' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(JSON.stringify(result)).toMatch(/DATABASE_PATH.*must be a file/);
    }
  });
});
