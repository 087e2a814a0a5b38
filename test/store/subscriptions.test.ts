import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/app/errors.ts';
import { REMOVED_REASON } from '../../src/store/index.ts';
import { countRows, openTestStore } from './support.ts';

const T0 = 1_767_623_400_000;
const channel = { kind: 'channel' as const, platform: 'discord' as const, chatId: 'chan-1', userId: null };

describe('subscriptions', () => {
  it('upsert creates once and then updates the time, keeping the id', async () => {
    const store = openTestStore({ clock: { now: () => T0 + 99 } });
    const created = await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 });
    expect(created).toEqual({
      id: created.id,
      ...channel,
      time: '09:45',
      active: true,
      deactivatedReason: null,
      createdMs: T0,
    });
    const updated = await store.subscriptions.upsert({ ...channel, time: '10:15', nowMs: T0 + 1 });
    expect(updated).toEqual({ ...created, time: '10:15' });
    expect(await store.subscriptions.forChat('discord', 'chan-1')).toEqual([updated]);
  });

  it('do not fall into the NULL-unique pitfall: a channel is subscribed once however often it is upserted', async () => {
    const store = openTestStore();
    for (let i = 0; i < 3; i++) await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 + i });
    expect(countRows(store, 'subscriptions')).toBe(1);
    // Also at the SQL level, for any writer that bypasses the repository.
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO subscriptions (kind, platform, chat_id, user_id, time, created_ms)
      VALUES ('channel', 'discord', 'chan-1', NULL, '09:45', 0)`,
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed/);
  });

  it('a channel subscription belongs to the chat, not to the admin who made it', async () => {
    const store = openTestStore();
    const admin = await store.users.resolve('discord', '1', 'Ann');
    const first = await store.subscriptions.upsert({ ...channel, userId: admin, time: '09:45', nowMs: T0 });
    expect(first.userId).toBeNull();
    const other = await store.users.resolve('discord', '2', 'Bo');
    expect((await store.subscriptions.upsert({ ...channel, userId: other, time: '09:50', nowMs: T0 })).id).toBe(
      first.id,
    );
  });

  it('keep personal subscriptions of different users in one chat apart, and beside the channel one', async () => {
    const store = openTestStore();
    const ann = await store.users.resolve('telegram', '1', 'Ann');
    const bo = await store.users.resolve('telegram', '2', 'Bo');
    await store.subscriptions.upsert({
      kind: 'channel',
      platform: 'telegram',
      chatId: 'g',
      userId: null,
      time: '09:45',
      nowMs: T0,
    });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: 'g',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: 'g',
      userId: bo,
      time: '09:45',
      nowMs: T0,
    });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: 'g',
      userId: bo,
      time: '11:00',
      nowMs: T0,
    });
    expect((await store.subscriptions.forChat('telegram', 'g')).map((s) => [s.kind, s.userId, s.time])).toEqual([
      ['channel', null, '09:45'],
      ['personal', ann, '09:45'],
      ['personal', bo, '11:00'],
    ]);
    expect(await store.subscriptions.forChat('discord', 'g')).toEqual([]);
  });

  it('remove deactivates; active() leaves it out; a new upsert brings the same row back', async () => {
    const store = openTestStore({ clock: { now: () => T0 + 5 } });
    const created = await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 });
    expect(await store.subscriptions.remove(channel)).toBe(true);
    expect(await store.subscriptions.remove(channel)).toBe(false);
    expect(await store.subscriptions.remove({ ...channel, chatId: 'nowhere' })).toBe(false);
    expect(await store.subscriptions.active()).toEqual([]);
    expect(await store.subscriptions.forChat('discord', 'chan-1')).toEqual([
      { ...created, active: false, deactivatedReason: REMOVED_REASON },
    ]);
    expect(store.db.prepare('SELECT deactivated_ms FROM subscriptions').pluck().get()).toBe(T0 + 5);
    expect(await store.subscriptions.upsert({ ...channel, time: '09:30', nowMs: T0 + 9 })).toEqual({
      ...created,
      time: '09:30',
    });
    expect((await store.subscriptions.active()).map((s) => s.id)).toEqual([created.id]);
  });

  it('deactivate records the reason (a chat that blocked the bot) and active() lists only the rest', async () => {
    const store = openTestStore();
    const ann = await store.users.resolve('telegram', '1', 'Ann');
    const blocked = await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '1',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });
    const kept = await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 });
    await store.subscriptions.deactivate(blocked.id, 'bot blocked by the user', T0 + 1);
    expect(await store.subscriptions.active()).toEqual([kept]);
    expect((await store.subscriptions.forChat('telegram', '1'))[0]).toMatchObject({
      active: false,
      deactivatedReason: 'bot blocked by the user',
    });
  });

  it('refuse a malformed time with one line', async () => {
    const store = openTestStore();
    for (const time of ['9:45', '24:00', '09:60', 'soon']) {
      await expect(store.subscriptions.upsert({ ...channel, time, nowMs: T0 })).rejects.toThrow(UserError);
    }
    expect(countRows(store, 'subscriptions')).toBe(0);
  });
});
