// What the bot does with each kind of update: a command typed in a chat, a button pressed, a vote
// on a hedge poll. Every command runs through the app (runLine / runFor) as the person who typed,
// pressed or voted; this file only decides who that is, where the answer goes, and says so.
import type { Context, Telegram } from 'telegraf';
import type { Chat as TelegramChat, Message, PollAnswer, User } from 'telegraf/types';
import { asPressed, decodeButton } from '../../app/buttons.ts';
import { runFor, runLine, type AppDeps } from '../../app/context.ts';
import { errorReference } from '../../app/errors.ts';
import type { Logger, PollRepository } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import { parseCommandLine, type ParsedLine } from '../../app/words.ts';
import { escapeHtml } from '../../render/telegram.ts';
import { deliverReply, sendHtmlLine } from './deliver.ts';
import { postDiscussion } from './discussion.ts';
import { TelegramSendError } from './errors.ts';
import {
  displayName,
  identityOf,
  isAnonymousSender,
  isChatAdministrator,
  isGroupChat,
  privateChatOf,
} from './identity.ts';

export interface HandlerEnv {
  deps: AppDeps;
  logger: Logger;
  /** Open hedge polls (the database's), so a vote finds what Adopt means. */
  polls: PollRepository;
  /** How long a 429 may be waited out while answering (ms). */
  maxRateLimitWaitMs: number;
  /** A pressed button whose command takes longer than this is acknowledged early (ms). */
  callbackAnswerAfterMs: number;
}

type Where = 'chat' | 'private' | 'start-needed';

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** "t.me/<bot>?start=hi" as a link: opens the private chat with a Start button. */
export const startLink = (botName: string) => {
  const url = `https://t.me/${botName}?start=hi`;
  return `<a href="${escapeHtml(url)}">t.me/${escapeHtml(botName)}?start=hi</a>`;
};

/** The command a line names and its raw options, if it parses (the real parse, with its errors, happens in runLine). */
function parseLine(deps: AppDeps, text: string, botName: string): ParsedLine | null {
  try {
    return parseCommandLine(deps.registry, text, botName);
  } catch {
    return null;
  }
}

/**
 * A line that acts on the group itself (subscribing it to the channel summary): answered in the
 * group, whatever the outcome, and never needs a private chat.
 */
function actsOnChat(command: { name: string; kind: unknown } | null, chat: TelegramChat): boolean {
  if (!command || !isGroupChat(chat) || command.name !== 'subscribe') return false;
  return (
    String(command.kind ?? 'channel')
      .trim()
      .toLowerCase() === 'channel'
  );
}

/** Telegram's stand-in for an anonymous administrator: only a group's admins can act as it. */
const GROUP_ANONYMOUS_BOT = 1087968824;

/** A personal summary subscription that was just made (or renewed). */
const personalSubscription = (reply: Reply) =>
  !reply.error && (reply.data as { subscription?: { kind?: string } } | undefined)?.subscription?.kind === 'personal';

