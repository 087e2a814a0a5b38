// Linking a Discord identity (driven through runLine, as the Discord adapter does) with a Telegram
// identity (typing into the emulator): merge without duplicates, expiry after 10 minutes with a
// fake clock, single use, the lock after 5 wrong codes, the list of links and how to undo them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLine, type Identity } from '../../../src/app/context.ts';
import { linkCodeIn, messagesIn, startHarness, type Harness } from '../../support/telegram-harness.ts';
import { dataOf } from '../../support/app.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const discordAlice: Identity = {
  platform: 'discord',
  platformUserId: '310000000000000001',
  displayName: 'alice_dc',
  chat: {
    platform: 'discord',
    id: '320000000000000001',
    kind: 'group',
    guildId: '330000000000000001',
    callerCanManage: false,
  },
};

async function onDiscord(line: string, identity: Identity = discordAlice) {
  const { reply } = await runLine(h.app.deps, identity, line);
  return reply;
}

async function discordCode(identity: Identity = discordAlice): Promise<string> {
  const reply = await onDiscord('/link', identity);
  expect(reply.title).toBe('Link code');
  return linkCodeIn(reply.lines![0]!)!;
}

/** What the bot answered a Telegram user in their private chat. */
async function onTelegram(userId: number, line: string, firstName = 'Alice'): Promise<string> {
  const calls = await h.say(h.client({ userId, firstName }), line);
  const answers = messagesIn(calls).filter((m) => m.chatId === String(userId));
  expect(answers).toHaveLength(1);
  return answers[0]!.html;
}

const count = (sql: string) => h.app.store.db.prepare(sql).pluck().get() as number;

