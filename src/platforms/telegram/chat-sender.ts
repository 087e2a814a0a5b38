// The scheduler's ChatSender for Telegram. Telegram has no idempotency key, so a send that was in
// flight when the process died is ambiguous (the ledger counts it and does not resend). A reply
// split into several messages that fails half-way counts as sent: resending would duplicate the
// parts that went out.
import type { Logger } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import {
  telegramBuckets,
  telegramPacing,
  type ChatSender,
  type SendOutcome,
  type SendTarget,
} from '../../scheduler/senders.ts';
import { TelegramSendError } from './errors.ts';
import type { TelegramSender } from './sender.ts';

function outcomeOf(error: unknown, logger: Logger, chatId: string): SendOutcome {
  if (!(error instanceof TelegramSendError))
    return { ok: false, kind: 'transient', reason: (error as Error)?.message ?? String(error) };
  if (error.sentMessageIds.length) {
    logger.warn(
      { chatId, sent: error.sentMessageIds.length, failure: error.failure.kind },
      'telegram reply only partly sent: counted as sent, not resent',
    );
    return { ok: true, messageId: String(error.sentMessageIds[0]) };
  }
  const failure = error.failure;
  if (failure.kind === 'rate-limited') return { ok: false, kind: 'rate-limited', retryAfterMs: failure.retryAfterMs };
  if (failure.kind === 'permanent' && failure.chatGone)
    return { ok: false, kind: 'permanent', code: String(failure.code), reason: failure.reason };
  return {
    ok: false,
    kind: 'transient',
    reason: failure.kind === 'permanent' ? failure.reason : (failure.reason ?? 'unreachable'),
  };
}

export function telegramChatSender(sender: TelegramSender, messagesPerSecond: number, logger: Logger): ChatSender {
  return {
    platform: 'telegram',
    idempotent: false,
    buckets: telegramBuckets(messagesPerSecond),
    pacing: telegramPacing(messagesPerSecond),
    async send(target: SendTarget, reply: Reply) {
      try {
        const { messageIds } = await sender.sendReply(target.chatId, reply);
        return { ok: true, messageId: messageIds.length ? String(messageIds[0]) : null };
      } catch (error) {
        // A group upgraded to a supergroup has a new id: send there once, and say so.
        const failed = error instanceof TelegramSendError ? error : null;
        const movedTo = failed?.failure.kind === 'permanent' ? failed.failure.migrateToChatId : undefined;
        if (movedTo !== undefined && !failed?.sentMessageIds.length) {
          try {
            const { messageIds } = await sender.sendReply(String(movedTo), reply);
            return { ok: true, messageId: messageIds.length ? String(messageIds[0]) : null, movedTo: String(movedTo) };
          } catch (retry) {
            return outcomeOf(retry, logger, String(movedTo));
          }
        }
        return outcomeOf(error, logger, target.chatId);
      }
    },
    async openDiscussion(target: SendTarget, reply: Reply) {
      try {
        await sender.sendReply(target.chatId, reply);
        if (!reply.discussion) return { ok: true, messageId: null };
        const posted = await sender.sendPoll(target.chatId, reply.discussion);
        return { ok: true, messageId: String(posted.messageId) };
      } catch (error) {
        return outcomeOf(error, logger, target.chatId);
      }
    },
  };
}