export function createHandlers(env: HandlerEnv) {
  const { deps, logger } = env;
  const sendOptions = { maxRateLimitWaitMs: env.maxRateLimitWaitMs };

  /** Logs an unexpected error with a reference, for the user to quote. */
  function report(error: unknown, ctx: Context, what: string): string {
    const reference = errorReference();
    logger.error({ err: error, reference, updateId: ctx.update.update_id, updateType: ctx.updateType }, what);
    return reference;
  }

  /**
   * Sends a reply where it belongs: personal answers (visibility caller) typed in a group go to
   * the private chat with the user; everything else to the chat, with a poll for a discussion.
   */
  async function answer(
    telegram: Telegram,
    reply: Reply,
    place: { chat: TelegramChat; user: User; replyTo?: number },
  ): Promise<Where> {
    const inGroup = place.chat.type !== 'private';
    if (reply.visibility === 'channel' || !inGroup) {
      await deliverReply(telegram, place.chat.id, reply, logger, {
        ...sendOptions,
        ...(place.replyTo !== undefined ? { replyTo: place.replyTo } : {}),
      });
      if (reply.discussion && isGroupChat(place.chat)) {
        const chatTitle = 'title' in place.chat ? place.chat.title : undefined;
        await postDiscussion(
          telegram,
          { chatId: place.chat.id, ...(chatTitle ? { chatTitle } : {}) },
          reply.discussion,
          { polls: env.polls, clock: deps.clock, logger, ...sendOptions },
        );
      }
      return 'chat';
    }
    try {
      await deliverReply(telegram, place.user.id, reply, logger, sendOptions);
      return 'private';
    } catch (error) {
      // 403 before anything went out: the user never pressed Start (or blocked the bot).
      if (
        error instanceof TelegramSendError &&
        error.failure.kind === 'permanent' &&
        error.failure.code === 403 &&
        !error.sentMessageIds.length
      )
        return 'start-needed';
      throw error;
    }
  }

  async function onStart(ctx: Context): Promise<void> {
    if (!ctx.chat || !ctx.from) return;
    const html = [
      `<b>Hello ${escapeHtml(displayName(ctx.from))}!</b>`,
      'I evaluate SPX iron condors and watch your positions with the constant-product invariant (premium × cushion).',
      'Type /help for the commands, e.g. /condor eval 5615 5665 6335 6385 45',
      '<i>Educational tool, not investment advice.</i>',
    ].join('\n');
    await sendHtmlLine(ctx.telegram, ctx.chat.id, html, sendOptions);
  }

  async function onCommand(ctx: Context & { message: Message.TextMessage }): Promise<void> {
    const message = ctx.message;
    const from = message.from;
    if (!from) return;
    const botName = ctx.botInfo.username;
    const line = parseLine(deps, message.text, botName);
    const command = line?.command;
    const replyTo = message.message_id;
    const onChat = actsOnChat(line && { name: line.command.name, kind: line.raw.kind }, message.chat);
    // An anonymous admin posts as the group itself: only the group's admins can, so it may manage it.
    const anonymousAdmin = message.sender_chat?.id === message.chat.id;
    if (isAnonymousSender(from, message.sender_chat)) {
      // One stand-in account for every anonymous admin: never let it hold personal data.
      if (command?.visibility !== 'channel' && !(onChat && anonymousAdmin)) {
        await sendHtmlLine(
          ctx.telegram,
          message.chat.id,
          `Commands with personal data need your own account: turn off "Remain anonymous" or message me at ` +
            `${startLink(botName)}.`,
          { ...sendOptions, replyTo },
        );
        return;
      }
    } else if (from.is_bot) {
      return;
    }
    // "typing…" where the answer will go: the group, or the private chat for a personal answer.
    const answersInPrivate = isGroupChat(message.chat) && command?.visibility === 'caller' && !onChat;
    if (command?.defer)
      void ctx.telegram.sendChatAction(answersInPrivate ? from.id : message.chat.id, 'typing').catch(() => {});
    // Ask Telegram for admin rights only for a command that declares it may need them (in a group).
    const canManage =
      command?.requires && isGroupChat(message.chat)
        ? anonymousAdmin || (await isChatAdministrator(ctx.telegram, message.chat.id, from.id, logger))
        : false;
    const identity = identityOf(from, message.chat, canManage);
    const { reply } = await runLine(deps, identity, message.text, { botName });
    const where = await answer(ctx.telegram, onChat ? { ...reply, visibility: 'channel' } : reply, {
      chat: message.chat,
      user: from,
      replyTo,
    });
    const name = escapeHtml(displayName(from));
    if (where === 'private') {
      await sendHtmlLine(ctx.telegram, message.chat.id, `${name}: answered you in private.`, {
        ...sendOptions,
        replyTo,
      });
    } else if (where === 'start-needed' && personalSubscription(reply)) {
      // The summary could never reach a private chat the user has not started: do not keep it.
      const stopped = await runLine(deps, identity, '/subscribe personal off=true', { botName });
      if (stopped.reply.error)
        logger.warn({ identifier: stopped.reply.error.identifier }, 'could not drop the unreachable subscription');
      await sendHtmlLine(
        ctx.telegram,
        message.chat.id,
        `${name}, your personal summary is not set up: I cannot message you in private yet. Open ` +
          `${startLink(botName)}, press Start, then send /subscribe personal again.`,
        { ...sendOptions, replyTo },
      );
    } else if (where === 'start-needed') {
      await sendHtmlLine(
        ctx.telegram,
        message.chat.id,
        `${name}, I answer this in private: open ${startLink(botName)}, press Start, then send the command again.`,
        { ...sendOptions, replyTo },
      );
    }
  }

  /** Plain text, or a command the bot does not have, in a private chat: one line pointing to /help. */
  async function onOtherMessage(ctx: Context): Promise<void> {
    const message = ctx.message;
    if (!message || !('text' in message) || message.chat.type !== 'private' || message.from?.is_bot) return;
    const unknown = /^\/([A-Za-z0-9_]+)/.exec(message.text)?.[1];
    const html = unknown
      ? `I have no /${escapeHtml(unknown.slice(0, 32))} command. /help lists what I can do.`
      : 'I answer commands, e.g. /market or /condor eval 5615 5665 6335 6385 45. /help lists them all.';
    await sendHtmlLine(ctx.telegram, message.chat.id, html, { ...sendOptions, replyTo: message.message_id });
  }

  async function onButton(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    if (!query) return;
    let answered = false;
    const answerOnce = async (text?: string, extra: { url?: string; show_alert?: boolean } = {}) => {
      if (answered) return;
      answered = true;
      await ctx
        .answerCbQuery(text === undefined ? undefined : clip(text, 200), extra)
        .catch((error: unknown) => logger.warn({ err: error }, 'answerCallbackQuery failed'));
    };
    // Telegram shows a spinner until the query is answered; a slow command gets "working" first.
    const early = setTimeout(() => void answerOnce('Working on it…'), env.callbackAnswerAfterMs);
    try {
      const decoded = 'data' in query && query.data ? decodeButton(query.data) : null;
      if (!decoded) {
        await answerOnce('This button no longer works: type the command instead.', { show_alert: true });
        return;
      }
      const chat = query.message?.chat ?? privateChatOf(query.from);
      // A channel subscription from a button is the typed /subscribe channel: answered in the
      // group whatever the outcome, for its admins (anonymous ones too), needing no private chat.
      const onChat = actsOnChat({ name: decoded.command, kind: decoded.options.kind }, chat);
      const canManage =
        deps.registry.get(decoded.command)?.requires && isGroupChat(chat)
          ? query.from.id === GROUP_ANONYMOUS_BOT ||
            (await isChatAdministrator(ctx.telegram, chat.id, query.from.id, logger))
          : false;
      const reply = await runFor(deps, identityOf(query.from, chat, canManage), decoded.command, decoded.options);
      const where = await answer(ctx.telegram, onChat ? { ...reply, visibility: 'channel' } : reply, {
        chat,
        user: query.from,
      });
      const botName = ctx.botInfo.username;
      if (where === 'start-needed') {
        await answerOnce('Start a private chat with me first, then press the button again.', {
          url: `https://t.me/${botName}?start=hi`,
        });
      } else {
        const summary = reply.error ? (reply.lines?.[0] ?? reply.title) : reply.title;
        await answerOnce(where === 'private' ? `${summary} (answered in private)` : summary, {
          show_alert: Boolean(reply.error),
        });
      }
    } catch (error) {
      const reference = report(error, ctx, 'button failed');
      await answerOnce(`Something went wrong (ref ${reference}).`, { show_alert: true });
    } finally {
      clearTimeout(early);
    }
  }

  async function onPollAnswer(ctx: Context): Promise<void> {
    const vote = (ctx.update as { poll_answer?: PollAnswer }).poll_answer;
    const voter = vote?.user;
    if (!vote || !voter || voter.is_bot) return;
    const poll = await env.polls.get('telegram', vote.poll_id, deps.clock.now());
    if (!poll?.adopt || !vote.option_ids.includes(poll.adoptOption)) return;
    // An Adopt vote is a press of the Adopt button: it records nothing, it sends the position's owner
    // what adopting would record with a Confirm button, in private (polls of older releases too).
    const result = await runFor(
      deps,
      identityOf(voter, privateChatOf(voter), true),
      poll.adopt.command,
      asPressed(poll.adopt.command, poll.adopt.options),
    );
    // A group's poll is for discussion: only the owner's vote has a position to adopt on.
    // Anyone else's vote is just a vote (Telegram counts it); nothing is sent to them or the group.
    if (result.error?.identifier === 'position-not-found') return;
    const reply: Reply = {
      ...result,
      visibility: 'caller',
      lines: [`Your Adopt vote${poll.chatTitle ? ` in ${poll.chatTitle}` : ''}:`, ...(result.lines ?? [])],
    };
    try {
      await deliverReply(ctx.telegram, voter.id, reply, logger, sendOptions);
    } catch (error) {
      if (!(error instanceof TelegramSendError) || error.failure.kind !== 'permanent' || error.failure.code !== 403)
        throw error;
      // Never a note in the group per vote: the owner can still adopt from /hedge in private.
      logger.info(
        { pollId: vote.poll_id },
        'adopt vote reviewed; the owner has no private chat to receive the review in',
      );
    }
  }

  /** bot.catch: log with a reference and tell the chat the reference; never rethrow. */
  async function onError(error: unknown, ctx: Context): Promise<void> {
    const reference = report(error, ctx, 'telegram update failed');
    try {
      if (ctx.callbackQuery) await ctx.answerCbQuery(`Something went wrong (ref ${reference}).`);
      else if (ctx.chat)
        await ctx.telegram.sendMessage(ctx.chat.id, `Something went wrong on my side (ref ${reference}).`);
    } catch (replyError) {
      logger.warn({ err: replyError, reference }, 'could not tell the chat about the error');
    }
  }

  return { onStart, onCommand, onOtherMessage, onButton, onPollAnswer, onError, answer };
}
