// Two users who cannot see or touch each other's positions, through every command that reads or
// changes positions. Bob knows Alice's ids (they are in a shared screenshot, say): every use of
// them answers "No position ... in your positions", and Alice's rows stay exactly as they were.
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/app/context.ts';
import { ALICE, BOB, dataOf, errorLine, inTelegramGroup, listedId, makeApp, replyText } from '../support/app.ts';

const HEDGE_LINE = '/position add 5700 5750 6250 6300 45 credit=8 spot=6000 vix=10';

async function twoUsers(alice: Identity, bob: Identity) {
  const t = makeApp();
  const open = await t.addPosition('/position add 5615 5665 6335 6385 45 credit=14.2 note="alice secret note"', alice);
  const hedgeable = await t.addPosition(HEDGE_LINE, alice);
  const closed = await t.addPosition('/position add 5600 5650 6350 6400 2027-01-08 credit=12', alice);
  await t.run(`/position close ${closed} 3`, alice);
  await t.run(`/hedge ${hedgeable} adopt=1`, alice);
  const bobsOwn = await t.addPosition('/position add 5500 5550 6450 6500 2027-01-15 credit=9', bob);
  const snapshot = () => ({
    positions: t.app.store.db
      .prepare('SELECT * FROM positions WHERE id IN (?, ?, ?) ORDER BY id')
      .all(open, hedgeable, closed),
    layers: t.app.store.db
      .prepare('SELECT * FROM hedge_layers WHERE position_id IN (?, ?, ?) ORDER BY position_id, layer')
      .all(open, hedgeable, closed),
    events: t.app.store.db
      .prepare('SELECT * FROM position_events WHERE position_id IN (?, ?, ?) ORDER BY id')
      .all(open, hedgeable, closed),
  });
  return { t, ids: [open, hedgeable, closed], open, hedgeable, closed, bobsOwn, snapshot };
}

describe("two users cannot see or touch each other's positions", () => {
  for (const [label, alice, bob] of [
    ['console', ALICE.console, BOB.console],
    ['discord and telegram', ALICE.discord, BOB.telegram],
    ['the same Telegram group', inTelegramGroup(ALICE.telegram, true), inTelegramGroup(BOB.telegram, true)],
  ] as const) {
    it(`${label}: list, show, close, hedge, history and export of Bob never show or change Alice's`, async () => {
      const { t, ids, open, hedgeable, closed, bobsOwn, snapshot } = await twoUsers(alice, bob);
      const before = snapshot();

      // list: only Bob's own, in every status
      for (const status of ['open', 'closed', 'all']) {
        const reply = await t.run(`/position list status=${status}`, bob);
        const text = replyText(reply);
        for (const id of ids) expect(text, status).not.toContain(id);
        expect(text).not.toContain('5,615/5,665');
      }
      expect(dataOf(await t.run('/position list', bob), 'position list').positions.map(listedId)).toEqual([bobsOwn]);

      // show, close, hedge (plain, adopt, share) with Alice's ids
      for (const id of ids) {
        const attempts = [
          `/position show ${id}`,
          `/position show ${id} spot=5700`,
          `/position close ${id} 1`,
          `/position close ${id} debit=0`,
          `/hedge ${id}`,
          `/hedge ${id} adopt=2`,
          `/hedge ${id} adopt=1`,
          ...(bob.chat.kind === 'private' ? [] : [`/hedge ${id} share=true`]),
        ];
        for (const line of attempts) {
          const reply = await t.run(line, bob);
          expect(reply.error, line).toEqual({ kind: 'user', identifier: 'position-not-found' });
          expect(errorLine(reply)).toBe(`No position ${id} in your positions; see /position list.`);
        }
        // Upper case is the same id.
        expect((await t.run(`/position show ${id.toUpperCase()}`, bob)).error?.identifier).toBe('position-not-found');
      }

      // history and export
      const history = await t.run('/position history', bob);
      expect(history.lines).toEqual(['No closed positions yet.']);
      const csv = (await t.run('/position export', bob)).attachments![0]!.data.toString('utf8');
      for (const id of ids) expect(csv).not.toContain(id);
      expect(csv).not.toContain('alice secret note');
      expect(csv).toContain(bobsOwn);

      // Alice's rows are exactly as they were, and she still sees all of hers.
      expect(snapshot()).toEqual(before);
      const aliceAll = dataOf(await t.run('/position list status=all', alice), 'position list').positions;
      expect(aliceAll.map(listedId).sort()).toEqual([open, hedgeable, closed].sort());
      expect(replyText(await t.run('/position list status=all', alice))).not.toContain(bobsOwn);
      expect((await t.run(`/position show ${bobsOwn}`, alice)).error?.identifier).toBe('position-not-found');
    });
  }

  it("Bob's errors are the same for Alice's ids as for ids that do not exist (nothing to probe)", async () => {
    const { t, open } = await twoUsers(ALICE.console, BOB.console);
    const aliceId = await t.run(`/position close ${open} 1`, BOB.console);
    const noneId = await t.run('/position close zzzzzz 1', BOB.console);
    expect(aliceId.error).toEqual(noneId.error);
    expect(aliceId.lines?.[0]?.replace(open, 'ID')).toBe(noneId.lines?.[0]?.replace('zzzzzz', 'ID'));
  });

  it("Bob's settings do not change Alice's list", async () => {
    const { t } = await twoUsers(ALICE.console, BOB.console);
    const before = dataOf(await t.run('/position list', ALICE.console), 'position list');
    await t.run('/settings thresholds=1-2 policy=delta delta_trigger=0.05 profit_target=off', BOB.console);
    expect(dataOf(await t.run('/position list', ALICE.console), 'position list')).toEqual(before);
  });
});
