// /subscribe: channel subscriptions need the right to manage the chat; personal ones go to the
// caller's private chat; off=true stops them (the row is kept, deactivated, for the ledger).
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  dataOf,
  errorLine,
  inDiscordChannel,
  inTelegramGroup,
  makeApp,
  MONDAY_10_NY,
} from '../support/app.ts';

type SubscriptionRow = {
  kind: string;
  platform: string;
  chat_id: string;
  user_id: string | null;
  time: string;
  active: number;
};

describe('/subscribe', () => {
  it('kind=channel in a Discord channel by someone who can manage it', async () => {
    const t = makeApp();
    const admin = inDiscordChannel(ALICE.discord, true);
    const reply = await t.run('/subscribe channel', admin);
    const { subscription } = dataOf(reply, 'subscribe');
    expect(subscription).toMatchObject({
      kind: 'channel',
      platform: 'discord',
      chatId: admin.chat.id,
      userId: null,
      time: '09:45',
      active: true,
      createdMs: MONDAY_10_NY,
    });
    // Discord readers get Discord's syntax; the channel's subscription is answered in the channel.
    expect(reply.lines?.[0]).toBe(
      'Daily channel summary at 09:45 America/New_York on NYSE trading days, to this channel. ' +
        'Stop with /subscribe kind:channel off:True.',
    );
    expect(reply.visibility).toBe('channel');
    expect(t.rows('subscriptions')).toHaveLength(1);
  });

  it('kind=channel by someone who cannot manage the chat: refused on both platforms, nothing written', async () => {
    const t = makeApp();
    await t.run('/settings', BOB.discord);
    await t.run('/settings', BOB.telegram);
    const before = t.rowCounts();
    const discord = await t.run('/subscribe channel', inDiscordChannel(BOB.discord, false));
    expect(discord.error?.identifier).toBe('not-admin');
    expect(errorLine(discord)).toBe('Only members with Manage Channels (or Manage Server) can subscribe this channel.');
    const telegram = await t.run('/subscribe time=08:30', inTelegramGroup(BOB.telegram, false));
    expect(errorLine(telegram)).toBe('Only a chat administrator can subscribe this group to daily summaries.');
    expect(t.rowCounts()).toEqual(before);
  });

  it('kind defaults to channel in a group and to personal in a private chat', async () => {
    const t = makeApp();
    const group = dataOf(await t.run('/subscribe', inTelegramGroup(ALICE.telegram, true)), 'subscribe').subscription;
    expect(group).toMatchObject({ kind: 'channel', chatId: '-1001234567890' });
    const personal = dataOf(await t.run('/subscribe', ALICE.telegram), 'subscribe').subscription;
    expect(personal).toMatchObject({ kind: 'personal', platform: 'telegram', chatId: ALICE.telegram.platformUserId });
    expect(personal.userId).toMatch(/\S/);
  });

  it('personal in a private chat, with a time, and in a group it still goes to the private chat', async () => {
    const t = makeApp();
    const reply = await t.run('/subscribe personal 16:15', ALICE.telegram);
    expect(dataOf(reply, 'subscribe').subscription).toMatchObject({
      kind: 'personal',
      time: '16:15',
      chatId: '7001',
    });
    expect(reply.lines?.[0]).toContain('to this private chat');
    const fromGroup = await t.run('/subscribe personal', inTelegramGroup(BOB.telegram, false));
    expect(dataOf(fromGroup, 'subscribe').subscription).toMatchObject({
      kind: 'personal',
      chatId: '7002',
    });
    expect(fromGroup.lines?.[0]).toContain('your private chat with the bot');
  });

  it('kind=channel in a private chat is refused', async () => {
    const t = makeApp();
    const reply = await t.run('/subscribe channel', ALICE.telegram);
    expect(errorLine(reply)).toBe('Option kind=channel works in a channel or group; here use /subscribe personal.');
  });

  it('subscribing again changes the time of the one subscription', async () => {
    const t = makeApp();
    await t.run('/subscribe personal 09:45', ALICE.telegram);
    await t.run('/subscribe personal 10:30', ALICE.telegram);
    const rows = t.rows('subscriptions') as SubscriptionRow[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ time: '10:30', active: 1 });
  });

  it('off=true stops it; stopping twice says there was nothing to stop', async () => {
    const t = makeApp();
    const admin = inDiscordChannel(ALICE.discord, true);
    await t.run('/subscribe channel 16:15', admin);
    await t.run('/subscribe personal', ALICE.telegram);
    const off = await t.run('/subscribe channel off=true', admin);
    expect(off.title).toBe('Unsubscribed');
    expect(off.lines).toEqual([
      'Stopped the daily channel summary at 16:15 America/New_York in this channel; nothing else changed.',
    ]);
    expect(off.visibility).toBe('channel');
    const rows = t.rows('subscriptions') as SubscriptionRow[];
    expect(rows.find((r) => r.kind === 'channel')?.active).toBe(0);
    expect(rows.find((r) => r.kind === 'personal')?.active).toBe(1);
    expect((await t.app.store.subscriptions.active()).map((s) => s.kind)).toEqual(['personal']);
    expect((await t.run('/subscribe channel off=true', admin)).title).toBe('Nothing to stop');
    // Stopping a channel needs the same right as starting it.
    await t.run('/subscribe channel', admin);
    const byMember = await t.run('/subscribe channel off=true', inDiscordChannel(BOB.discord, false));
    expect(byMember.error?.identifier).toBe('not-admin');
    expect((await t.app.store.subscriptions.active()).map((s) => s.kind).sort()).toEqual(['channel', 'personal']);
    const personalOff = await t.run('/subscribe off=true', ALICE.telegram);
    expect(personalOff.lines).toEqual([
      'Stopped the daily personal summary at 09:45 America/New_York to you; nothing else changed.',
    ]);
    expect(personalOff.visibility).toBe('caller');
  });

  it('refuses a time that is not HH:MM with one line and an example that works in a private chat', async () => {
    const t = makeApp();
    for (const line of [
      '/subscribe personal 25:99',
      '/subscribe personal 9:45',
      '/subscribe time=noon',
      '/subscribe time=25:00',
    ]) {
      const reply = await t.run(line, ALICE.telegram);
      expect(errorLine(reply)).toBe(
        'Option time must be a time HH:MM (24 h) (e.g. time=09:45). Usage: /subscribe personal 16:15',
      );
      // The suggested line works where it was suggested.
      const usage = errorLine(reply).split('Usage: ')[1]!;
      const t2 = makeApp();
      expect((await t2.run(usage, ALICE.telegram)).error).toBeUndefined();
    }
    expect(t.rowCounts().subscriptions).toBe(0);
  });
});