describe('linking Discord and Telegram', () => {
  it('merges the two users: positions and settings kept, nothing twice, links listed with how to undo', async () => {
    const onDiscordAdd = await onDiscord('/position add 5615 5665 6335 6385 2027-01-08 credit=14.2 note=discord');
    expect(onDiscordAdd.title).toMatch(/recorded$/);
    await onDiscord('/settings profit_target=40%');
    expect(await onTelegram(101, '/position add 5600 5650 6350 6400 2027-01-08 credit=12.5 note=telegram')).toMatch(
      /^<b>✓ Position/,
    );
    expect(await onTelegram(101, '/settings profit_target=60% stop_loss=3')).toMatch(/^<b>✓ Settings saved/);
    expect(count('SELECT count(*) FROM users')).toBe(2);

    const code = await discordCode();
    const linked = await onTelegram(101, `/link ${code}`);
    expect(linked).toBe(
      '<b>✓ Accounts linked</b>\n' +
        'Linked: Discord (alice_dc) + Telegram (Alice). 1 position moved over; settings kept.\n' +
        'You now see the same positions on both platforms.',
    );

    // One user, two identities, the two positions once each.
    expect(count('SELECT count(*) FROM users')).toBe(1);
    expect(count('SELECT count(*) FROM identities')).toBe(2);
    expect(count('SELECT count(*) FROM positions')).toBe(2);
    const telegramList = await onTelegram(101, '/position list');
    const discordList = await onDiscord('/position list');
    const ids = dataOf(discordList, 'position list')
      .positions.map((row) => ('id' in row ? row.id : row.position.id))
      .sort();
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(telegramList.split(id)).toHaveLength(2);

    // Settings: the code's owner (Discord) wins where both set a key; the other's fill the gaps.
    const settings = await onTelegram(101, '/settings');
    expect(settings).toContain('<b>Profit target</b>: 40%');
    expect(settings).toContain('<b>Stop loss</b>: 3× credit');

    // /link again on the linked Telegram account: the links and how to undo them.
    const listing = await onTelegram(101, '/link');
    expect(listing).toContain('Already linked: Discord (alice_dc). Undo with /link unlink=discord.');

    // Undo from Telegram: Discord starts over empty, the positions stay with this account.
    expect(await onTelegram(101, '/link unlink=discord')).toBe(
      '<b>Unlinked</b>\nDiscord is no longer linked; your positions stay with the remaining account.',
    );
    expect(await onTelegram(101, '/position list')).toMatch(/^<b>Your open positions \(2\)<\/b>/);
    expect((await onDiscord('/position list')).lines).toEqual([expect.stringMatching(/^No open positions\./)]);
    expect(count('SELECT count(*) FROM positions')).toBe(2);
  });

  it('answers /link typed in a group in the private chat', async () => {
    const code = await discordCode();
    const group = h.client({
      userId: 102,
      firstName: 'Alice',
      chatId: -5005,
      type: 'supergroup',
      chatTitle: 'Traders',
    });
    const sent = messagesIn(await h.say(group, `/link@TestNameBot ${code}`));
    expect(sent.map((m) => m.chatId)).toEqual(['102', '-5005']);
    expect(sent[0]!.html).toMatch(/^<b>✓ Accounts linked<\/b>/);
    expect(sent[1]!.html).toBe('Alice: answered you in private.');
  });

  it('expires a code after 10 minutes', async () => {
    const stale = await discordCode();
    h.clock.advance(10 * 60_000);
    expect(await onTelegram(101, `/link ${stale}`)).toBe(
      '<b>✗ Not done</b>\nThat code has expired (codes last 10 minutes): ' +
        'ask for a new code with /link on the other platform (4 tries left).',
    );
    expect(count('SELECT count(*) FROM identities')).toBe(2);

    const fresh = await discordCode();
    h.clock.advance(10 * 60_000 - 1_000);
    expect(await onTelegram(101, `/link ${fresh.toLowerCase().replace('-', '')}`)).toMatch(
      /^<b>✓ Accounts linked<\/b>/,
    );
  });

  it('takes a code once', async () => {
    const code = await discordCode();
    expect(await onTelegram(101, `/link ${code}`)).toMatch(/^<b>✓ Accounts linked<\/b>/);
    expect(await onTelegram(202, `/link ${code}`, 'Mallory')).toBe(
      '<b>✗ Not done</b>\nThat code was already used: ' +
        'ask for a new code with /link on the other platform (4 tries left).',
    );
    expect(count('SELECT count(*) FROM identities')).toBe(3);
    expect(
      count("SELECT count(DISTINCT user_id) FROM identities WHERE platform_user_id IN ('101', '310000000000000001')"),
    ).toBe(1);
  });

  it('locks a Telegram user out after 5 wrong codes: even the right code is refused, unread', async () => {
    const answers: string[] = [];
    for (const wrong of ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC', 'DDDD-DDDD', 'EEEE-EEEE'])
      answers.push(await onTelegram(303, `/link ${wrong}`, 'Guesser'));
    expect(answers[0]).toBe(
      '<b>✗ Not done</b>\nNo such code: check it, ' +
        'or ask for a new code with /link on the other platform (4 tries left).',
    );
    expect(answers[3]).toMatch(/\(1 try left\)\.$/);
    expect(answers[4]).toBe(
      '<b>✗ Not done</b>\nNo such code: check it, or ask for a new code with /link on the other platform.',
    );

    const right = await discordCode();
    const locked =
      '<b>✗ Not done</b>\nToo many wrong codes: linking is locked for 10 more minutes, ' +
      'and every code typed until then is refused (even a right one). ' +
      'Then ask for a new code with /link on the other platform.';
    expect(await onTelegram(303, `/link ${right}`, 'Guesser')).toBe(locked);
    // Refused before the code is even hashed: the answer is the same for a right and a wrong code.
    h.clock.advance(61_000); // past /link's per-minute limit, well inside the lockout window
    expect(await onTelegram(303, '/link FFFF-FFFF', 'Guesser')).toBe(
      locked.replace('10 more minutes', '9 more minutes'),
    );
    expect(count('SELECT count(*) FROM identities')).toBe(2);

    // After the window, a new code works for them.
    h.clock.advance(10 * 60_000 + 1_000);
    const next = await discordCode();
    expect(await onTelegram(303, `/link ${next}`, 'Guesser')).toMatch(/^<b>✓ Accounts linked<\/b>/);
  });
});
