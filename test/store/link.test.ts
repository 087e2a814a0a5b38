// Link codes on SQLite only: what the store contract (test/store/contract/link.ts, run on both
// engines) cannot show through the ports: the file's bytes, and a failure injected by a trigger in
// the middle of the merge's transaction.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failNext, newPosition, openTestStore, redeemerOf, stopFailing, T0, TEN_MINUTES } from './support.ts';

const setUp = async () => {
  const store = openTestStore();
  const ann = await store.users.resolve('discord', '1', 'Ann');
  const annOnTelegram = await store.users.resolve('telegram', '2', 'Ann T');
  return { store, ann, annOnTelegram };
};

describe('link codes on SQLite', () => {
  it('never reach the database file or its WAL, with or without the dash: only their hash', async () => {
    const { store, ann } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = store.db.name;
    expect(path.basename(file)).toBe('test.db');
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(code.replace('-', ''))).toBe(false);
    expect(bytes.includes(code)).toBe(false);
  });

  it('merge in one transaction: a failure at the end leaves both users and the code as they were', async () => {
    const { store, ann, annOnTelegram } = await setUp();
    const moved = await store.forUser(annOnTelegram).positions.add(newPosition());
    await store.forUser(annOnTelegram).settings.update({ exitDte: 4 });
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    failNext(store, 'users', 'DELETE');
    await expect(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 1)).rejects.toThrow(
      /simulated failure/,
    );
    expect(await store.users.resolve('telegram', '2', 'Ann T')).toBe(annOnTelegram);
    expect(await store.forUser(annOnTelegram).positions.get(moved.id)).not.toBeNull();
    expect(await store.forUser(ann).positions.list()).toEqual([]);
    expect((await store.forUser(ann).settings.get()).exitDte).toBe(0);
    expect(store.db.prepare('SELECT used_ms FROM link_codes').pluck().get()).toBeNull();
    stopFailing(store, 'users', 'DELETE');
    expect(await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 2)).toEqual({
      userId: ann,
      merged: { positions: 1 },
    });
  });
});
