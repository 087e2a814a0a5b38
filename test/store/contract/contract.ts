// One contract, two engines: describeStoreContract(name, engine) runs every repository behaviour
// against a store (sqlite.test.ts on a temp file, postgres.test.ts on a server the test starts).
// Each test gets a new, empty database; `open` may be called several times on it, as several
// workers would.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/app/errors.ts';
import type { Clock, OpenPoll, Store } from '../../../src/app/ports.ts';
import { DEFAULT_SETTINGS } from '../../../src/engine/index.ts';
import { claimantIsGone, nonceFor } from '../../../src/app/delivery.ts';
import { POSITION_ID_ALPHABET, REMOVED_REASON } from '../../../src/store/index.ts';
import { entrySnapshot, hedgeLayer, newPosition, T0, userErrorOf as refused } from '../support.ts';
import { describeLinkContract } from './link.ts';

export interface OpenOptions {
  clock?: Clock;
  newPositionId?: () => string;
}

export interface ContractDatabase {
  /** A store on this database; several may be open at once (several workers). */
  open(options?: OpenOptions): Promise<Store>;
  /** Rows of a table, read directly (for "nothing was written" and "one row" checks). */
  count(table: string): Promise<number>;
  /** The first row a query returns, read directly (SQL written for both engines). */
  row(sql: string, ...params: unknown[]): Promise<Record<string, unknown> | undefined>;
}

export interface StoreEngine {
  /** A new, empty database, dropped (or left for the temp folder's cleanup) after the test. */
  newDatabase(): Promise<ContractDatabase>;
}

async function rejects(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Every number of a value as its 64 bits, keyed by path: equal lists mean a bit-for-bit round trip. */
function numberBits(value: unknown, at = '$', out: string[] = []): string[] {
  if (typeof value === 'number') {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, value);
    out.push(`${at}=${bits.getBigUint64(0).toString(16)}`);
  } else if (value && typeof value === 'object') {
    for (const key of Object.keys(value).sort())
      numberBits((value as Record<string, unknown>)[key], `${at}.${key}`, out);
  }
  return out;
}

