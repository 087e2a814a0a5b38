// DATABASE_URL on the command line (issue 17): the URL is checked without being echoed, its
// password never reaches a log line, `backup` explains pg_dump and does nothing, and
// `migrate-store --to` copies a real SQLite database into a real PostgreSQL one, verified by counts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfig, secretsOf } from '../../src/config.ts';
import { createLogger } from '../../src/logging.ts';
import { createStore } from '../../src/store/index.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import { runMain, tempDir } from '../support/app.ts';
import { describePostgres } from '../support/postgres.ts';
import { hedgeLayer, newPosition } from '../store/support.ts';

const PASSWORD = 'Pg-pass/word%with:odd@chars';
const URL_WITH_PASSWORD = `postgres://condor:${encodeURIComponent(PASSWORD)}@db.example:5432/condor`;
const CHILD = { timeout: 120_000 };
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('DATABASE_URL', () => {
  it('accepts postgres:// and postgresql://, and refuses anything else in one line without echoing it', () => {
    for (const url of [URL_WITH_PASSWORD, 'postgresql://localhost/condor']) {
      const result = createConfig({ DATABASE_URL: url });
      expect(result.ok && result.config.DATABASE_URL).toBe(url);
    }
    const unset = createConfig({});
    expect(unset.ok && unset.config.DATABASE_URL).toBeUndefined();
    for (const bad of ['mysql://condor:Secret-Pass-123@db/condor', 'postgres://', 'db.example:5432']) {
      const result = createConfig({ DATABASE_URL: bad });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.variable).toBe('DATABASE_URL');
      expect(result.error).toMatch(/^DATABASE_URL must be a PostgreSQL URL, e\.g\. postgres:\/\/condor:PASSWORD@/);
      expect(result.error).not.toContain('Secret-Pass-123');
    }
  });

  it('keeps the password out of every log line, as written in the URL, decoded, or the URL itself', () => {
    const result = createConfig({ DATABASE_URL: URL_WITH_PASSWORD });
    if (!result.ok) throw new Error(result.error);
    const written: string[] = [];
    const logger = createLogger({
      level: 'info',
      secrets: secretsOf(result.config),
      write: (line) => written.push(line),
    });
    logger.error({ url: URL_WITH_PASSWORD, config: result.config }, `connect failed for ${URL_WITH_PASSWORD}`);
    logger.warn({ detail: `password "${PASSWORD}" rejected` }, 'auth');
    logger.warn({ encoded: encodeURIComponent(PASSWORD) }, 'encoded');
    const all = written.join('');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(encodeURIComponent(PASSWORD));
    expect(all).toContain('[redacted]');
  });

  it('makes `backup` explain pg_dump in one line, exit 2 and write nothing', CHILD, async () => {
    const dir = tempDir('condor-pg-cli-');
    const target = path.join(dir, 'backup.db');
    const result = await runMain(['backup', target], {
      env: { DATABASE_PATH: path.join(dir, 'condor.db'), DATABASE_URL: URL_WITH_PASSWORD, MARKET_DATA: 'demo' },
    });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'backup copies the SQLite file; with DATABASE_URL set, back up PostgreSQL with pg_dump: ' +
        'pg_dump --format=custom "$DATABASE_URL" > condor.dump',
    ]);
    expect(result.stdout).toBe('');
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'condor.db'))).toBe(false);
  });
});

