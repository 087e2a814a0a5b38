import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import {
  newPosition,
  openTestStore,
  redeemerOf,
  tempDbPath,
  userErrorOf as refusal,
  userErrorOfAsync as refusalAsync,
} from './support.ts';

const T0 = 1_767_623_400_000;

describe('user directory', () => {
  it('creates a user on first sight, finds it afterwards and keeps the display name current', async () => {
    let now = T0;
    const store = openTestStore({ clock: { now: () => now } });
    const ann = await store.users.resolve('discord', '1', 'Ann');
    now += 1000;
    expect(await store.users.resolve('discord', '1', 'Ann B.')).toBe(ann);
    expect(await store.users.identities(ann)).toEqual([
      { platform: 'discord', platformUserId: '1', displayName: 'Ann B.', linkedMs: T0 },
    ]);
    expect(store.db.prepare('SELECT created_ms FROM users WHERE id = ?').pluck().get(ann)).toBe(T0);
  });

  it('keeps the same platform user id on different platforms apart', async () => {
    const store = openTestStore();
    expect(await store.users.resolve('discord', '42', 'A')).not.toBe(await store.users.resolve('telegram', '42', 'B'));
    expect(store.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(2);
  });

  it('gives two connections to one file the same user for one identity', async () => {
    const path = tempDbPath();
    const first = createStore({ path });
    const second = createStore({ path });
    try {
      const a = await first.users.resolve('telegram', '5', 'Cy');
      const b = await second.users.resolve('telegram', '5', 'Cy');
      expect(b).toBe(a);
      expect(first.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("unlink splits a platform's identity into a new, empty user; positions stay", async () => {
    const store = openTestStore();
    const ann = await store.users.resolve('discord', '1', 'Ann');
    await store.users.resolve('telegram', '2', 'Ann T');
    await store.users.redeemLinkCode(
      redeemerOf(store, 'telegram', '2'),
      await store.users.createLinkCode(ann, T0, 600_000),
      T0,
    );
    const { id } = await store.forUser(ann).positions.add(newPosition());
    await store.forUser(ann).settings.update({ stopLoss: 3 });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '2',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'discord',
      chatId: 'dm1',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });

    await store.users.unlink(ann, 'telegram', T0 + 5);

    const split = await store.users.resolve('telegram', '2', 'Ann T');
    expect(split).not.toBe(ann);
    expect(await store.users.resolve('discord', '1', 'Ann')).toBe(ann);
    expect(await store.users.identities(split)).toEqual([
      { platform: 'telegram', platformUserId: '2', displayName: 'Ann T', linkedMs: T0 + 5 },
    ]);
    expect(await store.forUser(split).positions.list()).toEqual([]);
    expect((await store.forUser(split).settings.get()).stopLoss).toBe(2);
    expect(await store.forUser(ann).positions.get(id)).not.toBeNull();
    expect((await store.forUser(ann).settings.get()).stopLoss).toBe(3);
    // The Telegram chat no longer receives Ann's positions.
    expect((await store.subscriptions.forChat('telegram', '2')).map((s) => s.userId)).toEqual([split]);
    expect((await store.subscriptions.forChat('discord', 'dm1')).map((s) => s.userId)).toEqual([ann]);
  });

  it('unlink refuses the last identity and a platform that is not linked', async () => {
    const store = openTestStore();
    const ann = await store.users.resolve('discord', '1', 'Ann');
    expect((await refusal(() => store.users.unlink(ann, 'discord', T0))).identifier).toBe('unlink-last');
    expect((await refusal(() => store.users.unlink(ann, 'telegram', T0))).identifier).toBe('unlink-not-linked');
    expect(await store.users.resolve('discord', '1', 'Ann')).toBe(ann);
  });

  it('unlink drops a pending link code, so the split cannot be undone by an old code', async () => {
    const store = openTestStore();
    const ann = await store.users.resolve('discord', '1', 'Ann');
    await store.users.resolve('telegram', '2', 'Ann T');
    await store.users.redeemLinkCode(
      redeemerOf(store, 'telegram', '2'),
      await store.users.createLinkCode(ann, T0, 600_000),
      T0,
    );
    const pending = await store.users.createLinkCode(ann, T0 + 1, 600_000);
    await store.users.unlink(ann, 'telegram', T0 + 2);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), pending, T0 + 3))).identifier,
    ).toBe('link-unknown');
  });
});
