// Issue 12 §6, through the Discord adapter: a what-if view carries no button that records, a real
// close proposed by the engine needs a Confirm press that records exactly the debit it showed, and
// a stale or edited Confirm payload changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeButton } from '../../../src/app/buttons.ts';
import { ALICE, BOB, button } from '../../support/discord-interactions.ts';
import { answerTo, botFixture, slash, textOf, type BotFixture } from './fixture.ts';

let f: BotFixture;
let positionId = '';

// Opened at SPX 6,400; the short put 6150 is above the demo SPX (about 5,800–6,000 here): the
// cushion is gone and the engine proposes CLOSE in the live view.
const TESTED = {
  long_put: 6100,
  short_put: 6150,
  short_call: 6650,
  long_call: 6700,
  expiry: '2026-04-24',
  credit: 10,
  spot: 6400, // opened inside its break-evens
  vix: 16,
};

beforeAll(async () => {
  f = await botFixture();
  // The cp policy closes a condor whose break-even is crossed (the default policy holds to expiry).
  await slash(f, 'settings', { policy: 'cp' });
  const added = await slash(f, 'position add', TESTED);
  positionId = /^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!;
});
afterAll(async () => f.close());
beforeEach(() => {
  f.rest.reset();
  f.logs.length = 0;
});

const aliceStore = async () => f.app.store.forUser(await f.app.store.users.resolve('discord', ALICE.id, 'alice'));
const customIds = (body: { components?: { components: { custom_id?: string }[] }[] } | null) =>
  (body?.components ?? []).flatMap((row) => row.components.map((c) => c.custom_id ?? ''));
const press = async (customId: string, who = ALICE) => {
  const interaction = button(f.client, customId, who);
  await f.bot.handleInteraction(interaction);
  return answerTo(f.rest, interaction);
};

describe('a proposal is never one tap from a real record', () => {
  it('a what-if view (spot=, vix=) carries no button that records, and says so', async () => {
    const answer = await slash(f, 'position show', { id: positionId, spot: 5700, vix: 22 });
    expect(textOf(answer.final)).toMatch(/CLOSE/);
    expect(customIds(answer.final)).toEqual([]);
    expect(textOf(answer.final)).toContain('What-if view: nothing can be recorded from it.');
  });

  it('the live Close button asks first; Confirm records exactly the debit it showed', async () => {
    const shown = await slash(f, 'position show', { id: positionId });
    const [closeId] = customIds(shown.final);
    expect(closeId).toMatch(new RegExp(`^cx:position close\\|id=${positionId}\\|debit=[\\d.]+\\|review=true$`));
    const debit = Number(/debit=([\d.]+)/.exec(closeId!)![1]);

    f.rest.reset();
    const review = await press(closeId!);
    expect(review.ephemeral).toBe(true);
    expect(review.final.embeds[0].title).toBe(`Close ${positionId} at ${debit.toFixed(2)}?`);
    expect((await (await aliceStore()).positions.get(positionId))!.status).toBe('open');
    const [confirmId] = customIds(review.final);
    expect(confirmId).toMatch(
      new RegExp(`^cx:position close\\|id=${positionId}\\|debit=${debit}\\|confirm=[0-9a-z]{6}[\\w-]{8}$`),
    );

    // Bob pressing Alice's Confirm: not his position, nothing changes.
    expect((await press(confirmId!, BOB)).final.embeds[0].description).toBe(
      `No position ${positionId} in your positions; see /position list.`,
    );
    // An edited debit: refused, nothing recorded.
    const forged = confirmId!.replace(`debit=${debit}`, `debit=${debit + 1}`);
    expect((await press(forged)).final.embeds[0].description).toMatch(/^This Confirm button was not made for/);
    // A payload without a code (an old message, or one edited by hand) only asks again.
    const legacy = encodeButton({ command: 'position close', options: { id: positionId, debit: 1 } });
    expect((await press(legacy)).final.embeds[0].title).toBe(`Close ${positionId} at 1.00?`);
    expect((await (await aliceStore()).positions.get(positionId))!.status).toBe('open');

    const confirmed = await press(confirmId!);
    expect(confirmed.final.embeds[0].title).toBe(`Position ${positionId} closed`);
    const closed = (await (await aliceStore()).positions.get(positionId))!;
    expect(closed.status).toBe('closed');
    expect(closed.closeDebit).toBe(debit);
    expect(closed.realizedPl).toBeCloseTo((10 - debit) * 100, 9);
    // Pressed again: already closed, nothing changes.
    expect((await press(confirmId!)).final.embeds[0].description).toMatch(/is already closed/);
  });
});