describePostgres('migrate-store on a real PostgreSQL server', ({ freshUrl }) => {
  /** A SQLite database with a row in every table. */
  const sqliteWithData = async () => {
    const file = path.join(tempDir('condor-migrate-'), 'condor.db');
    const store = createStore({ path: file, clock: { now: () => 1_767_623_400_000 } });
    const ann = await store.users.resolve('discord', '1', 'Ann');
    await store.users.resolve('telegram', '2', 'Bo');
    const positions = store.forUser(ann).positions;
    const open = await positions.add(newPosition({ openedMs: 1000 }));
    await positions.addHedgeLayer(open.id, hedgeLayer(1));
    const closed = await positions.add(newPosition({ openedMs: 2000, note: null }));
    await positions.close(closed.id, { debit: 3.1, closedMs: 3000, realizedPl: 2220 });
    await store.forUser(ann).settings.update({ stopLoss: 3, policy: 'delta' });
    const sub = await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'discord',
      chatId: 'dm1',
      userId: ann,
      time: '09:45',
      nowMs: 1,
    });
    await store.subscriptions.upsert({
      kind: 'channel',
      platform: 'telegram',
      chatId: '-100',
      userId: null,
      time: '10:00',
      nowMs: 1,
    });
    const ledger = store.ledger('host:1:abc');
    await ledger.ensure(sub.id, '2026-11-23', 'morning');
    await ledger.claim(sub.id, '2026-11-23', 'morning', 5);
    await ledger.markSent({ subscriptionId: sub.id, tradingDay: '2026-11-23', kind: 'morning' }, 'm1', 6);
    await ledger.claimDiscussion({ platform: 'discord', chatId: 'c', positionId: open.id, layer: 1 }, '2026-11-23', 7);
    await store.quotes.put({
      symbol: 'SPX',
      value: 5987.123456789012,
      asOfMs: 1,
      fetchedMs: 2,
      source: 'cboe',
      extra: { previousClose: 5950 },
    });
    await store.polls.remember({
      platform: 'telegram',
      pollId: 'p1',
      chatId: '-100',
      messageId: '9',
      adoptOption: 0,
      adopt: { command: 'hedge adopt', options: { id: open.id } },
      createdMs: 1,
      expiresMs: 9e12,
    });
    const expected = { ann, positions: await positions.list(), settings: await store.forUser(ann).settings.get() };
    const salt = store.db.prepare("SELECT value FROM store_meta WHERE key = 'link_code_salt'").pluck().get();
    await store.close();
    return { file, expected, salt };
  };

  it('copies every table in one transaction, prints verified counts, then refuses a second copy', CHILD, async () => {
    const { file, expected, salt } = await sqliteWithData();
    const url = await freshUrl();
    const result = await runMain(['migrate-store', '--to', url], { env: { DATABASE_PATH: file, MARKET_DATA: 'demo' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    const count = (table: string) =>
      Number(
        out
          .find((line) => line.startsWith(`${table} `))
          ?.trim()
          .split(/\s+/)[1],
      );
    expect([count('users'), count('identities'), count('positions'), count('position_events')]).toEqual([2, 2, 2, 4]);
    expect([count('hedge_layers'), count('settings'), count('subscriptions'), count('deliveries')]).toEqual([
      1, 2, 2, 1,
    ]);
    expect([count('hedge_discussions'), count('hedge_polls'), count('quotes'), count('store_meta')]).toEqual([
      1, 1, 1, 1,
    ]);
    expect(out.at(-1)).toMatch(
      /^Copied .*condor\.db into 127\.0\.0\.1:\d+\/\w+: 20 rows in 14 tables, every count verified\./,
    );

    const pg = await createPostgresStore({ url });
    try {
      expect(await pg.users.resolve('discord', '1', 'Ann')).toBe(expected.ann);
      expect(await pg.forUser(expected.ann).positions.list()).toEqual(expected.positions);
      expect(await pg.forUser(expected.ann).settings.get()).toEqual(expected.settings);
      expect((await pg.pool.query("SELECT value FROM store_meta WHERE key = 'link_code_salt'")).rows[0].value).toBe(
        salt,
      );
      expect(await pg.ledger('x').counts('2026-11-23')).toEqual({
        pending: 0,
        sending: 0,
        sent: 1,
        failed: 0,
        skipped: 0,
      });
      // The id sequences continue after the copied ids.
      const next = await pg.subscriptions.upsert({
        kind: 'channel',
        platform: 'discord',
        chatId: 'new',
        userId: null,
        time: '09:45',
        nowMs: 1,
      });
      expect(next.id).toBe(3);
    } finally {
      await pg.close();
    }

    const again = await runMain(['migrate-store', '--to', url], { env: { DATABASE_PATH: file, MARKET_DATA: 'demo' } });
    expect(again.code).toBe(2);
    expect(lines(again.stderr)).toHaveLength(1);
    expect(again.stderr).toMatch(
      /^migrate-store refused: 127\.0\.0\.1:\d+\/\w+ already has data \(users: 2, .*\); point --to at an empty database\. Nothing was copied\.\n$/,
    );
  });

  it('serves commands from PostgreSQL when DATABASE_URL is set, and leaves no SQLite file', CHILD, async () => {
    const dir = tempDir('condor-pg-run-');
    const url = await freshUrl();
    const env = { DATABASE_PATH: path.join(dir, 'condor.db'), DATABASE_URL: url, MARKET_DATA: 'demo' };
    const set = await runMain(['run', '/settings stop_loss=3', '--user', 'ann'], { env });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const pg = await createPostgresStore({ url });
    try {
      const ann = await pg.users.resolve('console', 'ann', 'ann');
      expect((await pg.forUser(ann).settings.get()).stopLoss).toBe(3);
      expect(Number((await pg.pool.query('SELECT count(*) AS n FROM users')).rows[0].n)).toBe(1);
    } finally {
      await pg.close();
    }
    expect(fs.existsSync(env.DATABASE_PATH)).toBe(false);
  });

  it('refuses a target that is not a PostgreSQL URL, or a missing SQLite file, in one line', CHILD, async () => {
    const dir = tempDir('condor-migrate-');
    const bad = await runMain(['migrate-store', '--to', 'mysql://x@y/z'], {
      env: { DATABASE_PATH: path.join(dir, 'a.db') },
    });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([
      '--to must be a PostgreSQL URL (postgres://… or postgresql://…), ' +
        'e.g. migrate-store --to postgres://condor:PASSWORD@db.example:5432/condor',
    ]);
    const missing = await runMain(['migrate-store', '--to', await freshUrl()], {
      env: { DATABASE_PATH: path.join(dir, 'none.db') },
    });
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([
      `No SQLite database at ${path.join(dir, 'none.db')} (DATABASE_PATH): nothing to copy.`,
    ]);
  });
});
