// /link: a one-time code on one platform, redeemed on the other, makes one user of the two
// identities: the positions of both are then seen on both.
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/app/context.ts';
import { LINK_PER_MINUTE } from '../../src/app/limiter.ts';
import {
  ALICE,
  BOB,
  capturingLogger,
  dataOf,
  errorLine,
  listedId,
  makeApp,
  replyText,
  type TestApp,
} from '../support/app.ts';

async function linkCode(t: TestApp, who: Identity): Promise<string> {
  const reply = await t.run('/link', who);
  const match = /one-time code: ([A-Z0-9]{4}-[A-Z0-9]{4}) \(valid 10 minutes, single use\)/.exec(
    reply.lines?.[0] ?? '',
  );
  if (!match) throw new Error(`no code in ${JSON.stringify(reply.lines)}`);
  return match[1]!;
}

const listIds = async (t: TestApp, who: Identity) =>
  dataOf(await t.run('/position list', who), 'position list')
    .positions.map(listedId)
    .sort();

describe('/link', () => {
  for (const first of [ALICE.console, ALICE.discord]) {
    it(`a code from ${first.platform}, redeemed on Telegram, merges the positions of both`, async () => {
      const t = makeApp();
      const a = await t.addPosition(undefined, first);
      const b = await t.addPosition('/position add 5600 5650 6350 6400 2027-01-08 credit=12', first);
      const c = await t.addPosition('/position add 5500 5550 6450 6500 2027-01-15 credit=9', ALICE.telegram);
      expect(await listIds(t, ALICE.telegram)).toEqual([c]);

      const code = await linkCode(t, first);
      t.clock.advance(60_000);
      const linked = await t.run(`/link ${code}`, ALICE.telegram);
      expect(linked.title).toBe('Accounts linked');
      expect(dataOf(linked, 'link', 'merged').merged.positions).toBe(1);
      expect(linked.lines?.[0]).toMatch(/^Linked: .*Telegram \(Alice\).*1 position moved over; settings kept\.$/);

      const all = [a, b, c].sort();
      expect(await listIds(t, ALICE.telegram)).toEqual(all);
      expect(await listIds(t, first)).toEqual(all);
      // Both identities now belong to one user.
      const userOf = (who: Identity) => t.app.store.users.resolve(who.platform, who.platformUserId, who.displayName);
      expect(await userOf(first)).toBe(await userOf(ALICE.telegram));
      expect((await t.app.store.users.identities(await userOf(first))).map((i) => i.platform).sort()).toEqual(
        [first.platform, 'telegram'].sort(),
      );
      // A position of one can be closed from the other.
      expect((await t.run(`/position close ${a} 2`, ALICE.telegram)).error).toBeUndefined();
      // Bob sees none of it.
      expect(replyText(await t.run('/position list status=all', BOB.telegram))).not.toMatch(
        new RegExp([a, b, c].join('|')),
      );
    });
  }

  it('the code is accepted in lower case and without the dash', async () => {
    const t = makeApp();
    const code = await linkCode(t, ALICE.discord);
    const reply = await t.run(`/link ${code.replace('-', '').toLowerCase()}`, ALICE.telegram);
    expect(reply.title).toBe('Accounts linked');
  });

  it('a code lists the links already made, and is refused when it is your own, used, wrong or expired', async () => {
    const t = makeApp();
    const code = await linkCode(t, ALICE.discord);
    const own = await t.run(`/link ${code}`, ALICE.discord);
    expect(own.error?.identifier).toBe('link-self');
    expect((await t.run(`/link ${code}`, ALICE.telegram)).title).toBe('Accounts linked');
    const listed = await t.run('/link', ALICE.discord);
    expect(listed.lines?.[2]).toBe('Already linked: Telegram (Alice). Undo with /link unlink=telegram.');

    const used = await t.run(`/link ${code}`, BOB.telegram);
    expect(used.error?.identifier).toBe('link-used');
    expect(errorLine(used)).toMatch(/already used/);

    const wrong = await t.run('/link ZZZZ-ZZZZ', BOB.telegram);
    expect(wrong.error?.identifier).toBe('link-unknown');
    expect(errorLine(wrong)).toMatch(/No such code.*tries left/);

    const later = await linkCode(t, BOB.discord);
    t.clock.advance(10 * 60_000 + 1);
    const expired = await t.run(`/link ${later}`, BOB.telegram);
    expect(expired.error?.identifier).toBe('link-expired');
    expect(errorLine(expired)).toMatch(/expired \(codes last 10 minutes\)/);
    // Nothing was merged for Bob.
    const bobDiscord = await t.app.store.users.resolve('discord', BOB.discord.platformUserId, 'Bob');
    expect((await t.app.store.users.identities(bobDiscord)).map((i) => i.platform)).toEqual(['discord']);
  });

  it('a malformed code is refused by the schema with an example', async () => {
    const t = makeApp();
    expect(errorLine(await t.run('/link abc', ALICE.telegram))).toBe(
      'Option code must be a code like K7QM-2XPA (e.g. code=K7QM-2XPA). Usage: /link K7QM-2XPA',
    );
  });

  it('unlink=telegram: Telegram starts over empty, the positions stay with the remaining account', async () => {
    const t = makeApp();
    const id = await t.addPosition(undefined, ALICE.discord);
    await t.run(`/link ${await linkCode(t, ALICE.discord)}`, ALICE.telegram);
    expect(await listIds(t, ALICE.telegram)).toEqual([id]);
    const reply = await t.run('/link unlink=telegram', ALICE.discord);
    expect(reply.title).toBe('Unlinked');
    expect(await listIds(t, ALICE.discord)).toEqual([id]);
    expect((await t.run('/position list', ALICE.telegram)).lines?.[0]).toMatch(/^No open positions/);
    expect((await t.run('/link unlink=telegram', ALICE.discord)).error?.identifier).toBe('unlink-not-linked');
  });

  it('says before the code is typed that positions merge for good, and unlink keeps them on this account', async () => {
    const t = makeApp();
    const reply = await t.run('/link', ALICE.discord);
    expect(reply.lines?.[1]).toBe(
      'Linking merges that account into this one: its positions and settings join yours for good ' +
        '(an unlink later leaves them all here).',
    );
  });

  it('is rate-limited per user like the other expensive commands (each code costs a slow hash)', async () => {
    const t = makeApp();
    const answers = [];
    for (let i = 0; i < LINK_PER_MINUTE + 1; i++) answers.push(await t.run('/link ZZZZ-ZZZZ', BOB.telegram));
    expect(answers.slice(0, LINK_PER_MINUTE).map((a) => a.error?.identifier)).not.toContain('rate-limited');
    expect(answers.at(-1)?.error?.identifier).toBe('rate-limited');
    expect(errorLine(answers.at(-1)!)).toMatch(/^\/link is limited to protect the bot: try again in \d+ s\.$/);
  });

  it('the code never reaches the logs', async () => {
    const logger = capturingLogger();
    const t = makeApp({ logger });
    const code = await linkCode(t, ALICE.discord);
    await t.run(`/link ${code}`, ALICE.telegram);
    expect(JSON.stringify(logger.entries)).not.toContain(code);
    expect(JSON.stringify(logger.entries)).not.toContain(code.replace('-', ''));
  });
});
