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
  userErrorOf as refusal,
} from './support.ts';

const TEN_MINUTES = 10 * 60_000;
const T0 = 1_767_623_400_000;

const setUp = () => {
  const store = openTestStore();
  const ann = store.users.resolve('discord', '1', 'Ann');
  const annOnTelegram = store.users.resolve('telegram', '2', 'Ann T');
  const stranger = store.users.resolve('telegram', '3', 'Eve');
  return { store, ann, annOnTelegram, stranger };
};

describe('link codes', () => {
  it('look like ABCD-EFGH from the unambiguous alphabet, and only a hash reaches the file', () => {
    const { store, ann } = setUp();
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
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

  it("merge the redeeming user into the code's owner: positions, events, layers, settings, subscriptions", () => {
    const { store, ann, annOnTelegram } = setUp();
    const annStore = store.forUser(ann);
    const kept = annStore.positions.add(newPosition({ note: 'from Discord' }));
    annStore.settings.update({ stopLoss: 3, thresholdMax: 0.25 });
    const telegramStore = store.forUser(annOnTelegram);
    const moved = telegramStore.positions.add(newPosition({ note: 'from Telegram', openedMs: T0 + 1 }));
    telegramStore.positions.addHedgeLayer(moved.id, hedgeLayer(1));
    const movedClosed = telegramStore.positions.add(newPosition({ openedMs: T0 + 2 }));
    telegramStore.positions.close(movedClosed.id, { debit: 1, closedMs: T0 + 3, realizedPl: 2640 });
    telegramStore.settings.update({ stopLoss: 4, exitDte: 2, thresholdMin: 0.18, thresholdMax: 0.3 });
    store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '2',
      userId: annOnTelegram,
      time: '09:45',
      nowMs: T0,
    });
    const eventsBefore = telegramStore.positions.events(moved.id);

    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const result = store.users.redeemLinkCode(annOnTelegram, code.toLowerCase().replace('-', ''), T0 + 60_000);

    expect(result).toEqual({ userId: ann, merged: { positions: 2 } });
    expect(store.users.resolve('discord', '1', 'Ann')).toBe(ann);
    expect(store.users.resolve('telegram', '2', 'Ann T')).toBe(ann);
    expect(
      store.users
        .identities(ann)
        .map((i) => `${i.platform}:${i.platformUserId}`)
        .sort(),
    ).toEqual(['discord:1', 'telegram:2']);
    expect(store.db.prepare('SELECT id FROM users').pluck().all()).not.toContain(annOnTelegram);
    expect(countRows(store, 'positions')).toBe(3);

    const merged = store.forUser(ann).positions;
    expect(merged.list().map((p) => p.id)).toEqual([kept.id, moved.id, movedClosed.id]);
    expect(merged.get(moved.id)!.hedgeLayers).toEqual([hedgeLayer(1)]);
    expect(merged.events(moved.id)).toEqual(eventsBefore);
    expect(merged.get(movedClosed.id)).toMatchObject({ status: 'closed', realizedPl: 2640 });
    // The owner's values win; the other's fill gaps; thresholds travel as a pair (the owner set one).
    expect(store.forUser(ann).settings.get()).toMatchObject({
      stopLoss: 3,
      exitDte: 2,
      thresholdMin: 0.15,
      thresholdMax: 0.25,
    });
    expect(store.forUser(annOnTelegram).positions.list()).toEqual([]);
    expect(store.subscriptions.forChat('telegram', '2').map((s) => s.userId)).toEqual([ann]);
  });

  it('keep one personal subscription per chat when both users had one', () => {
    const { store, ann, annOnTelegram } = setUp();
    const owners = store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '9',
      userId: ann,
      time: '09:45',
      nowMs: T0,
    });
    store.subscriptions.upsert({
      kind: 'personal',
      platform: 'telegram',
      chatId: '9',
      userId: annOnTelegram,
      time: '10:00',
      nowMs: T0,
    });
    store.users.redeemLinkCode(annOnTelegram, store.users.createLinkCode(ann, T0, TEN_MINUTES), T0);
    expect(store.subscriptions.forChat('telegram', '9')).toEqual([owners]);
  });

  it('is single use', () => {
    const { store, ann, annOnTelegram, stranger } = setUp();
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    store.users.redeemLinkCode(annOnTelegram, code, T0 + 1);
    expect(refusal(() => store.users.redeemLinkCode(stranger, code, T0 + 2)).identifier).toBe('link-used');
    expect(store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
  });

  it('expires after its time to live (10 minutes), measured by the nowMs arguments', () => {
    const { store, ann, annOnTelegram } = setUp();
    const late = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const error = refusal(() => store.users.redeemLinkCode(annOnTelegram, late, T0 + TEN_MINUTES));
    expect(error.identifier).toBe('link-expired');
    expect(error.message).toMatch(/10 minutes/);
    const justInTime = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    expect(store.users.redeemLinkCode(annOnTelegram, justInTime, T0 + TEN_MINUTES - 1).userId).toBe(ann);
  });

  it("replaces the owner's older unused code", () => {
    const { store, ann, annOnTelegram } = setUp();
    const older = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const newer = store.users.createLinkCode(ann, T0 + 1, TEN_MINUTES);
    expect(refusal(() => store.users.redeemLinkCode(annOnTelegram, older, T0 + 2)).identifier).toBe('link-unknown');
    expect(store.users.redeemLinkCode(annOnTelegram, newer, T0 + 3).userId).toBe(ann);
  });

  it('accepts the code with or without the dash, in any case, with spaces', () => {
    const { store, ann, annOnTelegram } = setUp();
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const typed = ` ${code.slice(0, 4).toLowerCase()} - ${code.slice(5)} `;
    expect(store.users.redeemLinkCode(annOnTelegram, typed, T0 + 1).userId).toBe(ann);
  });

  it("refuses the owner's own code as link-self, without counting it as a wrong code", () => {
    const { store, ann, annOnTelegram } = setUp();
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    for (let i = 0; i < 6; i++)
      expect(refusal(() => store.users.redeemLinkCode(ann, code, T0 + i)).identifier).toBe('link-self');
    expect(store.users.redeemLinkCode(annOnTelegram, code, T0 + 10).userId).toBe(ann);
  });

  it('refuses unknown text as link-unknown', () => {
    const { store, annOnTelegram } = setUp();
    for (const text of ['ABCD-EFGH', 'short', '', 'ABCD-EFG0']) {
      expect(refusal(() => store.users.redeemLinkCode(annOnTelegram, text, T0)).identifier).toBe('link-unknown');
    }
  });

  it('locks a user out after 5 wrong codes: even the right code is refused, and burnt for everyone', () => {
    const { store, ann, annOnTelegram, stranger } = setUp();
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    const messages = [];
    for (let i = 0; i < 5; i++) {
      const error = refusal(() => store.users.redeemLinkCode(stranger, 'ZZZZ-ZZZZ', T0 + i));
      expect(error.identifier).toBe('link-unknown');
      messages.push(error.message);
    }
    expect(messages[0]).toMatch(/4 tries left/);
    expect(messages[3]).toMatch(/1 try left/);
    const locked = refusal(() => store.users.redeemLinkCode(stranger, code, T0 + 10));
    expect(locked.identifier).toBe('link-locked');
    expect(locked.message).toBe('Too many wrong codes: ask for a new code with /link on the other platform.');
    expect(store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
    // The code a locked-out user found is burnt: not even its rightful user can redeem it.
    expect(refusal(() => store.users.redeemLinkCode(annOnTelegram, code, T0 + 20)).identifier).toBe('link-locked');
    const fresh = store.users.createLinkCode(ann, T0 + 30, TEN_MINUTES);
    expect(store.users.redeemLinkCode(annOnTelegram, fresh, T0 + 40).userId).toBe(ann);
  });

  it('lifts the lock once the wrong codes are older than the window', () => {
    const { store, ann, stranger } = setUp();
    for (let i = 0; i < 5; i++) refusal(() => store.users.redeemLinkCode(stranger, 'ZZZZ-ZZZZ', T0 + i));
    // The lock lasts until the first of the five wrong codes is a full window old.
    const stillLocked = T0 + LINK_FAILURE_WINDOW_MS - 1;
    const code = store.users.createLinkCode(ann, stillLocked, TEN_MINUTES);
    expect(refusal(() => store.users.redeemLinkCode(stranger, code, stillLocked)).identifier).toBe('link-locked');
    const afterWindow = T0 + LINK_FAILURE_WINDOW_MS;
    const next = store.users.createLinkCode(ann, afterWindow, TEN_MINUTES);
    expect(store.users.redeemLinkCode(stranger, next, afterWindow).userId).toBe(ann);
  });

  it('counts wrong codes per redeeming user, not across users', () => {
    const { store, ann, annOnTelegram, stranger } = setUp();
    for (let i = 0; i < 5; i++) refusal(() => store.users.redeemLinkCode(stranger, 'ZZZZ-ZZZZ', T0 + i));
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    expect(store.users.redeemLinkCode(annOnTelegram, code, T0 + 10).userId).toBe(ann);
  });

  it('merges in one transaction: a failure at the end leaves both users and the code as they were', () => {
    const { store, ann, annOnTelegram } = setUp();
    const moved = store.forUser(annOnTelegram).positions.add(newPosition());
    store.forUser(annOnTelegram).settings.update({ exitDte: 4 });
    const code = store.users.createLinkCode(ann, T0, TEN_MINUTES);
    failNext(store, 'users', 'DELETE');
    expect(() => store.users.redeemLinkCode(annOnTelegram, code, T0 + 1)).toThrow(/simulated failure/);
    expect(store.users.resolve('telegram', '2', 'Ann T')).toBe(annOnTelegram);
    expect(store.forUser(annOnTelegram).positions.get(moved.id)).not.toBeNull();
    expect(store.forUser(ann).positions.list()).toEqual([]);
    expect(store.forUser(ann).settings.get().exitDte).toBe(0);
    expect(store.db.prepare('SELECT used_ms FROM link_codes').pluck().get()).toBeNull();
    stopFailing(store, 'users', 'DELETE');
    expect(store.users.redeemLinkCode(annOnTelegram, code, T0 + 2)).toEqual({ userId: ann, merged: { positions: 1 } });
  });
});
