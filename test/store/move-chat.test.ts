// A Telegram group upgraded to a supergroup gets a new chat id; its subscription follows it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const open = () => createStore({ path: join(makeTempDir('condor-move-'), 'db.sqlite'), clock: { now: () => 1_000 } });

describe('subscriptions.moveChat', () => {
  it('moves a subscription to the new chat id, keeping its id and time', async () => {
    const store = open();
    const sub = await store.subscriptions.upsert({
      kind: 'channel',
      platform: 'telegram',
      chatId: '-100',
      userId: null,
      time: '09:45',
      nowMs: 1,
    });
    await store.subscriptions.moveChat(sub.id, '-1001234', 2);
    expect(await store.subscriptions.forChat('telegram', '-100')).toEqual([]);
    const moved = await store.subscriptions.forChat('telegram', '-1001234');
    expect(moved.map((s) => [s.id, s.time, s.active])).toEqual([[sub.id, '09:45', true]]);
    await store.close();
  });

  it('retires the old subscription when the new chat is already subscribed', async () => {
    const store = open();
    const old = await store.subscriptions.upsert({
      kind: 'channel',
      platform: 'telegram',
      chatId: '-100',
      userId: null,
      time: '09:45',
      nowMs: 1,
    });
    const existing = await store.subscriptions.upsert({
      kind: 'channel',
      platform: 'telegram',
      chatId: '-1001234',
      userId: null,
      time: '10:00',
      nowMs: 1,
    });
    await store.subscriptions.moveChat(old.id, '-1001234', 2);
    expect((await store.subscriptions.active()).map((s) => s.id)).toEqual([existing.id]);
    expect((await store.subscriptions.forChat('telegram', '-100'))[0]?.deactivatedReason).toMatch(
      /moved to chat -1001234/,
    );
    await store.close();
  });
});
