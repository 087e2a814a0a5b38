// The scheduler's sender: a Reply and a hedge poll to a chat, and what a failure means (429 with
// retry_after → rate-limited, 403/400 chat gone → permanent, 5xx/network → transient).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, ReplyDiscussion } from '../../../src/app/reply.ts';
import {
  classifyTelegramError,
  createTelegramSender,
  TelegramSendError,
  type TelegramSender,
} from '../../../src/platforms/telegram/index.ts';
import { apiError, startTelegramFake, type TelegramFake } from '../../support/telegram-fake.ts';
import { messagesIn, memoryLogger, startHarness, TOKEN } from '../../support/telegram-harness.ts';

let fake: TelegramFake;
let sender: TelegramSender;
const logger = memoryLogger();

beforeEach(async () => {
  fake = await startTelegramFake();
  sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, logger });
});
afterEach(async () => fake.close());

const summary: Reply = {
  title: 'Daily summary 2026-11-20',
  visibility: 'channel',
  lines: Array.from({ length: 150 }, (_, i) => `Position p${i}: HOLD, P/L +$${i * 10} & δ 0.${i}%`),
  table: {
    columns: [{ label: 'id' }, { label: 'action' }],
    rows: Array.from({ length: 40 }, (_, i) => [`p${i}`, 'HOLD']),
  },
  attachments: [
    {
      filename: 'payoff.png',
      contentType: 'image/png',
      data: Buffer.from('89504e47', 'hex'),
      description: 'model condor',
    },
  ],
  footer: ['Educational tool, not investment advice.'],
};

const discussion: ReplyDiscussion = {
  threadName: 'Hedge k3m9tq L1',
  question: 'Adopt ALVH layer 1 (VIX 19/24 call spread, 2027-01-20)?',
  answers: ['Adopt', 'Skip', 'Need more data'],
  durationHours: 24,
  adopt: { command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
};

async function failure(work: Promise<unknown>): Promise<TelegramSendError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TelegramSendError);
  return error as TelegramSendError;
}

describe('sendReply', () => {
  it('sends every part in order, then the chart, and returns their message ids', async () => {
    const { messageIds } = await sender.sendReply(-100123, summary);
    const calls = fake.calls.filter((call) => call.method !== 'getMe');
    expect(calls.map((call) => call.method)).toEqual([
      ...Array(messageIds.length - 1).fill('sendMessage'),
      'sendPhoto',
    ]);
    expect(messageIds.length).toBeGreaterThanOrEqual(3);
    expect([...messageIds].sort((a, b) => a - b)).toEqual(messageIds);
    for (const message of messagesIn(calls)) {
      expect(message.chatId).toBe('-100123');
      expect(message.html.length).toBeLessThanOrEqual(4096);
    }
    expect(calls.at(-1)!.files.photo!.filename).toBe('payoff.png');
  });

  it('leaves out a button whose payload is over 64 bytes, and logs it', async () => {
    await sender.sendReply(42, {
      title: 'Buttons',
      visibility: 'caller',
      buttons: [
        { label: 'Close', style: 'danger', command: 'position close', options: { id: 'k3m9tq', debit: 6.1 } },
        { label: 'Too long', style: 'secondary', command: 'position add', options: { note: 'n'.repeat(60) } },
      ],
    });
    expect(fake.callsTo('sendMessage')[0]!.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Close', callback_data: 'cx:position close|id=k3m9tq|debit=6.1' }]],
    });
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', object: expect.objectContaining({ button: 'Too long' }) }),
    );
  });

  it('maps a 429 to rate-limited with retry_after in ms, without retrying', async () => {
    fake.intercept('sendMessage', () => apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }));
    const error = await failure(sender.sendReply(-100123, summary));
    expect(error.failure).toEqual({ kind: 'rate-limited', retryAfterMs: 7000 });
    expect(error.kind).toBe('rate-limited');
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
  });

  it('reports the parts that went out before a failure', async () => {
    let sent = 0;
    fake.intercept('sendMessage', () =>
      sent++ === 1 ? apiError(429, 'Too Many Requests: retry after 2', { retry_after: 2 }) : undefined,
    );
    const error = await failure(sender.sendReply(-100123, summary));
    expect(error.sentMessageIds).toHaveLength(1);
  });

  it.each([
    [
      403,
      'Forbidden: bot was blocked by the user',
      { kind: 'permanent', code: 403, reason: 'Forbidden: bot was blocked by the user', chatGone: true },
    ],
    [
      403,
      'Forbidden: bot was kicked from the supergroup chat',
      { kind: 'permanent', code: 403, reason: 'Forbidden: bot was kicked from the supergroup chat', chatGone: true },
    ],
    [
      400,
      'Bad Request: chat not found',
      { kind: 'permanent', code: 400, reason: 'Bad Request: chat not found', chatGone: true },
    ],
    [
      400,
      "Bad Request: can't parse entities: unsupported start tag",
      {
        kind: 'permanent',
        code: 400,
        reason: "Bad Request: can't parse entities: unsupported start tag",
        chatGone: false,
      },
    ],
    [502, 'Bad Gateway', { kind: 'transient', code: 502, reason: 'Bad Gateway' }],
  ])('maps %i %s', async (code, description, expected) => {
    fake.intercept('sendMessage', () => apiError(code, description));
    const error = await failure(sender.sendReply(42, { title: 'x', visibility: 'caller' }));
    expect(error.failure).toEqual(expected);
  });

  it('carries the new chat id of a group upgraded to a supergroup', async () => {
    fake.intercept('sendMessage', () =>
      apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234 }),
    );
    const error = await failure(sender.sendReply(-42, { title: 'x', visibility: 'channel' }));
    expect(error.failure).toMatchObject({ kind: 'permanent', chatGone: true, migrateToChatId: -1001234 });
  });

  it('calls a network failure transient', async () => {
    await fake.close();
    const error = await failure(sender.sendReply(42, { title: 'x', visibility: 'caller' }));
    expect(error.failure.kind).toBe('transient');
    expect(classifyTelegramError(new Error('socket hang up'))).toEqual({ kind: 'transient', reason: 'socket hang up' });
    fake = await startTelegramFake();
  });
});