export function describeStoreContract(name: string, engine: () => StoreEngine): void {
  const opened: Store[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
  });

  const database = async () => {
    const db = await engine().newDatabase();
    return {
      ...db,
      open: async (options?: OpenOptions) => {
        const store = await db.open(options);
        opened.push(store);
        return store;
      },
    };
  };
  const openStore = async (options?: OpenOptions) => {
    const db = await database();
    return { db, store: await db.open(options) };
  };
  describe(`${name}: positions`, () => {
    it('add then get returns the position, its entry snapshot bit for bit, also from another store', async () => {
      const { db, store } = await openStore();
      const userId = await store.users.resolve('discord', '1001', 'Ann');
      const entry = entrySnapshot();
      const added = await store.forUser(userId).positions.add(newPosition({ entry }));
      expect(added).toMatchObject({
        userId,
        underlying: 'SPX',
        expiry: '2027-01-08',
        settlement: 'PM',
        settlementMs: 1_799_442_000_000,
        quantity: 2,
        credit: 14.2,
        note: 'first fill',
        status: 'open',
        openedMs: 1_767_623_400_000,
        closedMs: null,
        closeDebit: null,
        realizedPl: null,
        entrySource: 'cboe',
        hedgeLayers: [],
        strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
      });
      const other = await db.open();
      const stored = await other.forUser(userId).positions.get(added.id);
      expect(numberBits(stored!.entry)).toEqual(numberBits(entry));
      expect(stored).toEqual(added);
    });

    it('refuses a snapshot number JSON cannot hold instead of storing null', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      const error = await rejects(() => positions.add(newPosition({ entry: entrySnapshot({ spot: Number.NaN }) })));
      expect(String(error)).toMatch(/entry\.spot/);
      expect(await positions.list()).toEqual([]);
    });

    it('lists by status in opening order and closes with realized P/L and events', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('telegram', '77', 'Bo')).positions;
      const first = await positions.add(newPosition({ openedMs: 1000 }));
      const second = await positions.add(newPosition({ openedMs: 2000, note: null }));
      const closed = await positions.close(first.id, { debit: 4.1, closedMs: 5000, realizedPl: 2020 });
      expect(closed).toMatchObject({ status: 'closed', closedMs: 5000, closeDebit: 4.1, realizedPl: 2020 });
      expect((await positions.list()).map((p) => p.id)).toEqual([first.id, second.id]);
      expect((await positions.list('all')).map((p) => p.id)).toEqual([first.id, second.id]);
      expect((await positions.list('open')).map((p) => p.id)).toEqual([second.id]);
      expect((await positions.list('closed')).map((p) => p.id)).toEqual([first.id]);
      const events = await positions.events(first.id);
      expect(events.map((e) => [e.kind, e.atMs])).toEqual([
        ['opened', 1000],
        ['closed', 5000],
      ]);
      expect(events[0]!.detail).toEqual({
        strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
        expiry: '2027-01-08',
        quantity: 2,
        credit: 14.2,
      });
      expect(events[1]!.detail).toEqual({ debit: 4.1, realizedPl: 2020 });
    });

    it('refuses to close a position twice and leaves the first close as it was', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      const { id } = await positions.add(newPosition());
      await positions.close(id, { debit: 3, closedMs: 10, realizedPl: 100 });
      const error = await refused(() => positions.close(id, { debit: 9, closedMs: 20, realizedPl: -500 }));
      expect(error.identifier).toBe('position-closed');
      expect(error.message).toContain(id);
      expect(await positions.get(id)).toMatchObject({ closeDebit: 3, closedMs: 10, realizedPl: 100 });
      expect((await positions.events(id)).filter((e) => e.kind === 'closed')).toHaveLength(1);
    });

    it('records hedge layers in order with a hedged event, once per layer', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      const { id } = await positions.add(newPosition());
      await positions.addHedgeLayer(id, hedgeLayer(2));
      const after = await positions.addHedgeLayer(id, hedgeLayer(1));
      expect(after.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
      expect((await positions.list())[0]!.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
      const events = await positions.events(id);
      expect(events.map((e) => e.kind)).toEqual(['opened', 'hedged', 'hedged']);
      expect(events[1]!.detail).toMatchObject({ layer: 2, vixExpiry: '2026-02-18' });

      const duplicate = await refused(() => positions.addHedgeLayer(id, hedgeLayer(2, { debit: 9.99 })));
      expect(duplicate.identifier).toBe('hedge-layer-exists');
      expect(duplicate.message).toMatch(/Hedge layer 2 /);
      expect((await positions.get(id))!.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
      expect(await positions.events(id)).toHaveLength(3);
    });

    it('refuses a hedge on a closed position', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      const { id } = await positions.add(newPosition());
      await positions.close(id, { debit: 1, closedMs: 2, realizedPl: 3 });
      expect((await refused(() => positions.addHedgeLayer(id, hedgeLayer(1)))).identifier).toBe('position-closed');
      expect((await positions.get(id))!.hedgeLayers).toEqual([]);
    });

    it('refuses impossible positions in the database itself (quantity, credit), writing nothing', async () => {
      const { db, store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      for (const bad of [{ quantity: 0 }, { quantity: 1.5 }, { credit: 0 }]) {
        expect(await rejects(() => positions.add(newPosition(bad)))).not.toBeInstanceOf(UserError);
      }
      expect(await positions.list()).toEqual([]);
      expect(await db.count('positions')).toBe(0);
      expect(await db.count('position_events')).toBe(0);
    });

    it('gives distinct 6-character ids from the unambiguous alphabet, drawing again on a collision', async () => {
      const { store } = await openStore();
      const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
      const pattern = new RegExp(`^[${POSITION_ID_ALPHABET}]{6}$`);
      const ids = new Set<string>();
      for (let i = 0; i < 100; i++) {
        const { id } = await positions.add(newPosition({ openedMs: i }));
        expect(id).toMatch(pattern);
        ids.add(id);
      }
      expect(ids.size).toBe(100);

      const queue = ['aaaaaa', 'aaaaaa', 'aaaaaa', 'bbbbbb'];
      const { store: forced } = await openStore({ newPositionId: () => queue.shift()! });
      const mine = forced.forUser(await forced.users.resolve('discord', '1', 'Ann')).positions;
      expect((await mine.add(newPosition())).id).toBe('aaaaaa');
      expect((await mine.add(newPosition())).id).toBe('bbbbbb');
      expect(queue).toEqual([]);
      expect(await mine.list()).toHaveLength(2);
      expect((await mine.events('bbbbbb')).map((e) => e.kind)).toEqual(['opened']);
    });
  });

  describe(`${name}: one user cannot see or touch another user's positions`, () => {
    const setUp = async () => {
      const { db, store } = await openStore();
      const ann = store.forUser(await store.users.resolve('discord', '1', 'Ann'));
      const bo = store.forUser(await store.users.resolve('telegram', '2', 'Bo'));
      const annsPosition = await ann.positions.add(newPosition({ note: 'Ann only' }));
      await ann.positions.addHedgeLayer(annsPosition.id, hedgeLayer(1));
      const bosPosition = await bo.positions.add(newPosition({ note: 'Bo only' }));
      return { db, ann, bo, annsPosition, bosPosition };
    };

    it('get answers null and list shows only their own, exactly as for an id that does not exist', async () => {
      const { ann, bo, annsPosition, bosPosition } = await setUp();
      expect(await bo.positions.get(annsPosition.id)).toBeNull();
      expect(await bo.positions.get('zzzzzz')).toBeNull();
      for (const status of ['all', 'open', 'closed'] as const) {
        expect((await bo.positions.list(status)).map((p) => p.id)).not.toContain(annsPosition.id);
        expect((await ann.positions.list(status)).map((p) => p.id)).not.toContain(bosPosition.id);
      }
      expect((await bo.positions.list()).map((p) => p.id)).toEqual([bosPosition.id]);
    });

    it('require gives the owner the position, anyone else the one position-not-found refusal', async () => {
      const { ann, bo, annsPosition } = await setUp();
      expect(await ann.positions.require(annsPosition.id)).toEqual(await ann.positions.get(annsPosition.id));
      const other = await refused(() => bo.positions.require(annsPosition.id));
      const none = await refused(() => bo.positions.require('zzzzzz'));
      expect(other.identifier).toBe('position-not-found');
      expect(other.message).toBe(`No position ${annsPosition.id} in your positions; see /position list.`);
      // Nothing tells Bo that Ann's id exists: the same refusal as for an id nobody has.
      expect(none.message).toBe('No position zzzzzz in your positions; see /position list.');
    });

    it('close, addHedgeLayer and events answer position-not-found and change nothing', async () => {
      const { db, ann, bo, annsPosition } = await setUp();
      const before = await ann.positions.get(annsPosition.id);
      const eventsBefore = await ann.positions.events(annsPosition.id);
      const closing = await refused(() =>
        bo.positions.close(annsPosition.id, { debit: 0.05, closedMs: 9, realizedPl: 2800 }),
      );
      expect(closing.identifier).toBe('position-not-found');
      expect(closing.message).toBe(`No position ${annsPosition.id} in your positions; see /position list.`);
      expect((await refused(() => bo.positions.addHedgeLayer(annsPosition.id, hedgeLayer(2)))).identifier).toBe(
        'position-not-found',
      );
      expect((await refused(() => bo.positions.events(annsPosition.id))).identifier).toBe('position-not-found');
      expect(
        (await refused(() => bo.positions.close('zzzzzz', { debit: 1, closedMs: 1, realizedPl: 1 }))).message,
      ).toBe('No position zzzzzz in your positions; see /position list.');
      expect(await ann.positions.get(annsPosition.id)).toEqual(before);
      expect(await ann.positions.events(annsPosition.id)).toEqual(eventsBefore);
      expect(await db.count('hedge_layers')).toBe(1);
      expect(await db.row("SELECT count(*) AS n FROM positions WHERE status = 'closed'")).toEqual({ n: 0 });
    });

    it('settings are per user', async () => {
      const { ann, bo } = await setUp();
      await ann.settings.update({ stopLoss: 3 });
      expect((await ann.settings.get()).stopLoss).toBe(3);
      expect((await bo.settings.get()).stopLoss).toBe(DEFAULT_SETTINGS.stopLoss);
    });
  });

  describe(`${name}: settings`, () => {
    const setUp = async () => {
      const { db, store } = await openStore();
      const userId = await store.users.resolve('discord', '1', 'Ann');
      return { db, settings: store.forUser(userId).settings };
    };
    const defaults = { ...DEFAULT_SETTINGS, summaryTime: null, accountSize: null, riskPerTrade: null };

    it('start as the defaults, store only changed keys, and reset with null or the default value', async () => {
      const { db, settings } = await setUp();
      expect(await settings.get()).toEqual(defaults);
      const updated = await settings.update({ stopLoss: 2.5, policy: 'delta', summaryTime: '10:30' });
      expect(updated).toEqual({ ...defaults, stopLoss: 2.5, policy: 'delta', summaryTime: '10:30' });
      expect(await settings.get()).toEqual(updated);
      expect(await db.count('settings')).toBe(3);
      expect(await settings.policyChosen()).toBe(true);
      await settings.update({ stopLoss: null, summaryTime: null });
      expect(await db.count('settings')).toBe(1);
      await settings.update({ policy: null });
      expect(await settings.policyChosen()).toBe(false);
      expect(await settings.get()).toEqual(defaults);
      expect(await db.count('settings')).toBe(0);
    });

    it('keep profitTarget null as "no profit target", and a chosen policy even when it is the default', async () => {
      const { db, settings } = await setUp();
      expect((await settings.update({ profitTarget: null })).profitTarget).toBeNull();
      expect((await settings.get()).profitTarget).toBeNull();
      expect(await db.count('settings')).toBe(1);
      expect((await settings.update({ profitTarget: 0.5 })).profitTarget).toBe(0.5);
      expect(await db.count('settings')).toBe(0);
      await settings.update({ policy: DEFAULT_SETTINGS.policy });
      expect(await settings.policyChosen()).toBe(true);
    });

    it('refuse an unknown key, a value out of its range and crossed thresholds, changing nothing', async () => {
      const { db, settings } = await setUp();
      await settings.update({ stopLoss: 3 });
      const unknown = await refused(() => settings.update({ stopLoss: 4, nope: 1 } as never));
      expect(unknown.identifier).toBe('setting-unknown');
      const range = await refused(() => settings.update({ exitDte: 4, stopLoss: 10.5 }));
      expect(range).toMatchObject({ identifier: 'setting-invalid' });
      expect(range.message).toMatch(/^stop_loss must be /);
      const crossed = await refused(() => settings.update({ thresholdMin: 0.3, thresholdMax: 0.2 }));
      expect(crossed.message).toMatch(/threshold_min \(0\.3\) must be at most threshold_max \(0\.2\)/);
      expect(await settings.get()).toEqual({ ...defaults, stopLoss: 3 });
      expect(await db.count('settings')).toBe(1);
    });
  });

  describe(`${name}: users`, () => {
    it('creates a user on first sight, finds it afterwards and keeps the display name current', async () => {
      let now = T0;
      const { db, store } = await openStore({ clock: { now: () => now } });
      const ann = await store.users.resolve('discord', '1', 'Ann');
      now += 1000;
      expect(await store.users.resolve('discord', '1', 'Ann B.')).toBe(ann);
      expect(await store.users.identities(ann)).toEqual([
        { platform: 'discord', platformUserId: '1', displayName: 'Ann B.', linkedMs: T0 },
      ]);
      expect(await db.row('SELECT created_ms FROM users WHERE id = $1', ann)).toEqual({ created_ms: T0 });
      expect(await store.users.resolve('telegram', '1', 'Ann')).not.toBe(ann);
      expect(await db.count('users')).toBe(2);
    });

    it('gives two stores on one database the same user for one identity, even racing', async () => {
      const db = await database();
      const [first, second] = [await db.open(), await db.open()];
      const racing = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? first : second).users.resolve('telegram', '5', 'Cy')),
      );
      expect(new Set(racing).size).toBe(1);
      expect(await db.count('users')).toBe(1);
      expect(await db.count('identities')).toBe(1);
    });
  });

  describeLinkContract(name, { database, openStore });

  describe(`${name}: subscriptions`, () => {
    const channel = { kind: 'channel' as const, platform: 'discord' as const, chatId: 'chan-1', userId: null };

    it('upsert creates once (NULL user counted once) and updates the time, keeping the id', async () => {
      const { db, store } = await openStore();
      const created = await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 });
      expect(created).toEqual({
        id: created.id,
        ...channel,
        time: '09:45',
        active: true,
        deactivatedReason: null,
        createdMs: T0,
      });
      const admin = await store.users.resolve('discord', '1', 'Ann');
      const updated = await store.subscriptions.upsert({ ...channel, userId: admin, time: '10:15', nowMs: T0 + 1 });
      expect(updated).toEqual({ ...created, time: '10:15' });
      expect(await store.subscriptions.forChat('discord', 'chan-1')).toEqual([updated]);
      expect(await db.count('subscriptions')).toBe(1);
      // Also in the schema, for any writer that bypasses the repository (NULLs are distinct in a plain UNIQUE).
      await rejects(() =>
        db.row(`INSERT INTO subscriptions (kind, platform, chat_id, user_id, time, created_ms)
          VALUES ('channel', 'discord', 'chan-1', NULL, '09:45', 0) RETURNING id`),
      );
      expect(await db.count('subscriptions')).toBe(1);
    });

    it('keep personal subscriptions of different users in one chat apart, and beside the channel one', async () => {
      const { store } = await openStore();
      const ann = await store.users.resolve('telegram', '1', 'Ann');
      const bo = await store.users.resolve('telegram', '2', 'Bo');
      const base = { platform: 'telegram' as const, chatId: 'g', nowMs: T0 };
      await store.subscriptions.upsert({ ...base, kind: 'channel', userId: null, time: '09:45' });
      await store.subscriptions.upsert({ ...base, kind: 'personal', userId: ann, time: '09:45' });
      await store.subscriptions.upsert({ ...base, kind: 'personal', userId: bo, time: '09:45' });
      await store.subscriptions.upsert({ ...base, kind: 'personal', userId: bo, time: '11:00' });
      expect((await store.subscriptions.forChat('telegram', 'g')).map((s) => [s.kind, s.userId, s.time])).toEqual([
        ['channel', null, '09:45'],
        ['personal', ann, '09:45'],
        ['personal', bo, '11:00'],
      ]);
      expect(await store.subscriptions.forChat('discord', 'g')).toEqual([]);
    });

    it('remove and deactivate retire a row with its reason; upsert brings the same row back', async () => {
      const { db, store } = await openStore({ clock: { now: () => T0 + 5 } });
      const created = await store.subscriptions.upsert({ ...channel, time: '09:45', nowMs: T0 });
      const other = await store.subscriptions.upsert({ ...channel, chatId: 'chan-2', time: '09:45', nowMs: T0 });
      expect(await store.subscriptions.remove(channel)).toBe(true);
      expect(await store.subscriptions.remove(channel)).toBe(false);
      expect(await store.subscriptions.remove({ ...channel, chatId: 'nowhere' })).toBe(false);
      expect(await store.subscriptions.forChat('discord', 'chan-1')).toEqual([
        { ...created, active: false, deactivatedReason: REMOVED_REASON },
      ]);
      expect(await db.row('SELECT deactivated_ms FROM subscriptions WHERE id = $1', created.id)).toEqual({
        deactivated_ms: T0 + 5,
      });
      await store.subscriptions.deactivate(other.id, 'bot blocked by the user', T0 + 1);
      expect(await store.subscriptions.active()).toEqual([]);
      expect((await store.subscriptions.forChat('discord', 'chan-2'))[0]).toMatchObject({
        active: false,
        deactivatedReason: 'bot blocked by the user',
      });
      expect(await store.subscriptions.upsert({ ...channel, time: '09:30', nowMs: T0 + 9 })).toEqual({
        ...created,
        time: '09:30',
      });
      expect((await store.subscriptions.active()).map((s) => s.id)).toEqual([created.id]);
    });

    it('moveChat follows a chat to its new id, or retires the row if the new chat is already subscribed', async () => {
      const { store } = await openStore();
      const group = await store.subscriptions.upsert({
        ...channel,
        platform: 'telegram',
        chatId: '-1',
        time: '09:45',
        nowMs: T0,
      });
      await store.subscriptions.moveChat(group.id, '-1001', T0 + 1);
      expect(await store.subscriptions.forChat('telegram', '-1001')).toEqual([{ ...group, chatId: '-1001' }]);
      const again = await store.subscriptions.upsert({
        ...channel,
        platform: 'telegram',
        chatId: '-2',
        time: '09:45',
        nowMs: T0,
      });
      await store.subscriptions.moveChat(again.id, '-1001', T0 + 2);
      expect((await store.subscriptions.forChat('telegram', '-2'))[0]).toMatchObject({
        active: false,
        deactivatedReason: 'moved to chat -1001, which was already subscribed',
      });
      expect((await store.subscriptions.active()).map((s) => s.id)).toEqual([group.id]);
    });

    it('refuse a malformed time with one line, writing nothing', async () => {
      const { db, store } = await openStore();
      for (const time of ['9:45', '24:00', '09:60', 'soon']) {
        expect(await refused(() => store.subscriptions.upsert({ ...channel, time, nowMs: T0 }))).toMatchObject({
          identifier: 'subscription-time',
        });
      }
      expect(await db.count('subscriptions')).toBe(0);
    });
  });

  describe(`${name}: quotes and polls`, () => {
    it('keep the newest quote per symbol with its extras, never an older one; bad values are refused', async () => {
      const { db, store } = await openStore();
      expect(await store.quotes.get('SPX')).toBeNull();
      const spx = {
        symbol: 'SPX',
        value: 5987.123456789012,
        asOfMs: T0,
        fetchedMs: T0 + 5,
        source: 'cboe',
        extra: { previousClose: 5950.5 },
      };
      await store.quotes.put(spx);
      await store.quotes.put({ symbol: 'SPX', value: 5000, asOfMs: T0 - 1, fetchedMs: T0 + 9, source: 'file' });
      await store.quotes.put({ symbol: 'VIX', value: 16.73, asOfMs: T0, fetchedMs: T0, source: 'demo' });
      expect(await (await db.open()).quotes.get('SPX')).toEqual(spx);
      expect(await store.quotes.get('VIX')).toEqual({
        symbol: 'VIX',
        value: 16.73,
        asOfMs: T0,
        fetchedMs: T0,
        source: 'demo',
      });
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 0, -1]) {
        const error = await rejects(() =>
          store.quotes.put({ symbol: 'VVIX', value, asOfMs: T0, fetchedMs: T0, source: 'x' }),
        );
        expect(String(error)).toMatch(/not a finite positive number/);
      }
      expect(await store.quotes.get('VVIX')).toBeNull();
    });

    const poll = (overrides: Partial<OpenPoll> = {}): OpenPoll => ({
      platform: 'telegram',
      pollId: '5001',
      chatId: '-100200',
      chatTitle: 'Condor desk',
      messageId: '77',
      adoptOption: 0,
      adopt: { command: 'hedge adopt', options: { id: 'abcdef', layer: 1, confirm: true } },
      createdMs: 1_000_000,
      expiresMs: 3_000_000,
      ...overrides,
    });

    it('keep a poll until it expires, from any store; a known id is replaced; expired ones are dropped', async () => {
      const { db, store } = await openStore();
      await store.polls.remember(poll());
      expect(await (await db.open()).polls.get('telegram', '5001', 2_000_000)).toEqual(poll());
      expect(await store.polls.get('discord', '5001', 2_000_000)).toBeNull();
      expect(await store.polls.get('telegram', 'other', 2_000_000)).toBeNull();
      expect(await store.polls.get('telegram', '5001', 3_000_000)).toBeNull();
      const untitled = poll({ chatTitle: undefined, messageId: '78' });
      delete untitled.chatTitle;
      await store.polls.remember(untitled);
      expect(await store.polls.get('telegram', '5001', 2_000_000)).toEqual(untitled);
      await store.polls.remember(poll({ pollId: 'new', createdMs: 3_000_000, expiresMs: 9_000_000 }));
      expect(await db.count('hedge_polls')).toBe(1);
    });
  });

  describe(`${name}: the delivery ledger`, () => {
    const MONDAY = '2026-11-23';

    it("store.ledger() claims in this process's name (host:pid:random)", async () => {
      const { store } = await openStore();
      const sub = await store.subscriptions.upsert({
        kind: 'personal',
        platform: 'telegram',
        chatId: '7001',
        userId: await store.users.resolve('telegram', '7001', 'Ann'),
        time: '09:45',
        nowMs: T0,
      });
      const mine = store.ledger();
      // host:pid:random, so a restart on this host can tell the claimant is dead (claimantIsGone).
      expect(mine.owner.startsWith(`${os.hostname()}:${process.pid}:`)).toBe(true);
      expect(mine.owner.split(':').at(-1)).toMatch(/^[0-9a-f]{8}$/);
      expect(claimantIsGone(mine.owner)).toBe(false); // this very process
      // One owner per store: every unnamed ledger of this process claims under the same name.
      expect(store.ledger().owner).toBe(mine.owner);
      await mine.ensure(sub.id, MONDAY, 'morning');
      expect(await mine.claim(sub.id, MONDAY, 'morning', T0)).toBe(true);
      expect((await store.ledger('other').get(sub.id, MONDAY, 'morning'))!.claimedBy).toBe(mine.owner);
    });

    it('claims a row once; only the owner marks it sent; a stale claim can be taken over', async () => {
      const { store } = await openStore();
      const sub = await store.subscriptions.upsert({
        kind: 'channel',
        platform: 'telegram',
        chatId: '7001',
        userId: null,
        time: '09:45',
        nowMs: T0,
      });
      const [a, b] = [store.ledger('process-a'), store.ledger('process-b')];
      const key = { subscriptionId: sub.id, tradingDay: MONDAY, kind: 'morning' as const };
      expect(await a.ensure(sub.id, MONDAY, 'morning')).toMatchObject({
        state: 'pending',
        attempts: 0,
        nonce: nonceFor(sub.id, MONDAY, 'morning'),
      });
      expect((await b.ensure(sub.id, MONDAY, 'morning')).state).toBe('pending'); // still one row
      expect(await a.claim(sub.id, MONDAY, 'morning', T0)).toBe(true);
      expect(await b.claim(sub.id, MONDAY, 'morning', T0)).toBe(false);
      expect(await a.get(sub.id, MONDAY, 'morning')).toMatchObject({
        state: 'sending',
        claimedBy: 'process-a',
        claimedMs: T0,
        attempts: 1,
      });
      await b.markSent(key, 'x', T0); // not b's claim: no effect
      expect((await a.get(sub.id, MONDAY, 'morning'))!.state).toBe('sending');
      expect(await b.touch(key, T0 + 1000)).toBe(false);
      expect(await a.touch(key, T0 + 1000)).toBe(true);
      expect((await b.inFlight(MONDAY, MONDAY)).map((d) => d.claimedBy)).toEqual(['process-a']);
      expect(await a.inFlight(MONDAY, MONDAY)).toEqual([]); // its own rows are not "in flight elsewhere"
      expect(await b.reclaim(key, T0 + 60_000, 120_000)).toBe(false); // 59 s old: a live process
      expect(await b.reclaim(key, T0 + 121_000, 120_000)).toBe(true); // 120 s old: gone
      expect(await a.touch(key, T0 + 122_000)).toBe(false); // a finds out it lost the claim
      await b.markSent(key, '42', T0 + 122_000);
      expect(await a.get(sub.id, MONDAY, 'morning')).toMatchObject({
        state: 'sent',
        platformMessageId: '42',
        sentMs: T0 + 122_000,
      });
      expect(await a.counts(MONDAY)).toEqual({ pending: 0, sending: 0, sent: 1, failed: 0, skipped: 0 });
    });

    it('release, fail, skip and abandon move a row only from the states they name', async () => {
      const { store } = await openStore();
      const subs = [];
      for (let i = 0; i < 3; i++) {
        subs.push(
          await store.subscriptions.upsert({
            kind: 'channel',
            platform: 'discord',
            chatId: `c${i}`,
            userId: null,
            time: '09:45',
            nowMs: T0,
          }),
        );
      }
      const ledger = store.ledger('me');
      const keys = subs.map((sub) => ({ subscriptionId: sub.id, tradingDay: MONDAY, kind: 'review' as const }));
      expect((await ledger.ensureAll(keys)).map((d) => d.subscriptionId)).toEqual(subs.map((s) => s.id));
      expect(await ledger.claim(subs[0]!.id, MONDAY, 'review', T0)).toBe(true);
      await ledger.release(keys[0]!, '429 retry after 3 s');
      expect(await ledger.get(subs[0]!.id, MONDAY, 'review')).toMatchObject({
        state: 'pending',
        claimedBy: null,
        error: '429 retry after 3 s',
      });
      expect(await ledger.claim(subs[0]!.id, MONDAY, 'review', T0 + 1)).toBe(true);
      expect((await ledger.get(subs[0]!.id, MONDAY, 'review'))!.attempts).toBe(2);
      await ledger.markFailed(keys[1]!, 'chat not found');
      await ledger.markSkipped(keys[2]!, 'holiday');
      await ledger.markSkipped(keys[1]!, 'too late'); // already failed: stays failed
      expect(await store.ledger('other').abandon(keys[0]!, T0 + 2, 120_000, 'ambiguous')).toBe(false);
      expect(await store.ledger('other').abandon(keys[0]!, T0 + 2, 120_000, 'ambiguous', 'me')).toBe(true);
      expect((await ledger.forDay(MONDAY)).map((d) => [d.state, d.error])).toEqual([
        ['skipped', 'ambiguous'],
        ['failed', 'chat not found'],
        ['skipped', 'holiday'],
      ]);
      expect(await ledger.counts(MONDAY)).toEqual({ pending: 0, sending: 0, sent: 0, failed: 1, skipped: 2 });
    });

    it('opens one hedge discussion per position layer and chat, ever', async () => {
      const { db, store } = await openStore();
      const userId = await store.users.resolve('discord', '1', 'Ann');
      const { id } = await store.forUser(userId).positions.add(newPosition());
      const key = { platform: 'discord', chatId: 'chan', positionId: id, layer: 1 };
      const claims = await Promise.all(
        [store.ledger('a'), (await db.open()).ledger('b')].map((l) => l.claimDiscussion(key, MONDAY, T0)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.ledger('a').claimDiscussion({ ...key, layer: 2 }, MONDAY, T0)).toBe(true);
      await store.ledger('a').recordDiscussion(key, 'thread-9');
      expect(await db.row('SELECT thread_id FROM hedge_discussions WHERE layer = 1')).toEqual({
        thread_id: 'thread-9',
      });
    });

    it('two workers racing over 300 rows claim each row exactly once', async () => {
      const db = await database();
      const [one, two] = [await db.open(), await db.open()];
      const keys: { subscriptionId: number; tradingDay: string; kind: 'morning' }[] = [];
      for (let i = 0; i < 300; i++) {
        const sub = await one.subscriptions.upsert({
          kind: 'channel',
          platform: 'telegram',
          chatId: `${-1000 - i}`,
          userId: null,
          time: '09:45',
          nowMs: T0,
        });
        keys.push({ subscriptionId: sub.id, tradingDay: MONDAY, kind: 'morning' as const });
      }
      const workers = [one.ledger('worker-1'), two.ledger('worker-2')];
      await Promise.all(workers.map((ledger) => ledger.ensureAll(keys)));
      const won = await Promise.all(
        workers.map(async (ledger, w) => {
          const mine: number[] = [];
          // Opposite orders, several claims in flight at once: the workers meet on every row.
          const order = w === 0 ? keys : [...keys].reverse();
          for (let i = 0; i < order.length; i += 10) {
            const batch = order.slice(i, i + 10);
            const results = await Promise.all(
              batch.map((key) => ledger.claim(key.subscriptionId, key.tradingDay, key.kind, T0)),
            );
            batch.forEach((key, j) => results[j] && mine.push(key.subscriptionId));
          }
          return mine;
        }),
      );
      expect(won[0]!.length + won[1]!.length).toBe(300);
      expect(new Set([...won[0]!, ...won[1]!]).size).toBe(300);
      expect(won[0]!.length).toBeGreaterThan(0);
      expect(won[1]!.length).toBeGreaterThan(0);
      const rows = await workers[0]!.forDay(MONDAY);
      expect(rows.every((row) => row.state === 'sending' && row.attempts === 1)).toBe(true);
      const byOwner = (owner: string) =>
        rows
          .filter((row) => row.claimedBy === owner)
          .map((row) => row.subscriptionId)
          .sort((a, b) => a - b);
      expect(byOwner('worker-1')).toEqual([...won[0]!].sort((a, b) => a - b));
      expect(byOwner('worker-2')).toEqual([...won[1]!].sort((a, b) => a - b));
    });
  });
}
