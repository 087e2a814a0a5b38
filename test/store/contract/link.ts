// The link-code part of the store contract (contract.ts calls it for each engine): codes, merging
// two users, the lockout against guessing, unlinking. What only SQLite can show (the code's bytes
// in the file, a failure injected inside the merge's transaction) stays in test/store/link.test.ts.
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../../src/app/errors.ts';
import type { LinkRedeemer, Platform, Store } from '../../../src/app/ports.ts';
import { DEFAULT_SETTINGS } from '../../../src/engine/index.ts';
import { LINK_CODE_ALPHABET, LINK_FAILURE_WINDOW_MS } from '../../../src/store/index.ts';
import { hedgeLayer, newPosition, T0, TEN_MINUTES, userErrorOf as refused } from '../support.ts';
import type { ContractDatabase, OpenOptions } from './contract.ts';

export interface ContractStores {
  /** A new, empty database whose stores are closed after the test. */
  database(): Promise<ContractDatabase>;
  /** A new database and one store on it. */
  openStore(options?: OpenOptions): Promise<{ db: ContractDatabase; store: Store }>;
}

const redeemerOf = async (store: Store, platform: Platform, platformUserId: string): Promise<LinkRedeemer> => ({
  userId: await store.users.resolve(platform, platformUserId, platformUserId),
  platform,
  platformUserId,
});