describe('sendPoll', () => {
  it('opens a non-anonymous poll with an Adopt button', async () => {
    const posted = await sender.sendPoll(-100123, discussion);
    expect(posted).toEqual({ kind: 'poll', messageId: expect.any(Number), pollId: 'poll-1' });
    const [call] = fake.callsTo('sendPoll');
    expect(call!.body).toMatchObject({
      chat_id: -100123,
      question: `For discussion (Adopt records only for the position's owner): ${discussion.question}`,
      options: discussion.answers,
      is_anonymous: false,
    });
    expect(call!.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Adopt', callback_data: 'cx:hedge|id=k3m9tq|adopt=1' }]],
    });
  });

  it('degrades to a plain message naming what was missing', async () => {
    fake.intercept('sendPoll', () => apiError(400, 'Bad Request: not enough rights to send polls to the chat'));
    const posted = await sender.sendPoll(-100123, discussion);
    expect(posted).toEqual({
      kind: 'fallback',
      messageId: expect.any(Number),
      missing: 'Bad Request: not enough rights to send polls to the chat',
    });
    const text = String(messagesIn(fake.calls)[0]!.body.text);
    // Telegram's raw wording stays in the log and the result, never in the chat.
    expect(text).toContain('I could not open a poll here: I am not allowed to send polls in this chat.');
    expect(text).not.toMatch(/Bad Request|not enough rights/);
  });

  it('reports a rate limit on the poll instead of degrading', async () => {
    fake.intercept('sendPoll', () => apiError(429, 'Too Many Requests: retry after 3', { retry_after: 3 }));
    const error = await failure(sender.sendPoll(-100123, discussion));
    expect(error.failure).toEqual({ kind: 'rate-limited', retryAfterMs: 3000 });
    expect(fake.callsTo('sendMessage')).toEqual([]);
  });

  it('shares open polls with the bot, so votes on scheduled polls run the adopt command', async () => {
    const h = await startHarness();
    try {
      const shared = createTelegramSender({
        token: TOKEN,
        apiRoot: h.fake.apiRoot,
        logger,
        polls: h.bot.polls,
        clock: h.clock,
      });
      const posted = await shared.sendPoll(-100777, discussion, { chatTitle: 'Daily group' });
      expect(posted.kind).toBe('poll');
      const calls = await h.deliver({
        update_id: 1,
        poll_answer: {
          poll_id: (posted as { pollId: string }).pollId,
          user: { id: 9090, is_bot: false, first_name: 'Gus' },
          option_ids: [0],
        },
      });
      // The bot knew the poll: the adopt command ran as the voter (refused: not their position, and a
      // group poll's vote by someone else is discussion only, so nobody is messaged).
      expect(messagesIn(calls)).toEqual([]);
      const adopts = () =>
        h.logger.entries.filter(
          (e) => e.object.command === 'hedge' && e.object.outcome === 'refused:position-not-found',
        );
      expect(adopts()).toHaveLength(1);
      // Expired with the discussion: a vote a day later does nothing.
      h.clock.advance(24 * 3_600_000);
      expect(
        await h.deliver({
          update_id: 2,
          poll_answer: {
            poll_id: (posted as { pollId: string }).pollId,
            user: { id: 9090, is_bot: false, first_name: 'Gus' },
            option_ids: [0],
          },
        }),
      ).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
