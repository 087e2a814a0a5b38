// Sends a rendered reply through the Bot API: HTML parts in order (the keyboard on the last one),
// then charts as photos and CSV files as documents. Shared by the bot and the scheduler's sender.
import { Input, type Telegram } from 'telegraf';
import type { Logger } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import { renderTelegram, type DroppedButton, type TelegramInlineButton } from '../../render/telegram.ts';
import { classifyTelegramError, TelegramSendError } from './errors.ts';

export type ChatId = number | string;

export interface DeliverOptions {
  /** Answer to this message (the command), when it still exists. */
  replyTo?: number;
  /**
   * Wait out a 429 (up to this many ms) and try again once; 0 reports it at once (the scheduler
   * paces its own sends and wants to know).
   */
  maxRateLimitWaitMs?: number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

export function logDroppedButtons(logger: Logger, dropped: readonly DroppedButton[]): void {
  for (const button of dropped) {
    logger.warn(
      { button: button.label, bytes: button.bytes },
      "button left out: its payload is over Telegram's 64-byte callback_data",
    );
  }
}

/** Runs one API call, waiting out one 429 when allowed; failures become TelegramSendError. */
export async function callTelegram<T>(
  call: () => Promise<T>,
  maxRateLimitWaitMs: number,
  sent: number[] = [],
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = classifyTelegramError(error);
    if (failure.kind === 'rate-limited' && failure.retryAfterMs <= maxRateLimitWaitMs) {
      await wait(failure.retryAfterMs);
      try {
        return await call();
      } catch (again) {
        throw new TelegramSendError(classifyTelegramError(again), sent, { cause: again });
      }
    }
    throw new TelegramSendError(failure, sent, { cause: error });
  }
}

export const keyboardMarkup = (rows: TelegramInlineButton[][]) =>
  rows.length ? { reply_markup: { inline_keyboard: rows } } : {};

/** Sends a reply to a chat; returns the ids of the messages sent, in order. */
export async function deliverReply(
  telegram: Telegram,
  chatId: ChatId,
  reply: Reply,
  logger: Logger,
  options: DeliverOptions = {},
): Promise<number[]> {
  const rendered = renderTelegram(reply);
  logDroppedButtons(logger, rendered.dropped);
  const maxWait = options.maxRateLimitWaitMs ?? 0;
  const sent: number[] = [];
  for (const [index, html] of rendered.parts.entries()) {
    const last = index === rendered.parts.length - 1;
    const message = await callTelegram(
      () =>
        telegram.sendMessage(chatId, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(index === 0 && options.replyTo !== undefined
            ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
            : {}),
          ...(last ? keyboardMarkup(rendered.keyboard) : {}),
        }),
      maxWait,
      sent,
    );
    sent.push(message.message_id);
  }
  for (const item of rendered.media) {
    const file = Input.fromBuffer(item.data, item.filename);
    const extra = { caption: item.caption, parse_mode: 'HTML' as const };
    const message = await callTelegram<{ message_id: number }>(
      () =>
        item.kind === 'photo' ? telegram.sendPhoto(chatId, file, extra) : telegram.sendDocument(chatId, file, extra),
      maxWait,
      sent,
    );
    sent.push(message.message_id);
  }
  return sent;
}

/** One line of plain text (escaped by the caller when it carries user text). */
export async function sendHtmlLine(
  telegram: Telegram,
  chatId: ChatId,
  html: string,
  options: DeliverOptions & { keyboard?: TelegramInlineButton[][] } = {},
): Promise<number> {
  const message = await callTelegram(
    () =>
      telegram.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(options.replyTo !== undefined
          ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
          : {}),
        ...keyboardMarkup(options.keyboard ?? []),
      }),
    options.maxRateLimitWaitMs ?? 0,
  );
  return message.message_id;
}