export function describeLinkContract(name: string, { database, openStore }: ContractStores): void {
  describe(`${name}: link codes`, () => {
    const setUp = async () => {
      const { db, store } = await openStore();
      const ann = await store.users.resolve('discord', '1', 'Ann');
      const annOnTelegram = await store.users.resolve('telegram', '2', 'Ann T');
      const stranger = await store.users.resolve('telegram', '3', 'Eve');
      return { db, store, ann, annOnTelegram, stranger };
    };
    it('look like ABCD-EFGH from the unambiguous alphabet, and only a hash is stored', async () => {
      const { db, store, ann } = await setUp();
      const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      expect(code).toMatch(new RegExp(`^[${LINK_CODE_ALPHABET}]{4}-[${LINK_CODE_ALPHABET}]{4}$`));
      const row = await db.row('SELECT * FROM link_codes');
      expect(row).toMatchObject({ user_id: ann, created_ms: T0, expires_ms: T0 + TEN_MINUTES, used_ms: null });
      expect(String(row!.code_hash)).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(code.replace('-', ''));
      expect(JSON.stringify(row)).not.toContain(code);
    });

    it('merge the redeeming user into the owner: positions, events, layers, settings, subscriptions', async () => {
      const { db, store, ann, annOnTelegram } = await setUp();
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
        await redeemerOf(store, 'telegram', '2'),
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
      expect(await db.row('SELECT count(*) AS n FROM users WHERE id = $1', annOnTelegram)).toEqual({ n: 0 });
      expect(await db.count('positions')).toBe(3);
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

    it("keep one personal subscription per chat when both users had one: the owner's", async () => {
      const { store, ann, annOnTelegram } = await setUp();
      const personal = { kind: 'personal' as const, platform: 'telegram' as const, chatId: '9', nowMs: T0 };
      const owners = await store.subscriptions.upsert({ ...personal, userId: ann, time: '09:45' });
      await store.subscriptions.upsert({ ...personal, userId: annOnTelegram, time: '10:00' });
      await store.users.redeemLinkCode(
        await redeemerOf(store, 'telegram', '2'),
        await store.users.createLinkCode(ann, T0, TEN_MINUTES),
        T0,
      );
      expect(await store.subscriptions.forChat('telegram', '9')).toEqual([owners]);
    });

    it('is single use, expires after its time to live, and a newer code replaces the older', async () => {
      const { store, ann, stranger } = await setUp();
      const older = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      const expired = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), code, T0 + TEN_MINUTES),
      );
      expect(expired.identifier).toBe('link-expired');
      expect(expired.message).toMatch(/10 minutes/);
      const unknown = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), older, T0 + 1),
      );
      expect(unknown.identifier).toBe('link-unknown');
      expect(
        (await store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), code, T0 + TEN_MINUTES - 1)).userId,
      ).toBe(ann);
      const used = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '3'), code, T0 + 2),
      );
      expect(used.identifier).toBe('link-used');
      expect(await store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
    });

    it('accepts the code with or without the dash, in any case, with spaces', async () => {
      const { store, ann } = await setUp();
      const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      const typed = ` ${code.slice(0, 4).toLowerCase()} - ${code.slice(5)} `;
      expect((await store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), typed, T0 + 1)).userId).toBe(
        ann,
      );
    });

    it('refuses text that is no code as link-unknown', async () => {
      const { store } = await setUp();
      for (const text of ['ABCD-EFGH', 'short', '', 'ABCD-EFG0']) {
        const error = await refused(async () =>
          store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), text, T0),
        );
        expect(error.identifier).toBe('link-unknown');
      }
    });

    it("refuses the owner's own code as link-self, without counting it as a wrong code", async () => {
      const { store, ann } = await setUp();
      const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      for (let i = 0; i < 6; i++) {
        const error = await refused(async () =>
          store.users.redeemLinkCode(await redeemerOf(store, 'discord', '1'), code, T0 + i),
        );
        expect(error.identifier).toBe('link-self');
      }
      expect((await store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), code, T0 + 10)).userId).toBe(
        ann,
      );
    });

    it('lock an identity out after 5 wrong codes, across stores; the right code works after the window', async () => {
      const db = await database();
      const [first, second] = [await db.open(), await db.open()];
      const ann = await first.users.resolve('discord', '1', 'Ann');
      const eve = await redeemerOf(first, 'telegram', '3');
      const code = await first.users.createLinkCode(ann, T0, 2 * TEN_MINUTES);
      const messages: string[] = [];
      for (let i = 0; i < 5; i++) {
        const error = await refused(() => (i % 2 ? first : second).users.redeemLinkCode(eve, 'ZZZZ-ZZZZ', T0 + i));
        expect(error.identifier).toBe('link-unknown');
        messages.push(error.message);
      }
      expect(messages[0]).toMatch(/4 tries left/);
      expect(messages[3]).toMatch(/1 try left/);
      const locked = await refused(() => second.users.redeemLinkCode(eve, code, T0 + 10));
      expect(locked.identifier).toBe('link-locked');
      // The first wrong code was at T0: the lock lifts at T0 + 10 min, 10 minutes from now (rounded up).
      expect(locked.message).toBe(
        'Too many wrong codes: linking is locked for 10 more minutes, and every code typed until then is refused ' +
          '(even a right one). Then ask for a new code with /link on the other platform.',
      );
      const later = await refused(() => first.users.redeemLinkCode(eve, code, T0 + LINK_FAILURE_WINDOW_MS - 61_000));
      expect(later.message).toMatch(/^Too many wrong codes: linking is locked for 2 more minutes,/);
      // Refused before any hashing, so the same answer for a right and a wrong code: nothing learnt, nothing charged.
      expect(await db.count('link_failures_by_identity')).toBe(5);
      expect(await db.row('SELECT used_ms FROM link_codes')).toEqual({ used_ms: null });
      expect(await first.users.resolve('telegram', '3', 'Eve')).toBe(eve.userId);
      const stillLocked = await refused(() => first.users.redeemLinkCode(eve, code, T0 + LINK_FAILURE_WINDOW_MS - 1));
      expect(stillLocked.identifier).toBe('link-locked');
      // The lock lasts until the first of the five wrong codes is a full window old, not a millisecond more.
      expect((await first.users.redeemLinkCode(eve, code, T0 + LINK_FAILURE_WINDOW_MS)).userId).toBe(ann);
    });

    it('charge every attempt before hashing: 20 concurrent wrong codes of one identity get 5 checks', async () => {
      const { store } = await setUp();
      const eve = await redeemerOf(store, 'telegram', '3');
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => refused(() => store.users.redeemLinkCode(eve, 'ZZZZ-ZZZZ', T0))),
      );
      const counts = outcomes.reduce<Record<string, number>>((acc, error) => {
        acc[error.identifier] = (acc[error.identifier] ?? 0) + 1;
        return acc;
      }, {});
      expect(counts).toEqual({ 'link-unknown': 5, 'link-locked': 15 });
    });

    it('counts wrong codes per redeeming identity, not across identities', async () => {
      const { store, ann } = await setUp();
      for (let i = 0; i < 5; i++) {
        await refused(async () =>
          store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '3'), 'ZZZZ-ZZZZ', T0 + i),
        );
      }
      const code = await store.users.createLinkCode(ann, T0, TEN_MINUTES);
      expect((await store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), code, T0 + 10)).userId).toBe(
        ann,
      );
    });

    it('keeps the lockout of an identity across a link, a merge and an unlink', async () => {
      const { store, ann } = await setUp();
      // Mallory has a Discord and a Telegram account; her Telegram identity has guessed 4 times.
      const malloryDiscord = await store.users.resolve('discord', '7', 'Mallory');
      await store.users.resolve('telegram', '8', 'Mallory T');
      for (let i = 0; i < 4; i++) {
        await refused(async () =>
          store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '8'), 'ZZZZ-ZZZZ', T0 + i),
        );
      }
      // Linking her own accounts merges her Telegram user away, and unlinking makes it a new user.
      const own = await store.users.createLinkCode(malloryDiscord, T0 + 10, TEN_MINUTES);
      await store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '8'), own, T0 + 11);
      await store.users.unlink(malloryDiscord, 'telegram', T0 + 12);
      const fifth = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '8'), 'ZZZZ-ZZZZ', T0 + 13),
      );
      expect(fifth.identifier).toBe('link-unknown');
      expect(fifth.message).not.toMatch(/tries? left/);
      const code = await store.users.createLinkCode(ann, T0 + 20, TEN_MINUTES);
      const locked = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '8'), code, T0 + 21),
      );
      expect(locked.identifier).toBe('link-locked');
    });

    it('refuses two accounts on the same platform, merges nothing, and does not count it as a wrong code', async () => {
      const { db, store, ann } = await setUp();
      const other = await store.users.resolve('discord', '9', 'Other');
      await store.forUser(other).positions.add(newPosition());
      for (let i = 0; i < 6; i++) {
        const code = await store.users.createLinkCode(ann, T0 + i, TEN_MINUTES);
        const error = await refused(async () =>
          store.users.redeemLinkCode(await redeemerOf(store, 'discord', '9'), code, T0 + i),
        );
        expect(error.identifier).toBe('link-same-platform');
        expect(error.message).toMatch(/^Both accounts have a discord identity: .*Nothing was merged\.$/);
        expect(error.message).not.toContain('\n');
      }
      expect(await store.users.resolve('discord', '9', 'Other')).toBe(other);
      expect(await store.forUser(other).positions.list()).toHaveLength(1);
      expect(await db.count('users')).toBe(4);
      expect(await db.count('link_failures_by_identity')).toBe(0);
    });

    it('refuses a second account of a platform the owner already has through a link, changing nothing', async () => {
      const { db, store, ann, annOnTelegram, stranger } = await setUp();
      const annsPosition = await store.forUser(annOnTelegram).positions.add(newPosition());
      await store.users.redeemLinkCode(
        await redeemerOf(store, 'telegram', '2'),
        await store.users.createLinkCode(ann, T0, TEN_MINUTES),
        T0 + 1,
      );
      const evesPosition = await store.forUser(stranger).positions.add(newPosition({ note: 'Eve' }));
      const code = await store.users.createLinkCode(ann, T0 + 2, TEN_MINUTES);
      const error = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '3'), code, T0 + 3),
      );
      expect(error.identifier).toBe('link-same-platform');
      expect(error.message).toMatch(/^Both accounts have a telegram identity: /);
      expect(await store.users.resolve('telegram', '3', 'Eve')).toBe(stranger);
      expect((await store.forUser(stranger).positions.list()).map((p) => p.id)).toEqual([evesPosition.id]);
      expect((await store.forUser(ann).positions.list()).map((p) => p.id)).toEqual([annsPosition.id]);
      expect(await db.count('link_failures_by_identity')).toBe(0);
    });

    it('one code redeemed by two identities at once merges once', async () => {
      const db = await database();
      const [first, second] = [await db.open(), await db.open()];
      const ann = await first.users.resolve('discord', '1', 'Ann');
      const code = await first.users.createLinkCode(ann, T0, TEN_MINUTES);
      const outcomes = await Promise.allSettled([
        first.users.redeemLinkCode(await redeemerOf(first, 'telegram', '2'), code, T0 + 1),
        second.users.redeemLinkCode(await redeemerOf(second, 'telegram', '3'), code, T0 + 1),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      // The loser finds the code used, or (when the winner's merge is already in) the owner already on Telegram.
      expect(['link-used', 'link-same-platform']).toContain((failure.reason as UserError).identifier);
      expect((await first.users.identities(ann)).length).toBe(2);
    });

    it('unlink splits an identity into a new, empty user; positions stay; an old code is dropped', async () => {
      const { store, ann } = await setUp();
      await store.users.redeemLinkCode(
        await redeemerOf(store, 'telegram', '2'),
        await store.users.createLinkCode(ann, T0, TEN_MINUTES),
        T0,
      );
      const { id } = await store.forUser(ann).positions.add(newPosition());
      await store.forUser(ann).settings.update({ stopLoss: 3 });
      for (const [platform, chatId] of [
        ['telegram', '2'],
        ['discord', 'dm1'],
      ] as const) {
        await store.subscriptions.upsert({ kind: 'personal', platform, chatId, userId: ann, time: '09:45', nowMs: T0 });
      }
      const pending = await store.users.createLinkCode(ann, T0 + 1, TEN_MINUTES);

      await store.users.unlink(ann, 'telegram', T0 + 5);

      const split = await store.users.resolve('telegram', '2', 'Ann T');
      expect(split).not.toBe(ann);
      expect(await store.users.identities(split)).toEqual([
        { platform: 'telegram', platformUserId: '2', displayName: 'Ann T', linkedMs: T0 + 5 },
      ]);
      expect(await store.forUser(split).positions.list()).toEqual([]);
      expect((await store.forUser(split).settings.get()).stopLoss).toBe(DEFAULT_SETTINGS.stopLoss);
      expect(await store.forUser(ann).positions.get(id)).not.toBeNull();
      expect((await store.forUser(ann).settings.get()).stopLoss).toBe(3);
      expect((await store.subscriptions.forChat('telegram', '2')).map((s) => s.userId)).toEqual([split]);
      expect((await store.subscriptions.forChat('discord', 'dm1')).map((s) => s.userId)).toEqual([ann]);
      const old = await refused(async () =>
        store.users.redeemLinkCode(await redeemerOf(store, 'telegram', '2'), pending, T0 + 6),
      );
      expect(old.identifier).toBe('link-unknown');
      expect((await refused(() => store.users.unlink(ann, 'discord', T0))).identifier).toBe('unlink-last');
      expect((await refused(() => store.users.unlink(ann, 'telegram', T0))).identifier).toBe('unlink-not-linked');
    });
  });
}
