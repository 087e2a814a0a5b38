// A hedge discussion in a Telegram group: a native, non-anonymous poll (so votes can be attributed)
// with an Adopt button under it. Where the bot may not send polls, one plain line says what was
// missing and still carries the Adopt button.
import type { Telegram } from 'telegraf';
import type { Clock, Logger, PollRepository } from '../../app/ports.ts';
import type { ReplyDiscussion } from '../../app/reply.ts';
import { escapeHtml, renderPoll } from '../../render/telegram.ts';
import { callTelegram, keyboardMarkup, sendHtmlLine, type ChatId } from './deliver.ts';
import { TelegramSendError } from './errors.ts';

export type PostedDiscussion =
  { kind: 'poll'; messageId: number; pollId: string } | { kind: 'fallback'; messageId: number; missing: string };

export interface DiscussionTarget {
  chatId: ChatId;
  chatTitle?: string;
  replyTo?: number;
}

export async function postDiscussion(
  telegram: Telegram,
  target: DiscussionTarget,
  discussion: ReplyDiscussion,
  parts: { polls?: PollRepository; clock: Clock; logger: Logger; maxRateLimitWaitMs?: number },
): Promise<PostedDiscussion> {
  const poll = renderPoll(discussion);
  const keyboard = poll.adoptButton ? [[poll.adoptButton]] : [];
  if (!poll.adoptButton && discussion.adopt)
    parts.logger.warn({ command: discussion.adopt.command }, 'adopt button left out: payload over 64 bytes');
  const maxWait = parts.maxRateLimitWaitMs ?? 0;
  try {
    const message = await callTelegram(
      () =>
        telegram.sendPoll(target.chatId, poll.question, poll.options, {
          is_anonymous: false,
          allows_multiple_answers: false,
          ...(target.replyTo !== undefined
            ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } }
            : {}),
          ...keyboardMarkup(keyboard),
        }),
      maxWait,
    );
    // A discussion-only poll (no adopt) is not kept: its votes do nothing. A kept one is in the
    // database, so a vote after a restart still finds what Adopt means.
    if (discussion.adopt && parts.polls) {
      const nowMs = parts.clock.now();
      await parts.polls.remember({
        platform: 'telegram',
        pollId: message.poll.id,
        chatId: String(target.chatId),
        ...(target.chatTitle ? { chatTitle: target.chatTitle } : {}),
        messageId: String(message.message_id),
        adoptOption: poll.adoptOption,
        adopt: discussion.adopt,
        createdMs: nowMs,
        expiresMs: nowMs + discussion.durationHours * 3_600_000,
      });
    }
    return { kind: 'poll', messageId: message.message_id, pollId: message.poll.id };
  } catch (error) {
    // Only a refusal of the poll itself degrades; a gone chat or a rate limit is the caller's.
    if (!(error instanceof TelegramSendError) || error.failure.kind !== 'permanent' || error.failure.chatGone)
      throw error;
    const missing = error.failure.reason || 'the right to send polls';
    parts.logger.warn(
      { chatId: String(target.chatId), reason: missing },
      'hedge poll refused; posting a plain message',
    );
    // Telegram's own wording ("Bad Request: not enough rights…") is for the log, not the chat.
    const html = [
      `<b>${escapeHtml(poll.question)}</b>`,
      `I could not open a poll here: I am not allowed to send polls in this chat. An admin can allow it; ` +
        `meanwhile ${poll.adoptButton ? 'press Adopt below or ' : ''}discuss it here.`,
    ].join('\n');
    const messageId = await sendHtmlLine(telegram, target.chatId, html, {
      keyboard,
      maxRateLimitWaitMs: maxWait,
      ...(target.replyTo !== undefined ? { replyTo: target.replyTo } : {}),
    });
    return { kind: 'fallback', messageId, missing };
  }
}
