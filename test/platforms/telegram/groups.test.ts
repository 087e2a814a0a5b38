// Groups: /command@bot, personal answers in private (or how to start a chat), the administrator rule
// for /subscribe, hedge discussions as polls with an Adopt button and attributed votes, buttons run
// as the presser, anonymous admins, and the error boundary.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiError } from '../../support/telegram-fake.ts';
import { messagesIn, startHarness, type Harness } from '../../support/telegram-harness.ts';

const GROUP = -9001;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const inGroup = (userId: number, firstName = 'Bob') =>
  h.client({ userId, firstName, chatId: GROUP, type: 'supergroup', chatTitle: 'Condor traders' });
const privately = (userId: number, firstName = 'Bob') => h.client({ userId, firstName });

const keyboardOf = (body: Record<string, unknown>) =>
  ((body.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((key) => key.callback_data);

async function recordPosition(userId: number): Promise<string> {
  const calls = await h.say(privately(userId), '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2');
  return /Position ([a-z0-9]{6}) recorded/.exec(messagesIn(calls)[0]!.html)![1]!;
}

describe('commands in a group', () => {
  it('takes /position@botname, answers in private and notes it in the group', async () => {
    const calls = await h.say(inGroup(202), '/position@TestNameBot add 5615 5665 6335 6385 2027-01-08 credit=14.2');
    const [answer, note, ...rest] = messagesIn(calls);
    expect(rest).toEqual([]);
    expect(answer!.chatId).toBe('202');
    expect(answer!.html).toMatch(/^<b>✓ Position [a-z0-9]{6} recorded<\/b>/);
    expect(note!.chatId).toBe(String(GROUP));
    expect(note!.html).toBe('Bob: answered you in private.');
    expect(note!.body.reply_parameters).toEqual({ message_id: expect.any(Number), allow_sending_without_reply: true });
    const userId = await h.app.store.users.resolve('telegram', '202', 'Bob');
    expect(await h.app.store.forUser(userId).positions.list('open')).toHaveLength(1);
  });

  it('ignores a command addressed to another bot', async () => {
    const calls = await h.say(inGroup(202), '/position@SomeOtherBot list');
    expect(calls).toEqual([]);
  });

  it('answers channel commands in the group itself, as a reply', async () => {
    const calls = await h.say(inGroup(202), '/market@TestNameBot');
    const [answer, ...rest] = messagesIn(calls);
    expect(rest).toEqual([]);
    expect(answer!.chatId).toBe(String(GROUP));
    expect(answer!.html).toMatch(/^<b>Market · /);
    expect(h.fake.callsTo('getChatMember')).toEqual([]);
  });

  it('tells the group how to start a private chat when the user never did (403), not the answer', async () => {
    h.fake.intercept('sendMessage', (call) =>
      String(call.body.chat_id) === '303'
        ? apiError(403, "Forbidden: bot can't initiate conversation with a user")
        : undefined,
    );
    const calls = await h.say(inGroup(303, 'Carol'), '/position list');
    const sent = messagesIn(calls);
    expect(sent.map((m) => m.chatId)).toEqual(['303', String(GROUP)]);
    expect(sent[1]!.html).toBe(
      'Carol, I answer this in private: ' +
        'open <a href="https://t.me/TestNameBot?start=hi">t.me/TestNameBot?start=hi</a>, ' +
        'press Start, then send the command again.',
    );
    expect(sent[1]!.html).not.toContain('positions');
  });
});

describe('subscribing a group needs a chat administrator', () => {
  const channelSubscriptions = async () =>
    (await h.app.store.subscriptions.forChat('telegram', String(GROUP))).filter(
      (s) => s.kind === 'channel' && s.active,
    );

  it('refuses a plain member, after asking Telegram, in the group (a channel action: no private chat)', async () => {
    const calls = await h.say(inGroup(404), '/subscribe@TestNameBot channel');
    expect(h.fake.callsTo('getChatMember').map((c) => [c.body.chat_id, c.body.user_id])).toEqual([[GROUP, 404]]);
    const [answer, ...rest] = messagesIn(calls);
    expect(rest).toEqual([]);
    expect(answer!.chatId).toBe(String(GROUP));
    expect(answer!.html).toBe(
      '<b>✗ Not done</b>\nOnly a chat administrator can subscribe this group to daily summaries.',
    );
    expect(await channelSubscriptions()).toEqual([]);
  });

  it.each(['administrator', 'creator'])('subscribes the group for an %s', async (status) => {
    h.fake.members.set(`${GROUP}:404`, status);
    const calls = await h.say(inGroup(404), '/subscribe channel 09:30');
    expect(messagesIn(calls)[0]!.html).toMatch(/^<b>✓ Subscribed<\/b>\nDaily channel summary at 09:30/);
    expect(await channelSubscriptions()).toEqual([
      expect.objectContaining({ chatId: String(GROUP), time: '09:30', platform: 'telegram' }),
    ]);
  });

  it('answers an admin in the group, even one who never pressed Start, and off says what stopped', async () => {
    h.fake.members.set(`${GROUP}:606`, 'administrator');
    // The admin's private chat does not exist: any message there would fail with 403.
    h.fake.intercept('sendMessage', (call) =>
      String(call.body.chat_id) === '606'
        ? apiError(403, "Forbidden: bot can't initiate conversation with a user")
        : undefined,
    );
    const calls = await h.say(inGroup(606, 'Erin'), '/subscribe');
    const sent = messagesIn(calls);
    expect(sent.map((m) => m.chatId)).toEqual([String(GROUP)]);
    expect(sent[0]!.html).toMatch(
      /^<b>✓ Subscribed<\/b>\nDaily channel summary at 09:45 America\/New_York .*to this channel\. Stop with \/subscribe channel off=true\.$/,
    );
    expect(sent[0]!.html).not.toMatch(/private|Start/);
    expect(await channelSubscriptions()).toHaveLength(1);
    const off = messagesIn(await h.say(inGroup(606, 'Erin'), '/subscribe channel off=true'));
    expect(off.map((m) => [m.chatId, m.html])).toEqual([
      [
        String(GROUP),
        '<b>Unsubscribed</b>\n' +
          'Stopped the daily channel summary at 09:45 America/New_York in this channel; nothing else changed.',
      ],
    ]);
    expect(await channelSubscriptions()).toEqual([]);
  });

  it('lets an anonymous admin (posting as the group) subscribe it, without asking Telegram', async () => {
    const asTheGroup = {
      update_id: 91_001,
      message: {
        message_id: 7,
        date: 1,
        text: '/subscribe channel 10:00',
        entities: [{ type: 'bot_command' as const, offset: 0, length: 10 }],
        chat: { id: GROUP, type: 'supergroup' as const, title: 'Condor traders' },
        from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        sender_chat: { id: GROUP, type: 'supergroup' as const, title: 'Condor traders' },
      },
    };
    const sent = messagesIn(await h.deliver(asTheGroup));
    expect(sent.map((m) => m.chatId)).toEqual([String(GROUP)]);
    expect(sent[0]!.html).toMatch(/^<b>✓ Subscribed<\/b>\nDaily channel summary at 10:00/);
    expect(await channelSubscriptions()).toEqual([expect.objectContaining({ time: '10:00' })]);
    expect(h.fake.callsTo('getChatMember')).toEqual([]);
    // A post on behalf of another chat (a linked channel) is not the group's admin.
    const asAChannel = {
      update_id: 91_002,
      message: {
        ...asTheGroup.message,
        message_id: 8,
        text: '/subscribe channel off=true',
        entities: [{ type: 'bot_command' as const, offset: 0, length: 10 }],
        from: { id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' },
        sender_chat: { id: -100777, type: 'channel' as const, title: 'Some channel' },
      },
    };
    const refused = messagesIn(await h.deliver(asAChannel));
    expect(refused[0]!.html).toMatch(/^Commands with personal data need your own account/);
    expect(await channelSubscriptions()).toHaveLength(1);
  });

  it('does not keep a personal subscription it could never deliver (the user never pressed Start)', async () => {
    h.fake.intercept('sendMessage', (call) =>
      String(call.body.chat_id) === '707'
        ? apiError(403, "Forbidden: bot can't initiate conversation with a user")
        : undefined,
    );
    const sent = messagesIn(await h.say(inGroup(707, 'Finn'), '/subscribe personal'));
    // The confirmation to the private chat is refused (403); the group gets the reason, not the subscription.
    expect(sent.map((m) => m.chatId)).toEqual(['707', String(GROUP)]);
    expect(sent[1]!.html).toMatch(
      /^Finn, your personal summary is not set up: I cannot message you in private yet\. Open <a href=/,
    );
    expect((await h.app.store.subscriptions.active()).filter((s) => s.kind === 'personal')).toEqual([]);
  });

  it('asks Telegram about rights only for /subscribe', async () => {
    await h.say(inGroup(404), '/position list');
    await h.say(inGroup(404), '/settings');
    await h.say(privately(404), '/subscribe personal');
    expect(h.fake.callsTo('getChatMember')).toEqual([]);
  });
});

describe('hedge discussion', () => {
  async function share(owner: number) {
    const id = await recordPosition(owner);
    const calls = await h.say(inGroup(owner, 'Dora'), `/hedge ${id} share=true`);
    return { id, calls };
  }

  it('posts the proposal, then a non-anonymous poll with an Adopt button', async () => {
    const { id, calls } = await share(505);
    const [proposal] = messagesIn(calls);
    expect(proposal!.chatId).toBe(String(GROUP));
    expect(proposal!.html).toMatch(new RegExp(`^<b>Dora shares: ALVH for ${id}`));
    const poll = calls.find((call) => call.method === 'sendPoll')!;
    expect(calls.indexOf(poll)).toBeGreaterThan(calls.findIndex((call) => call.method === 'sendMessage'));
    expect(poll.body.chat_id).toBe(GROUP);
    // The poll says it is for discussion, and that Adopt acts only for the position's owner.
    expect(poll.body.question).toMatch(
      /^For discussion \(Adopt records only for the position's owner\): Adopt ALVH layer \d \(VIX \d+\/\d+ call spread, \d{4}-\d\d-\d\d\)\?$/,
    );
    expect(poll.body.options).toEqual(['Adopt', 'Skip', 'Need more data']);
    expect(poll.body.is_anonymous).toBe(false);
    const layer = /layer (\d)/.exec(String(poll.body.question))![1];
    expect(poll.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Adopt', callback_data: `cx:hedge|id=${id}|adopt=${layer}|review=true` }]],
    });
  });

  it("sends the owner's Adopt vote a private review, records on Confirm, once; ignores other votes", async () => {
    const { id } = await share(505);
    // The fake numbers its polls: this harness's first one.
    const pollId = 'poll-1';
    expect(await h.bot.polls.get('telegram', pollId, h.clock.now())).toMatchObject({
      chatId: String(GROUP),
      adoptOption: 0,
      adopt: { command: 'hedge' },
    });
    const vote = (userId: number, options: number[]) =>
      h.deliver({
        update_id: 70_000 + userId,
        poll_answer: {
          poll_id: pollId,
          user: { id: userId, is_bot: false, first_name: userId === 505 ? 'Dora' : 'Eve' },
          option_ids: options,
        },
      });
    const owner = await h.app.store.users.resolve('telegram', '505', 'Dora');
    const layers = async () => (await h.app.store.forUser(owner).positions.get(id))!.hedgeLayers;

    expect(await vote(505, [1])).toEqual([]);
    expect(await vote(505, [])).toEqual([]);

    // The vote is a press of Adopt: a review in the owner's private chat, nothing recorded.
    const [review] = messagesIn(await vote(505, [0]));
    expect(review!.chatId).toBe('505');
    expect(review!.html).toMatch(
      new RegExp(
        `^<b>! Adopt hedge layer 1 on ${id}\\?</b>\nYour Adopt vote in Condor traders:\n.*\n` +
          'Records: VIX \\d{4}-\\d\\d-\\d\\d [\\d.]+/[\\d.]+ call spread x\\d+ at [\\d.]+: ',
      ),
    );
    expect(await layers()).toEqual([]);
    const confirm = keyboardOf(review!.body)[0]!;
    expect(confirm).toMatch(new RegExp(`^cx:hedge\\|id=${id}\\|adopt=1\\|confirm=[0-9a-z]{6}[A-Za-z0-9_-]{8}$`));
    expect(Buffer.byteLength(confirm)).toBeLessThanOrEqual(64);

    // Confirm records the layer as reviewed; the same Confirm again records nothing twice.
    const done = messagesIn(await h.press(privately(505, 'Dora'), confirm))[0]!;
    expect(done.html).toMatch(new RegExp(`^<b>✓ Hedge layer 1 recorded on ${id}</b>`));
    expect((await layers()).map((layer) => layer.layer)).toEqual([1]);
    const twice = messagesIn(await h.press(privately(505, 'Dora'), confirm))[0]!;
    expect(twice.html).toBe(`<b>✗ Not done</b>\nLayer 1 is already active on ${id}.`);
    expect(await layers()).toHaveLength(1);

    // Someone else's vote is discussion only: it cannot touch Dora's position, and nobody is messaged.
    expect(messagesIn(await vote(606, [0]))).toEqual([]);
    expect(await layers()).toHaveLength(1);
  });

  it('never posts a per-vote note in the group, even when the owner cannot be sent the review in private', async () => {
    const { id } = await share(505);
    h.fake.intercept('sendMessage', (call) =>
      String(call.body.chat_id) === '505' ? apiError(403, 'Forbidden: bot was blocked by the user') : undefined,
    );
    const calls = await h.deliver({
      update_id: 80_001,
      poll_answer: { poll_id: 'poll-1', user: { id: 505, is_bot: false, first_name: 'Dora' }, option_ids: [0] },
    });
    expect(messagesIn(calls).filter((m) => m.chatId === String(GROUP))).toEqual([]);
    // A vote alone never records.
    const owner = await h.app.store.users.resolve('telegram', '505', 'Dora');
    expect((await h.app.store.forUser(owner).positions.get(id))!.hedgeLayers).toEqual([]);
  });

  it('falls back to a plain message saying what was missing when polls are not allowed', async () => {
    h.fake.intercept('sendPoll', () => apiError(400, 'Bad Request: not enough rights to send polls to the chat'));
    const { id, calls } = await share(505);
    const sent = messagesIn(calls);
    const fallback = sent.at(-1)!;
    expect(fallback.chatId).toBe(String(GROUP));
    expect(fallback.html).toContain('I could not open a poll here: I am not allowed to send polls in this chat.');
    expect(fallback.html).not.toContain('Bad Request');
    expect(fallback.body.reply_markup).toEqual({
      inline_keyboard: [
        [
          {
            text: 'Adopt',
            callback_data: expect.stringMatching(new RegExp(`^cx:hedge\\|id=${id}\\|adopt=\\d\\|review=true$`)),
          },
        ],
      ],
    });
  });

  it('does not open a poll in a private chat (share is for groups)', async () => {
    const id = await recordPosition(505);
    const calls = await h.say(privately(505), `/hedge ${id} share=true`);
    expect(calls.some((call) => call.method === 'sendPoll')).toBe(false);
    expect(messagesIn(calls)[0]!.html).toBe(
      '<b>✗ Not done</b>\nOption share works in a channel or group: run /hedge there with share=true.',
    );
  });
});

describe('buttons', () => {
  it('run the command as the person who presses them, then answer the callback', async () => {
    const id = await recordPosition(505);
    const eve = inGroup(606, 'Eve');
    const calls = await h.press(eve, `cx:position show|id=${id}`);
    const [answer] = messagesIn(calls);
    expect(answer!.chatId).toBe('606');
    expect(answer!.html).toBe(`<b>✗ Not done</b>\nNo position ${id} in your positions; see /position list.`);
    const answered = calls.filter((call) => call.method === 'answerCallbackQuery');
    expect(answered).toHaveLength(1);
    expect(answered[0]!.body.text).toBe(
      `No position ${id} in your positions; see /position list. (answered in private)`,
    );

    const own = await h.press(inGroup(505, 'Dora'), `cx:position show|id=${id}`);
    expect(messagesIn(own)[0]!.html).toMatch(new RegExp(`^<b>${id}: `));
    expect(own.filter((call) => call.method === 'answerCallbackQuery')[0]!.body.text).toMatch(
      /\(answered in private\)$/,
    );
  });

  describe('a channel subscription from a button behaves as the typed /subscribe channel', () => {
    const channelSubscriptions = async () =>
      (await h.app.store.subscriptions.forChat('telegram', String(GROUP))).filter(
        (s) => s.kind === 'channel' && s.active,
      );
    const callbackAnswers = (calls: Awaited<ReturnType<Harness['press']>>) =>
      calls.filter((call) => call.method === 'answerCallbackQuery').map((call) => call.body);

    it('an admin who never pressed Start: answered in the group, subscribed, nothing in private', async () => {
      h.fake.members.set(`${GROUP}:606`, 'administrator');
      h.fake.intercept('sendMessage', (call) =>
        String(call.body.chat_id) === '606'
          ? apiError(403, "Forbidden: bot can't initiate conversation with a user")
          : undefined,
      );
      const calls = await h.press(inGroup(606, 'Erin'), 'cx:subscribe|kind=channel|time=09:40');
      const sent = messagesIn(calls);
      expect(sent.map((m) => m.chatId)).toEqual([String(GROUP)]);
      expect(sent[0]!.html).toMatch(/^<b>✓ Subscribed<\/b>\nDaily channel summary at 09:40 America\/New_York/);
      expect(callbackAnswers(calls)).toEqual([expect.objectContaining({ text: 'Subscribed' })]);
      expect(await channelSubscriptions()).toEqual([expect.objectContaining({ time: '09:40' })]);
    });

    it('a plain member is refused in one line in the group (and told in the alert), nothing subscribed', async () => {
      const calls = await h.press(inGroup(404), 'cx:subscribe|kind=channel');
      expect(h.fake.callsTo('getChatMember').map((c) => [c.body.chat_id, c.body.user_id])).toEqual([[GROUP, 404]]);
      expect(messagesIn(calls).map((m) => [m.chatId, m.html])).toEqual([
        [String(GROUP), '<b>✗ Not done</b>\nOnly a chat administrator can subscribe this group to daily summaries.'],
      ]);
      expect(callbackAnswers(calls)).toEqual([
        expect.objectContaining({
          text: 'Only a chat administrator can subscribe this group to daily summaries.',
          show_alert: true,
        }),
      ]);
      expect(await channelSubscriptions()).toEqual([]);
    });

    it('an anonymous admin (pressing as the group) subscribes it without asking Telegram', async () => {
      const press = {
        update_id: 92_001,
        callback_query: {
          id: 'cbq-anon',
          chat_instance: '1',
          data: 'cx:subscribe|kind=channel|time=10:05',
          from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
          message: {
            message_id: 3,
            date: 1,
            text: 'Market',
            chat: { id: GROUP, type: 'supergroup' as const, title: 'Condor traders' },
            from: { id: 1, is_bot: true, first_name: 'Condor' },
          },
        },
      };
      const calls = await h.deliver(press);
      expect(messagesIn(calls).map((m) => m.chatId)).toEqual([String(GROUP)]);
      expect(messagesIn(calls)[0]!.html).toMatch(/^<b>✓ Subscribed<\/b>\nDaily channel summary at 10:05/);
      expect(h.fake.callsTo('getChatMember')).toEqual([]);
      expect(await channelSubscriptions()).toEqual([expect.objectContaining({ time: '10:05' })]);
    });
  });

  it('answer a stale or foreign payload without running anything', async () => {
    const calls = await h.press(privately(505), 'not-ours');
    expect(calls.map((call) => call.method)).toEqual(['answerCallbackQuery']);
    expect(calls[0]!.body).toMatchObject({
      text: 'This button no longer works: type the command instead.',
      show_alert: true,
    });
  });
});

describe('anything else typed', () => {
  it('plain text or an unknown command: one line pointing to /help in private; nothing in a group', async () => {
    const text = messagesIn(await h.say(privately(909), 'hello there'));
    expect(text.map((m) => [m.chatId, m.html])).toEqual([
      ['909', 'I answer commands, e.g. /market or /condor eval 5615 5665 6335 6385 45. /help lists them all.'],
    ]);
    const unknown = messagesIn(await h.say(privately(909), '/frobnicate now'));
    expect(unknown.map((m) => m.html)).toEqual(['I have no /frobnicate command. /help lists what I can do.']);
    expect(await h.say(inGroup(909), 'hello group')).toEqual([]);
    expect(await h.say(inGroup(909), '/frobnicate')).toEqual([]);
  });

  it('shows "typing…" in the chat where the answer goes', async () => {
    await h.say(inGroup(202), '/condor eval 5615 5665 6335 6385 45');
    expect(h.fake.callsTo('sendChatAction').map((c) => String(c.body.chat_id))).toEqual(['202']);
  });
});

describe('anonymous admins and errors', () => {
  const anonymous = (text: string) => ({
    update_id: 90_000 + text.length,
    message: {
      message_id: 5,
      date: 1,
      text,
      entities: [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }],
      chat: { id: GROUP, type: 'supergroup' as const, title: 'Condor traders' },
      from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
      sender_chat: { id: GROUP, type: 'supergroup' as const, title: 'Condor traders' },
    },
  });

  it('keeps personal commands away from the shared anonymous account', async () => {
    const calls = await h.deliver(anonymous('/position list'));
    const [line] = messagesIn(calls);
    expect(line!.chatId).toBe(String(GROUP));
    expect(line!.html).toMatch(/^Commands with personal data need your own account: turn off "Remain anonymous"/);
    expect(messagesIn(await h.deliver(anonymous('/market')))[0]!.html).toMatch(/^<b>Market · /);
  });

  it('logs an unexpected failure with a reference and gives the chat only the reference', async () => {
    let failed = false;
    h.fake.intercept('sendMessage', () => {
      if (failed) return undefined;
      failed = true;
      return apiError(500, 'Internal Server Error');
    });
    const calls = await h.say(privately(808), '/market');
    const sent = messagesIn(calls);
    expect(sent).toHaveLength(2);
    const reference = /ref ([A-Z0-9]{6})/.exec(sent[1]!.html)![1];
    expect(sent[1]!.html).toBe(`Something went wrong on my side (ref ${reference}).`);
    expect(h.logger.entries.some((entry) => entry.level === 'error' && entry.object.reference === reference)).toBe(
      true,
    );
  });
});
