import { describe, expect, it } from 'vitest';
import { hedgeLayer, newPosition, openTestStore, userErrorOf as refused } from './support.ts';

describe("one user cannot see or touch another user's positions", () => {
  const setUp = () => {
    const store = openTestStore();
    const ann = store.forUser(store.users.resolve('discord', '1', 'Ann'));
    const bo = store.forUser(store.users.resolve('telegram', '2', 'Bo'));
    const annsPosition = ann.positions.add(newPosition({ note: 'Ann only' }));
    ann.positions.addHedgeLayer(annsPosition.id, hedgeLayer(1));
    const bosPosition = bo.positions.add(newPosition({ note: 'Bo only' }));
    return { store, ann, bo, annsPosition, bosPosition };
  };

  it('get answers null, exactly as for an id that does not exist', () => {
    const { bo, annsPosition } = setUp();
    expect(bo.positions.get(annsPosition.id)).toBeNull();
    expect(bo.positions.get('zzzzzz')).toBeNull();
  });

  it("list shows only the caller's own positions", () => {
    const { ann, bo, annsPosition, bosPosition } = setUp();
    for (const status of ['all', 'open', 'closed'] as const) {
      expect(bo.positions.list(status).map((p) => p.id)).not.toContain(annsPosition.id);
      expect(ann.positions.list(status).map((p) => p.id)).not.toContain(bosPosition.id);
    }
    expect(bo.positions.list().map((p) => p.id)).toEqual([bosPosition.id]);
  });

  it('close, addHedgeLayer and events answer position-not-found and change nothing', () => {
    const { store, ann, bo, annsPosition } = setUp();
    const before = ann.positions.get(annsPosition.id);
    const eventsBefore = ann.positions.events(annsPosition.id);
    const rowBefore = store.db.prepare('SELECT * FROM positions WHERE id = ?').get(annsPosition.id);

    const closing = refused(() => bo.positions.close(annsPosition.id, { debit: 0.05, closedMs: 9, realizedPl: 2800 }));
    expect(closing.identifier).toBe('position-not-found');
    expect(closing.message).toBe(`No position ${annsPosition.id} in your positions; see /position list.`);
    expect(refused(() => bo.positions.addHedgeLayer(annsPosition.id, hedgeLayer(2))).identifier).toBe(
      'position-not-found',
    );
    expect(refused(() => bo.positions.events(annsPosition.id)).identifier).toBe('position-not-found');
    // The same answer for an id nobody has: nothing tells Bo that Ann's id exists.
    expect(refused(() => bo.positions.close('zzzzzz', { debit: 1, closedMs: 1, realizedPl: 1 })).message).toBe(
      'No position zzzzzz in your positions; see /position list.',
    );

    expect(ann.positions.get(annsPosition.id)).toEqual(before);
    expect(ann.positions.events(annsPosition.id)).toEqual(eventsBefore);
    expect(store.db.prepare('SELECT * FROM positions WHERE id = ?').get(annsPosition.id)).toEqual(rowBefore);
  });

  it('settings are per user', () => {
    const { ann, bo } = setUp();
    ann.settings.update({ stopLoss: 3 });
    expect(ann.settings.get().stopLoss).toBe(3);
    expect(bo.settings.get().stopLoss).toBe(2);
  });
});
