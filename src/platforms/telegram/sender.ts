// The scheduler's way to Telegram: sends a Reply (daily summaries) or a hedge poll to a chat, with
// no bot running and no waiting on rate limits. Failures come back as TelegramSendError with a
// typed `failure`: rate-limited (429, retry_after in ms) for the pacer to honour, permanent (403
// blocked/kicked, 400 chat not found; `chatGone` says whether to deactivate the subscription),
// or transient (network, 5xx) to retry later.
import { Telegram } from 'telegraf';
import type { Clock, Logger, PollRepository } from '../../app/ports.ts';
import type { Reply, ReplyDiscussion } from '../../app/reply.ts';
import { deliverReply, type ChatId } from './deliver.ts';
import { postDiscussion, type PostedDiscussion } from './discussion.ts';

export interface TelegramSenderOptions {
  token: string;
  apiRoot?: string;
  logger: Logger;
  /**
   * Where its polls are kept (the app's store), so the bot, then or after a restart, runs the
   * adopt command for a vote on them. Without it, votes on its polls are only counted by Telegram.
   */
  polls?: PollRepository;
  clock?: Clock;
}

export interface TelegramSender {
  sendReply(chatId: ChatId, reply: Reply): Promise<{ messageIds: number[] }>;
  /** A native poll with an Adopt button; a plain message naming what was missing when polls are refused. */
  sendPoll(chatId: ChatId, discussion: ReplyDiscussion, options?: { chatTitle?: string }): Promise<PostedDiscussion>;
}

export function createTelegramSender(options: TelegramSenderOptions): TelegramSender {
  const telegram = new Telegram(options.token, {
    webhookReply: false,
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
  });
  const logger = options.logger.child({ platform: 'telegram', part: 'sender' });
  const clock = options.clock ?? { now: () => Date.now() };
  return {
    async sendReply(chatId, reply) {
      const messageIds = await deliverReply(telegram, chatId, reply, logger, { maxRateLimitWaitMs: 0 });
      return { messageIds };
    },
    sendPoll(chatId, discussion, extra = {}) {
      return postDiscussion(
        telegram,
        { chatId, ...(extra.chatTitle ? { chatTitle: extra.chatTitle } : {}) },
        discussion,
        { ...(options.polls ? { polls: options.polls } : {}), clock, logger, maxRateLimitWaitMs: 0 },
      );
    },
  };
}
