import { describe, expect, it } from 'vitest';
import { createStore, POSITION_ID_ALPHABET } from '../../src/store/index.ts';
import {
  entrySnapshot,
  hedgeLayer,
  newPosition,
  openTestStore,
  tempDbPath,
  userErrorOf as userError,
} from './support.ts';

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

describe('positions', () => {
  it('add then get returns the position with its entry snapshot bit for bit, also after reopening the file', async () => {
    const path = tempDbPath();
    const entry = entrySnapshot();
    let id: string;
    {
      const store = createStore({ path });
      const userId = await store.users.resolve('discord', '1001', 'Ann');
      const added = await store.forUser(userId).positions.add(newPosition({ entry }));
      id = added.id;
      expect(added).toMatchObject({
        userId,
        underlying: 'SPX',
        expiry: '2027-01-08',
        settlement: 'PM',
        quantity: 2,
        credit: 14.2,
        note: 'first fill',
        status: 'open',
        closedMs: null,
        closeDebit: null,
        realizedPl: null,
        entrySource: 'cboe',
        hedgeLayers: [],
        strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
      });
      await store.close();
    }
    const reopened = createStore({ path });
    try {
      const userId = await reopened.users.resolve('discord', '1001', 'Ann');
      const stored = await reopened.forUser(userId).positions.get(id);
      expect(stored).not.toBeNull();
      expect(numberBits(stored!.entry)).toEqual(numberBits(entry));
      expect(stored!.entry).toStrictEqual(entry);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a snapshot number JSON cannot hold instead of storing null', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    await expect(positions.add(newPosition({ entry: entrySnapshot({ spot: Number.NaN }) }))).rejects.toThrow(
      /entry\.spot/,
    );
    expect(await positions.list()).toEqual([]);
  });

  it('lists by status in opening order and closes with realized P/L and events', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('telegram', '77', 'Bo')).positions;
    const first = await positions.add(newPosition({ openedMs: 1000 }));
    const second = await positions.add(newPosition({ openedMs: 2000, note: null }));
    const closed = await positions.close(first.id, { debit: 4.1, closedMs: 5000, realizedPl: 2020 });
    expect(closed).toMatchObject({ status: 'closed', closedMs: 5000, closeDebit: 4.1, realizedPl: 2020 });
    expect((await positions.list()).map((p) => p.id)).toEqual([first.id, second.id]);
    expect((await positions.list('all')).map((p) => p.id)).toEqual([first.id, second.id]);
    expect((await positions.list('open')).map((p) => p.id)).toEqual([second.id]);
    expect((await positions.list('closed')).map((p) => p.id)).toEqual([first.id]);
    expect((await positions.events(first.id)).map((e) => [e.kind, e.atMs])).toEqual([
      ['opened', 1000],
      ['closed', 5000],
    ]);
    expect((await positions.events(first.id))[1]!.detail).toEqual({ debit: 4.1, realizedPl: 2020 });
  });

  it('refuses to close a position twice and leaves the first close as it was', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    await positions.close(id, { debit: 3, closedMs: 10, realizedPl: 100 });
    const error = await userError(() => positions.close(id, { debit: 9, closedMs: 20, realizedPl: -500 }));
    expect(error.identifier).toBe('position-closed');
    expect(error.message).toContain(id);
    expect(await positions.get(id)).toMatchObject({ closeDebit: 3, closedMs: 10, realizedPl: 100 });
    expect((await positions.events(id)).filter((e) => e.kind === 'closed')).toHaveLength(1);
  });

  it('records hedge layers in order with a hedged event, once per layer', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    await positions.addHedgeLayer(id, hedgeLayer(2));
    const after = await positions.addHedgeLayer(id, hedgeLayer(1));
    expect(after.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
    expect((await positions.list())[0]!.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
    expect((await positions.events(id)).map((e) => e.kind)).toEqual(['opened', 'hedged', 'hedged']);
    expect((await positions.events(id))[1]!.detail).toMatchObject({ layer: 2, vixExpiry: '2026-02-18' });

    const duplicate = await userError(() => positions.addHedgeLayer(id, hedgeLayer(2, { debit: 9.99 })));
    expect(duplicate.identifier).toBe('hedge-layer-exists');
    expect(duplicate.message).toMatch(/Hedge layer 2 /);
    expect((await positions.get(id))!.hedgeLayers).toEqual([hedgeLayer(1), hedgeLayer(2)]);
    expect(await positions.events(id)).toHaveLength(3);
  });

  it('refuses a hedge on a closed position', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    await positions.close(id, { debit: 1, closedMs: 2, realizedPl: 3 });
    expect((await userError(() => positions.addHedgeLayer(id, hedgeLayer(1)))).identifier).toBe('position-closed');
    expect((await positions.get(id))!.hedgeLayers).toEqual([]);
  });

  it('refuses impossible positions in SQLite itself (quantity, credit)', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    await expect(positions.add(newPosition({ quantity: 0 }))).rejects.toThrow(/CHECK constraint/);
    await expect(positions.add(newPosition({ quantity: 1.5 }))).rejects.toThrow(/CHECK constraint/);
    await expect(positions.add(newPosition({ credit: 0 }))).rejects.toThrow(/CHECK constraint/);
    expect(await positions.list()).toEqual([]);
  });

  it('gives 2,000 positions distinct 6-character ids from the unambiguous alphabet', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const ids = new Set<string>();
    const pattern = new RegExp(`^[${POSITION_ID_ALPHABET}]{6}$`);
    for (let i = 0; i < 2000; i++) {
      const { id } = await positions.add(newPosition({ openedMs: i }));
      expect(id).toMatch(pattern);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
    expect(POSITION_ID_ALPHABET).not.toMatch(/[01ilo]/);
  });

  it('draws another id on a collision', async () => {
    const queue = ['aaaaaa', 'aaaaaa', 'aaaaaa', 'bbbbbb'];
    const store = openTestStore({ newPositionId: () => queue.shift()! });
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    expect((await positions.add(newPosition())).id).toBe('aaaaaa');
    expect((await positions.add(newPosition())).id).toBe('bbbbbb');
    expect(queue).toEqual([]);
    expect(await positions.list()).toHaveLength(2);
  });
});
