import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINK_CODE_ALPHABET, LINK_FAILURE_WINDOW_MS } from '../../src/store/index.ts';
import {
  countRows,
  failNext,
  hedgeLayer,
  newPosition,
  openTestStore,
  stopFailing,
  userErrorOfAsync as refusalAsync,
  redeemerOf,
} from './support.ts';

const TEN_MINUTES = 10 * 60_000;
const T0 = 1_767_623_400_000;

const setUp = async () => {
  const store = openTestStore();
  const ann = await store.users.resolve('discord', '1', 'Ann');
  const annOnTelegram = await store.users.resolve('telegram', '2', 'Ann T');
  const stranger = await store.users.resolve('telegram', '3', 'Eve');
  return { store, ann, annOnTelegram, stranger };
};

describe('link codes', () => {
  it('look like ABCD-EFGH from the unambiguous alphabet, and only a hash reaches the file', async () => {
    const { store, ann } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    expect(code).toMatch(new RegExp(`^[${LINK_CODE_ALPHABET}]{4}-[${LINK_CODE_ALPHABET}]{4}$`));
    const row = store.db.prepare('SELECT * FROM link_codes').get() as Record<string, unknown>;
    expect(row).toMatchObject({ user_id: ann, created_ms: T0, expires_ms: T0 + TEN_MINUTES, used_ms: null });
    expect(String(row.code_hash)).toMatch(/^[0-9a-f]{64}$/);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = store.db.name;
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(bytes.includes(code.replace('-', ''))).toBe(false);
    expect(bytes.includes(code)).toBe(false);
    expect(path.basename(file)).toBe('test.db');
  });

  it("merge the redeeming user into the code's owner: positions, events, layers, settings, subscriptions", async () => {
    const { store, ann, annOnTelegram } = await setUp();
    const annStore = store.forUser(ann);
    const kept = await annStore.positions.add(newPosition({ note: 'from Discord' }));
    await annStore.settings.update({ stopLoss: 3, thresholdMax: 0.25 });
    const telegramStore = store.forUser(annOnTelegram);
    const moved = await telegramStore.positions.add(newPosition({ note: 'from Telegram', openedMs: T0 + 1 }));
    await telegramStore.positions.addHedgeLayer(moved.id, hedgeLayer(1));
    const movedClosed = await telegramStore.positions.add(newPosition({ openedMs: T0 + 2 }));
    await telegramStore.positions.close(movedClosed.id, { debit: 1, closedMs: T0 + 3, realizedPl: 2640 });
    await telegramStore.settings.update({ stopLoss: 4, exitDte: 2, thresholdMin: 0.18, thresholdMax: 0.3 });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '2',
      userId: annOnTelegram,
      time: '09:45',
      nowMs: T0,
    });
    const eventsBefore = await telegramStore.positions.events(moved.id);

    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const result = await store.users.redeemLinkCode(
      redeemerOf(store, 'telegram', '2'),
      code.toLowerCase().replace('-', ''),
      T0 + 60_000,
    );

    expect(result).toEqual({ userId: ann, merged: { positions: 2 } });
    expect(await store.users.resolve('discord', '1', 'Ann')).toBe(ann);
    expect(await store.users.resolve('telegram', '2', 'Ann T')).toBe(ann);
    expect((await store.users.identities(ann)).map((i) => `${i.platform}:${i.platformUserId}`).sort()).toEqual([
      'discord:1',
      'telegram:2',
    ]);
    expect(store.db.prepare('SELECT id FROM users').pluck().all()).not.toContain(annOnTelegram);
    expect(countRows(store, 'positions')).toBe(3);

    const merged = store.forUser(ann).positions;
    expect((await merged.list()).map((p) => p.id)).toEqual([kept.id, moved.id, movedClosed.id]);
    expect((await merged.get(moved.id))!.hedgeLayers).toEqual([hedgeLayer(1)]);
    expect(await merged.events(moved.id)).toEqual(eventsBefore);
    expect(await merged.get(movedClosed.id)).toMatchObject({ status: 'closed', realizedPl: 2640 });
    // The owner's values win; the other's fill gaps; thresholds travel as a pair (the owner set one).
    expect(await store.forUser(ann).settings.get()).toMatchObject({
      stopLoss: 3,
      exitDte: 2,
      thresholdMin: 0.15,
      thresholdMax: 0.25,
    });
    expect(await store.forUser(annOnTelegram).positions.list()).toEqual([]);
    expect((await store.subscriptions.forChat('telegram', '2')).map((s) => s.userId)).toEqual([ann]);
  });

  it('keep one personal subscription per chat when both users had one', async () => {
    const { store, ann, annOnTelegram } = await setUp();
    const owners = await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '9',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });
    await store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '9',
      userId: annOnTelegram,
      time: '10:00',
      nowMs: T0,
    });
    await store.users.redeemLinkCode(
      redeemerOf(store, 'telegram', '2'),
      await store.users.createLinkCode(ann, T0, TEN_MINUTES),
      T0,
    );
    expect(await store.subscriptions.forChat('telegram', '9')).toEqual([owners]);
  });

  it('is single use', async () => {
    const { store, ann, stranger } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 1);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), code, T0 + 2))).identifier,
    ).toBe('link-used');
    expect(await store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
  });

  it('expires after its time to live (10 minutes), measured by the nowMs arguments', async () => {
    const { store, ann } = await setUp();
    const late = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const error = await refusalAsync(
      store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), late, T0 + TEN_MINUTES),
    );
    expect(error.identifier).toBe('link-expired');
    expect(error.message).toMatch(/10 minutes/);
    const justInTime = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    expect(
      (await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), justInTime, T0 + TEN_MINUTES - 1)).userId,
    ).toBe(ann);
  });

  it("replaces the owner's older unused code", async () => {
    const { store, ann } = await setUp();
    const older = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const newer = await store.users.createLinkCode(ann, T0 + 1, TEN_MINUTES);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), older, T0 + 2))).identifier,
    ).toBe('link-unknown');
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), newer, T0 + 3)).userId).toBe(ann);
  });

  it('accepts the code with or without the dash, in any case, with spaces', async () => {
    const { store, ann } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const typed = ` ${code.slice(0, 4).toLowerCase()} - ${code.slice(5)} `;
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), typed, T0 + 1)).userId).toBe(ann);
  });

  it("refuses the owner's own code as link-self, without counting it as a wrong code", async () => {
    const { store, ann } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    for (let i = 0; i < 6; i++)
      expect(
        (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'discord', '1'), code, T0 + i))).identifier,
      ).toBe('link-self');
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 10)).userId).toBe(ann);
  });

  it('refuses unknown text as link-unknown', async () => {
    const { store } = await setUp();
    for (const text of ['ABCD-EFGH', 'short', '', 'ABCD-EFG0']) {
      expect(
        (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), text, T0))).identifier,
      ).toBe('link-unknown');
    }
  });

  it('locks an identity out after 5 wrong codes: the right code is refused without being looked at, and stays good', async () => {
    const { store, ann, stranger } = await setUp();
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const messages = [];
    for (let i = 0; i < 5; i++) {
      const error = await refusalAsync(
        store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), 'ZZZZ-ZZZZ', T0 + i),
      );
      expect(error.identifier).toBe('link-unknown');
      messages.push(error.message);
    }
    expect(messages[0]).toMatch(/4 tries left/);
    expect(messages[3]).toMatch(/1 try left/);
    const locked = await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), code, T0 + 10));
    expect(locked.identifier).toBe('link-locked');
    // The first wrong code was at T0: the lock lifts at T0 + 10 min, 10 minutes from now (rounded up).
    expect(locked.message).toBe(
      'Too many wrong codes: linking is locked for 10 more minutes, and every code typed until then is refused (even a right one). Then ask for a new code with /link on the other platform.',
    );
    const later = await refusalAsync(
      store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), code, T0 + LINK_FAILURE_WINDOW_MS - 61_000),
    );
    expect(later.message).toMatch(/^Too many wrong codes: linking is locked for 2 more minutes,/);
    expect(await store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
    // Refused before any hashing, so the same answer for a right and a wrong code: nothing learnt.
    expect(countRows(store, 'link_failures_by_identity')).toBe(5);
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 40)).userId).toBe(ann);
  });

  it('charges every attempt before its hash runs: 20 concurrent wrong codes of one identity get 5 checks', async () => {
    const { store } = await setUp();
    const eve = redeemerOf(store, 'telegram', '3');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => refusalAsync(store.users.redeemLinkCode(eve, 'ZZZZ-ZZZZ', T0))),
    );
    const counts = outcomes.reduce<Record<string, number>>((acc, error) => {
      acc[error.identifier] = (acc[error.identifier] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ 'link-unknown': 5, 'link-locked': 15 });
  });

  it('keeps the lockout of an identity across a link, a merge and an unlink', async () => {
    const { store, ann } = await setUp();
    // Mallory has a Discord and a Telegram account; her Telegram identity has guessed 4 times.
    const malloryDiscord = await store.users.resolve('discord', '7', 'Mallory');
    await store.users.resolve('telegram', '8', 'Mallory T');
    for (let i = 0; i < 4; i++)
      await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '8'), 'ZZZZ-ZZZZ', T0 + i));
    // Linking her own accounts merges her Telegram user away, and unlinking makes it a new user.
    const own = await store.users.createLinkCode(malloryDiscord, T0 + 10, TEN_MINUTES);
    await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '8'), own, T0 + 11);
    await store.users.unlink(malloryDiscord, 'telegram', T0 + 12);
    const fifth = await refusalAsync(
      store.users.redeemLinkCode(redeemerOf(store, 'telegram', '8'), 'ZZZZ-ZZZZ', T0 + 13),
    );
    expect(fifth.identifier).toBe('link-unknown');
    expect(fifth.message).not.toMatch(/tries? left/);
    const code = await store.users.createLinkCode(ann, T0 + 20, TEN_MINUTES);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '8'), code, T0 + 21))).identifier,
    ).toBe('link-locked');
  });

  it('refuses to link two accounts of the same platform in one line, and changes nothing', async () => {
    const { store, ann, annOnTelegram } = await setUp();
    const position = await store.forUser(annOnTelegram).positions.add(newPosition());
    // A second Telegram account typing a code of a user who already has Telegram (after a link).
    await store.users.redeemLinkCode(
      redeemerOf(store, 'telegram', '2'),
      await store.users.createLinkCode(ann, T0, TEN_MINUTES),
      T0 + 1,
    );
    const code = await store.users.createLinkCode(ann, T0 + 2, TEN_MINUTES);
    const eve = await store.users.resolve('telegram', '3', 'Eve');
    const evePosition = await store.forUser(eve).positions.add(newPosition({ note: 'Eve' }));
    const refused = await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), code, T0 + 3));
    expect(refused.identifier).toBe('link-same-platform');
    expect(refused.message).not.toContain('\n');
    expect(refused.message).toMatch(/^Both accounts have a telegram identity: .*Nothing was merged\.$/);
    expect(await store.users.resolve('telegram', '3', 'Eve')).toBe(eve);
    expect((await store.forUser(eve).positions.list()).map((p) => p.id)).toEqual([evePosition.id]);
    expect((await store.forUser(ann).positions.list()).map((p) => p.id)).toEqual([position.id]);
    // Not a wrong guess: no try used up, and the code is still good for a Discord-only user.
    expect(countRows(store, 'link_failures_by_identity')).toBe(0);
    // Two Discord accounts directly: refused too.
    const dave = await store.users.resolve('discord', '9', 'Dave');
    const daveCode = await store.users.createLinkCode(dave, T0 + 4, TEN_MINUTES);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'discord', '1'), daveCode, T0 + 5))).identifier,
    ).toBe('link-same-platform');
  });

  it('lifts the lock once the wrong codes are older than the window', async () => {
    const { store, ann } = await setUp();
    for (let i = 0; i < 5; i++)
      await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), 'ZZZZ-ZZZZ', T0 + i));
    // The lock lasts until the first of the five wrong codes is a full window old.
    const stillLocked = T0 + LINK_FAILURE_WINDOW_MS - 1;
    const code = await store.users.createLinkCode(ann, stillLocked, TEN_MINUTES);
    expect(
      (await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), code, stillLocked)))
        .identifier,
    ).toBe('link-locked');
    const afterWindow = T0 + LINK_FAILURE_WINDOW_MS;
    const next = await store.users.createLinkCode(ann, afterWindow, TEN_MINUTES);
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), next, afterWindow)).userId).toBe(ann);
  });

  it('counts wrong codes per redeeming user, not across users', async () => {
    const { store, ann } = await setUp();
    for (let i = 0; i < 5; i++)
      await refusalAsync(store.users.redeemLinkCode(redeemerOf(store, 'telegram', '3'), 'ZZZZ-ZZZZ', T0 + i));
    const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
    expect((await store.users.redeemLinkCode(redeemerOf(store, 'telegram', '2'), code, T0 + 10)).userId).toBe(ann);
  });

  it('merges in one transaction: a failure at the end leaves both users and the code as they were', async () => {
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
