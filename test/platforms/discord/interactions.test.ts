// The interaction handler's rules: defer then edit for slow commands (no sleeping: the command waits
// on a promise the test resolves), progress edits, auto-defer, text that cannot ping or format,
// the channel-subscription permission rule, autocomplete of the caller's own positions, and the
// error boundary.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import { NOT_ADVICE, type Reply } from '../../../src/app/reply.ts';
import type { MarketPort } from '../../../src/app/ports.ts';
import { ADMIN, ALICE, BOB, CHANNEL_ID, autocomplete, chatInput } from '../../support/discord-interactions.ts';
import { answerTo, botFixture, slash, textOf, type BotFixture } from './fixture.ts';

/** A promise the test resolves by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

let backtestGate = gate<Reply>();
let backtestStarted = gate();

let f: BotFixture;
beforeAll(async () => {
  f = await botFixture({
    autoDeferMs: 50,
    services: {
      backtests: {
        async run(_request, context) {
          backtestStarted.open();
          await context.progress?.('Replaying 1990-2025: 40%');
          return backtestGate.promise;
        },
      },
    },
  });
});
afterAll(async () => {
  await f.close();
});
beforeEach(() => {
  f.rest.reset();
  f.logs.length = 0;
});

const STRIKES = {
  long_put: 5615,
  short_put: 5665,
  short_call: 6335,
  long_call: 6385,
  expiry: '2026-04-24',
  credit: 14.2,
};

describe('slow commands', () => {
  it('defer within the window, show progress, then edit the answer in when the command finishes', async () => {
    backtestGate = gate<Reply>();
    backtestStarted = gate();
    const interaction = chatInput(f.client, f.app.deps.registry, 'backtest', { policy: 'all' });
    const handled = f.bot.handleInteraction(interaction);

    await backtestStarted.promise;
    const progress = await f.rest.waitFor('PATCH', new RegExp(`/${interaction.token}/messages/@original$`));
    // Deferred first (privately: /backtest is caller-visible), before the command answered.
    const first = answerTo(f.rest, interaction).requests;
    expect(first[0]!.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(progress.body.content).toBe('Replaying 1990-2025: 40%');
    expect(progress.body.allowed_mentions).toEqual({ parse: [] });
    expect(first).toHaveLength(2);

    backtestGate.open({ title: 'Backtest 1990-2025', visibility: 'caller', lines: ['done'], footer: [NOT_ADVICE] });
    await handled;
    const answer = answerTo(f.rest, interaction);
    expect(answer.requests.map((r) => `${r.method} ${r.path.split('/').at(-1)}`)).toEqual([
      'POST callback',
      'PATCH @original',
      'PATCH @original',
    ]);
    expect(answer.final.embeds[0].title).toBe('Backtest 1990-2025');
    // The progress line is cleared from the final message.
    expect(answer.final.content).toBe('');
    expect(answer.ephemeral).toBe(true);
  });

  it('a command not marked defer that is still running is deferred automatically, then edited', async () => {
    const slow = gate();
    const original = f.app.deps.market;
    const waiting: MarketPort = {
      snapshot: async (options) => {
        await slow.promise;
        return original.snapshot(options);
      },
    };
    f.app.deps.market = waiting;
    try {
      const interaction = chatInput(f.client, f.app.deps.registry, 'market');
      const handled = f.bot.handleInteraction(interaction);
      const deferral = await f.rest.waitFor('POST', new RegExp(`/${interaction.token}/callback$`));
      // /market is a channel command: the automatic deferral is public.
      expect(deferral.body).toEqual({ type: 5, data: { flags: 0 } });
      slow.open();
      await handled;
      const answer = answerTo(f.rest, interaction);
      expect(answer.via).toBe('edit');
      expect(answer.final.embeds[0].title).toBe('Market · 2026-03-10');
    } finally {
      f.app.deps.market = original;
    }
  });
});

describe('text a user typed', () => {
  it("a note with '@everyone', '<@&123>', '**bold**' neither pings nor formats", async () => {
    const note = '@everyone <@&123> <@456> **bold** [link](http://x)';
    const added = await slash(f, 'position add', { ...STRIKES, note });
    const id = /^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!;
    const shown = await slash(f, 'position show', { id });
    const description: string = shown.final.embeds[0].description;
    expect(description).toContain('Note: @\u200beveryone \\<@&123\\> \\<@456\\> \\*\\*bold\\*\\* \\[link\\](http://x)');
    expect(description).not.toMatch(/(^|[^\\])<@/);
    expect(description).not.toContain('@everyone');
    for (const request of f.rest.requests.filter(
      (r) => r.method !== 'DELETE' && !(r.path.endsWith('/callback') && r.body.type === 5),
    )) {
      const body = request.path.endsWith('/callback') ? request.body.data : request.body;
      expect(body.allowed_mentions).toEqual({ parse: [] });
    }
  });

  it('an echoed option value is escaped too', async () => {
    const answer = await slash(f, 'help', { command: '**x** @here <@&1>' });
    expect(answer.final.embeds[0].description).toBe(
      'Unknown command \\*\\*x\\*\\* @\u200bhere \\<@&1\\>: /help lists them all.',
    );
  });
});

describe('channel subscriptions', () => {
  it('a member without Manage Channels is refused', async () => {
    const answer = await slash(f, 'subscribe', { kind: 'channel' }, ALICE);
    expect(answer.ephemeral).toBe(true);
    expect(answer.final.embeds[0].description).toBe(
      'Only members with Manage Channels (or Manage Server) can subscribe this channel.',
    );
    expect(await f.app.store.subscriptions.forChat('discord', CHANNEL_ID)).toEqual([]);
  });

  it('a member with Manage Channels subscribes the channel', async () => {
    const answer = await slash(f, 'subscribe', { kind: 'channel', time: '09:50' }, ADMIN);
    // The channel's own subscription is answered where the channel sees it.
    expect(answer.ephemeral).toBe(false);
    expect(answer.final.embeds[0].title).toBe('Subscribed');
    expect(await f.app.store.subscriptions.forChat('discord', CHANNEL_ID)).toEqual([
      expect.objectContaining({ kind: 'channel', time: '09:50', active: true, userId: null }),
    ]);
  });

  it('Manage Server counts too, and can unsubscribe', async () => {
    const owner = { id: '600000000000000009', username: 'owner', permissions: PermissionFlagsBits.ManageGuild };
    const answer = await slash(f, 'subscribe', { kind: 'channel', off: true }, owner);
    expect(answer.final.embeds[0].title).toBe('Unsubscribed');
    expect((await f.app.store.subscriptions.forChat('discord', CHANNEL_ID)).filter((s) => s.active)).toEqual([]);
  });

  it('in a DM, /subscribe is personal (and channel is refused)', async () => {
    const personal = await slash(f, 'subscribe', {}, BOB, { guildId: null });
    expect(personal.final.embeds[0].title).toBe('Subscribed');
    expect(personal.final.embeds[0].description).toMatch(
      /^Daily personal summary at 09:45 America\/New\\_York on NYSE trading days, to this private chat\./,
    );
    const bobUser = await f.app.store.users.resolve('discord', BOB.id, 'bob');
    expect(await f.app.store.subscriptions.forChat('discord', BOB.id)).toEqual([
      expect.objectContaining({ kind: 'personal', userId: bobUser }),
    ]);
    const channel = await slash(f, 'subscribe', { kind: 'channel' }, BOB, { guildId: null });
    expect(channel.final.embeds[0].description).toBe(
      'Option kind:channel works in a channel or group; here use /subscribe kind:personal.',
    );
  });
});

describe('personal subscriptions from a server channel', () => {
  const personalOf = async (caller: typeof ALICE) => {
    const userId = await f.app.store.users.resolve('discord', caller.id, caller.username ?? caller.id);
    return (await f.app.store.subscriptions.forChat('discord', caller.id)).filter(
      (s) => s.kind === 'personal' && s.userId === userId,
    );
  };

  it('sends the confirmation to the DMs, and says so in the channel (only to the caller)', async () => {
    const answer = await slash(f, 'subscribe', { kind: 'personal', time: '16:15' }, BOB);
    const [dmOpen] = f.rest.find('POST', /^\/users\/@me\/channels$/);
    expect(dmOpen!.body).toEqual({ recipient_id: BOB.id });
    const [dmMessage] = f.rest.find('POST', /^\/channels\/7\d+\/messages$/);
    expect(dmMessage!.body.embeds[0].title).toBe('Subscribed');
    expect(dmMessage!.body.embeds[0].description).toMatch(
      /^Daily personal summary at 16:15 America\/New\\_York on NYSE trading days, to your direct messages\./,
    );
    expect(dmMessage!.body.allowed_mentions).toEqual({ parse: [] });
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer.final)).toContain('I sent this confirmation to your direct messages too.');
    expect(await personalOf(BOB)).toEqual([expect.objectContaining({ active: true, time: '16:15' })]);
  });

  it('DMs closed (Discord 50007): refused in the channel in one line, and nothing is subscribed', async () => {
    f.rest.script('POST', /^\/channels\/7\d+\/messages$/, {
      status: 403,
      body: { code: 50007, message: 'Cannot send messages to this user' },
    });
    const answer = await slash(f, 'subscribe', { kind: 'personal' }, ALICE);
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer.final)).toBe(
      'Personal summary not set up: I cannot send you direct messages. Allow direct messages from server members ' +
        '(server name → Privacy Settings), then run /subscribe kind:personal again.',
    );
    expect(answer.final.allowed_mentions).toEqual({ parse: [] });
    expect((await personalOf(ALICE)).filter((s) => s.active)).toEqual([]);
    expect(f.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('stopped later by the bot (DMs closed at delivery): off says what had stopped and why', async () => {
    await slash(f, 'subscribe', { kind: 'personal', time: '09:50' }, BOB);
    const [subscription] = (await personalOf(BOB)).filter((s) => s.active);
    await f.app.store.subscriptions.deactivate(
      subscription!.id,
      'the user does not accept direct messages from the bot',
      1,
    );
    const off = await slash(f, 'subscribe', { kind: 'personal', off: true }, BOB);
    expect(off.final.embeds[0].title).toBe('Nothing to stop');
    expect(off.final.embeds[0].description).toBe(
      'The daily personal summary at 09:50 America/New\\_York to you had already stopped: ' +
        'the user does not accept direct messages from the bot. Nothing else to stop.',
    );
  });
});

describe('autocomplete of position ids', () => {
  it("lists only the caller's own open positions, with a short label, filtered by what is typed", async () => {
    const ids: string[] = [];
    for (const shortPut of [5600, 5650]) {
      const added = await slash(f, 'position add', { ...STRIKES, long_put: shortPut - 50, short_put: shortPut }, BOB);
      ids.push(/^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!);
    }
    const alice = await slash(f, 'position add', STRIKES, ALICE);
    const aliceId = /^Position ([a-z0-9]+) recorded$/.exec(alice.final.embeds[0].title)![1]!;

    const all = autocomplete(f.client, f.app.deps.registry, 'position show', 'id', '', BOB);
    await f.bot.handleInteraction(all);
    const answer = answerTo(f.rest, all);
    expect(answer.requests[0]!.body.type).toBe(8);
    const choices = answer.final.choices as { name: string; value: string }[];
    expect(choices.map((c) => c.value).sort()).toEqual([...ids].sort());
    expect(choices.map((c) => c.value)).not.toContain(aliceId);
    for (const choice of choices)
      expect(choice.name).toMatch(new RegExp(`^${choice.value} · 56[05]0/6335 Apr24 [+-]?\\$[\\d,]+$`));

    const typed = autocomplete(f.client, f.app.deps.registry, 'hedge', 'id', '5650/', BOB);
    await f.bot.handleInteraction(typed);
    expect(answerTo(f.rest, typed).final.choices.map((c: { value: string }) => c.value)).toEqual([ids[1]]);
  });

  it('answers an empty list for an option that is not a position id', async () => {
    const other = autocomplete(f.client, f.app.deps.registry, 'help', 'command', 'pos', ALICE);
    await f.bot.handleInteraction(other);
    expect(answerTo(f.rest, other).final).toEqual({ choices: [] });
  });
});

describe('error boundary', () => {
  it('an unexpected failure inside a command shows a reference, never a stack', async () => {
    const original = f.app.deps.market;
    f.app.deps.market = {
      snapshot: async () => {
        throw new Error('socket hang up at fetchQuote (/src/market/cboe.ts:12:3)');
      },
    };
    try {
      const answer = await slash(f, 'market');
      expect(answer.ephemeral).toBe(true);
      const text = textOf(answer.final);
      expect(text).toMatch(/It is logged as ref [A-Z2-9]{6}\./);
      expect(text).not.toMatch(/socket|cboe\.ts|at /);
    } finally {
      f.app.deps.market = original;
    }
  });

  it('when Discord refuses the answer, it follows up with a reference instead', async () => {
    const interaction = chatInput(f.client, f.app.deps.registry, 'condor eval', { ...STRIKES, expiry: '45' });
    f.rest.script('PATCH', new RegExp(`/${interaction.token}/messages/@original$`), {
      status: 400,
      body: { code: 50035, message: 'Invalid Form Body' },
    });
    await f.bot.handleInteraction(interaction);
    const failed = answerTo(f.rest, interaction);
    expect(failed.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(failed.final.content).toMatch(/^Something went wrong on my side\. It is logged as ref [A-Z2-9]{6}\.$/);
    expect(failed.final.allowed_mentions).toEqual({ parse: [] });
    const logged = f.logs.find((entry) => entry.level === 'error');
    expect(logged?.object).toMatchObject({
      interactionId: interaction.id,
      code: 50035,
      reference: expect.stringMatching(/^[A-Z2-9]{6}$/),
    });
    expect(failed.final.content).toContain(String(logged!.object.reference));
  });
});
