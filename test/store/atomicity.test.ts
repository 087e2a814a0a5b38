// Every multi-row change is one transaction: a failure inside SQLite at its second statement
// (a trigger raising, as a full disk or a constraint would) leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { countRows, failNext, hedgeLayer, newPosition, openTestStore, stopFailing } from './support.ts';

describe('atomic changes', () => {
  it('add: no position without its opened event', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    failNext(store, 'position_events');
    await expect(positions.add(newPosition())).rejects.toThrow(/simulated failure/);
    expect(countRows(store, 'positions')).toBe(0);
    expect(await positions.list()).toEqual([]);
    stopFailing(store, 'position_events');
    expect((await positions.add(newPosition())).status).toBe('open');
  });

  it('close: the position stays open when the closed event cannot be written', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    failNext(store, 'position_events');
    await expect(positions.close(id, { debit: 2, closedMs: 3, realizedPl: 4 })).rejects.toThrow(/simulated failure/);
    expect(await positions.get(id)).toMatchObject({
      status: 'open',
      closedMs: null,
      closeDebit: null,
      realizedPl: null,
    });
    stopFailing(store, 'position_events');
    expect((await positions.close(id, { debit: 2, closedMs: 3, realizedPl: 4 })).status).toBe('closed');
  });

  it('addHedgeLayer: no layer without its hedged event', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    failNext(store, 'position_events');
    await expect(positions.addHedgeLayer(id, hedgeLayer(1))).rejects.toThrow(/simulated failure/);
    expect(countRows(store, 'hedge_layers')).toBe(0);
    stopFailing(store, 'position_events');
    expect((await positions.addHedgeLayer(id, hedgeLayer(1))).hedgeLayers).toHaveLength(1);
  });

  it('a CHECK violation in the second statement rolls back the first', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const { id } = await positions.add(newPosition());
    // The event insert (second statement) fires a trigger whose row breaks hedge_layers' CHECK on contracts.
    store.db.exec(`CREATE TRIGGER reject_hedged BEFORE INSERT ON position_events WHEN NEW.kind = 'hedged'
      BEGIN INSERT INTO hedge_layers
          (position_id, layer, vix_expiry, long_strike, short_strike, debit, contracts, adopted_ms)
        VALUES (NEW.position_id, 9, '2026-02-18', 20, 30, 1, 0, 0); END`);
    await expect(positions.addHedgeLayer(id, hedgeLayer(1))).rejects.toThrow(/CHECK constraint failed/);
    expect(countRows(store, 'hedge_layers')).toBe(0);
    expect((await positions.events(id)).map((e) => e.kind)).toEqual(['opened']);
  });

  it('settings.update: several keys are written all or none', async () => {
    const store = openTestStore();
    const settings = store.forUser(await store.users.resolve('discord', '1', 'Ann')).settings;
    await settings.update({ stopLoss: 3 });
    failNext(store, 'settings', 'UPDATE');
    // stopLoss is an update (fails); exitDte would be a fresh insert (succeeds) — both must vanish.
    await expect(settings.update({ exitDte: 5, stopLoss: 4 })).rejects.toThrow(/simulated failure/);
    expect(await settings.get()).toMatchObject({ stopLoss: 3, exitDte: 0 });
  });

  it('calls started together on one connection each run their transaction whole (no await inside one)', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    // Not awaited one by one: were a transaction to await inside, the next BEGIN would meet an open one.
    const added = await Promise.all(
      Array.from({ length: 40 }, (_, i) => positions.add(newPosition({ openedMs: 1_767_623_400_000 + i }))),
    );
    await Promise.all(
      added.map((position, i) =>
        i % 2
          ? positions.close(position.id, { debit: 1, closedMs: 2, realizedPl: 3 })
          : positions.addHedgeLayer(position.id, hedgeLayer(1)),
      ),
    );
    expect(countRows(store, 'positions')).toBe(40);
    expect((await positions.list('closed')).length).toBe(20);
    expect(countRows(store, 'hedge_layers')).toBe(20);
    // One opened event per position, and one closed or hedged event each.
    expect(countRows(store, 'position_events')).toBe(80);
  });

  it('the SQLite store has done its write by the time the call returns its promise', async () => {
    const store = openTestStore();
    const positions = store.forUser(await store.users.resolve('discord', '1', 'Ann')).positions;
    const pending = positions.add(newPosition());
    // Synchronous inside (docs/scaling.md): committed before anything awaits.
    expect(countRows(store, 'positions')).toBe(1);
    expect((await pending).status).toBe('open');
  });
});
