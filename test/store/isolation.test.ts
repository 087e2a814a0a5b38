import { describe, expect, it } from 'vitest';
import { hedgeLayer, newPosition, openTestStore, userErrorOf as refused } from './support.ts';

describe("one user cannot see or touch another user's positions", () => {
  const setUp = async () => {
    const store = openTestStore();
    const ann = store.forUser(await store.users.resolve('discord', '1', 'Ann'));
    const bo = store.forUser(await store.users.resolve('telegram', '2', 'Bo'));
    const annsPosition = await ann.positions.add(newPosition({ note: 'Ann only' }));
    await ann.positions.addHedgeLayer(annsPosition.id, hedgeLayer(1));
    const bosPosition = await bo.positions.add(newPosition({ note: 'Bo only' }));
    return { store, ann, bo, annsPosition, bosPosition };
  };

  it('get answers null, exactly as for an id that does not exist', async () => {
    const { bo, annsPosition } = await setUp();
    expect(await bo.positions.get(annsPosition.id)).toBeNull();
    expect(await bo.positions.get('zzzzzz')).toBeNull();
  });

  it('require answers the owner with the position and anyone else with the one position-not-found refusal', async () => {
    const { ann, bo, annsPosition } = await setUp();
    expect(await ann.positions.require(annsPosition.id)).toEqual(await ann.positions.get(annsPosition.id));
    const other = await refused(() => bo.positions.require(annsPosition.id));
    const none = await refused(() => bo.positions.require('zzzzzz'));
    expect(other.identifier).toBe('position-not-found');
    expect(other.message).toBe(`No position ${annsPosition.id} in your positions; see /position list.`);
    // Nothing tells Bo that Ann's id exists: the same refusal as for an id nobody has.
    expect(none.message).toBe('No position zzzzzz in your positions; see /position list.');
  });

  it("list shows only the caller's own positions", async () => {
    const { ann, bo, annsPosition, bosPosition } = await setUp();
    for (const status of ['all', 'open', 'closed'] as const) {
      expect((await bo.positions.list(status)).map((p) => p.id)).not.toContain(annsPosition.id);
      expect((await ann.positions.list(status)).map((p) => p.id)).not.toContain(bosPosition.id);
    }
    expect((await bo.positions.list()).map((p) => p.id)).toEqual([bosPosition.id]);
  });

  it('close, addHedgeLayer and events answer position-not-found and change nothing', async () => {
    const { store, ann, bo, annsPosition } = await setUp();
    const before = await ann.positions.get(annsPosition.id);
    const eventsBefore = await ann.positions.events(annsPosition.id);
    const rowBefore = store.db.prepare('SELECT * FROM positions WHERE id = ?').get(annsPosition.id);

    const closing = await refused(() =>
      bo.positions.close(annsPosition.id, { debit: 0.05, closedMs: 9, realizedPl: 2800 }),
    );
    expect(closing.identifier).toBe('position-not-found');
    expect(closing.message).toBe(`No position ${annsPosition.id} in your positions; see /position list.`);
    expect((await refused(() => bo.positions.addHedgeLayer(annsPosition.id, hedgeLayer(2)))).identifier).toBe(
      'position-not-found',
    );
    expect((await refused(() => bo.positions.events(annsPosition.id))).identifier).toBe('position-not-found');
    // The same answer for an id nobody has: nothing tells Bo that Ann's id exists.
    expect((await refused(() => bo.positions.close('zzzzzz', { debit: 1, closedMs: 1, realizedPl: 1 }))).message).toBe(
      'No position zzzzzz in your positions; see /position list.',
    );

    expect(await ann.positions.get(annsPosition.id)).toEqual(before);
    expect(await ann.positions.events(annsPosition.id)).toEqual(eventsBefore);
    expect(store.db.prepare('SELECT * FROM positions WHERE id = ?').get(annsPosition.id)).toEqual(rowBefore);
  });

  it('settings are per user', async () => {
    const { ann, bo } = await setUp();
    await ann.settings.update({ stopLoss: 3 });
    expect((await ann.settings.get()).stopLoss).toBe(3);
    expect((await bo.settings.get()).stopLoss).toBe(2);
  });
});
