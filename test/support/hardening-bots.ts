// The real bots on loopback fakes for the hardening suite: a Telegram bot with a fixed botInfo
// driven by handleUpdate against the Bot API fake, a Discord bot driven by handleInteraction on
// real discord.js interactions against the REST fake, and builders for their updates.
import type { Client } from 'discord.js';
import type { Chat as TelegramChat, Update, User } from 'telegraf/types';
import type { AppDeps } from '../../src/app/context.ts';
import type { Logger } from '../../src/app/ports.ts';
import { createDiscordBot, type DiscordBot } from '../../src/platforms/discord/bot.ts';
import { createTelegramBot, type TelegramBot } from '../../src/platforms/telegram/index.ts';
import { fakeClient } from './discord-interactions.ts';
import { startDiscordRest, type FakeDiscordRest } from './discord-rest.ts';
import { startTelegramFake, type FakeCall, type TelegramFake } from './telegram-fake.ts';

export const TELEGRAM_BOT_NAME = 'TestNameBot';
export const TELEGRAM_TOKEN = '123456789:AAE-hardening_loopback_only_token';

let updateId = 1;
let messageId = 1;

/** The bot_command entity Telegram attaches to a message that starts like a command. */
export function commandEntities(text: string) {
  const head = /^\/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{1,32})?/.exec(text);
  return head ? [{ type: 'bot_command' as const, offset: 0, length: head[0].length }] : [];
}

export function messageUpdate(from: User, chat: TelegramChat, text: string): Update {
  return {
    update_id: updateId++,
    message: { message_id: messageId++, date: 1_790_000_000, chat, from, text, entities: commandEntities(text) },
  } as unknown as Update;
}

/** A pressed inline button under a message of the bot's in `chat`. */
export function callbackUpdate(from: User, chat: TelegramChat, data: string): Update {
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from,
      chat_instance: 'ci-1',
      data,
      message: {
        message_id: messageId++,
        date: 1_790_000_000,
        chat,
        from: { id: 666, is_bot: true, first_name: 'Condor' },
        text: 'x',
      },
    },
  } as unknown as Update;
}

export const privateChat = (user: User): TelegramChat =>
  ({ id: user.id, type: 'private', first_name: user.first_name }) as TelegramChat;
export const supergroup = (id: number, title = 'Condor traders'): TelegramChat =>
  ({ id, type: 'supergroup', title }) as TelegramChat;

export interface TelegramRig {
  fake: TelegramFake;
  bot: TelegramBot;
  /** Hands an update to the bot; returns the Bot API calls it made for it. */
  deliver(update: Update): Promise<FakeCall[]>;
  close(): Promise<void>;
}

export async function telegramRig(deps: AppDeps, logger: Logger, fake?: TelegramFake): Promise<TelegramRig> {
  const api = fake ?? (await startTelegramFake({ botUsername: TELEGRAM_BOT_NAME }));
  const bot = createTelegramBot({
    config: { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_API_ROOT: api.apiRoot },
    logger,
    deps,
    telegramOptions: {
      botInfo: {
        id: 666,
        is_bot: true,
        first_name: 'Condor',
        username: TELEGRAM_BOT_NAME,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
      callbackAnswerAfterMs: 60_000,
    },
  });
  return {
    fake: api,
    bot,
    async deliver(update) {
      const before = api.calls.length;
      await bot.handleUpdate(update);
      return api.calls.slice(before);
    },
    close: () => (fake ? Promise.resolve() : api.close()),
  };
}

export interface DiscordRig {
  rest: FakeDiscordRest;
  client: Client;
  bot: DiscordBot;
  close(): Promise<void>;
}

export async function discordRig(deps: AppDeps, logger: Logger): Promise<DiscordRig> {
  const rest = await startDiscordRest();
  const client = fakeClient(rest.url);
  const bot = createDiscordBot({ config: { DISCORD_API_BASE: rest.url }, logger, deps, client });
  return {
    rest,
    client,
    bot,
    async close() {
      await bot.idle();
      await client.destroy();
      await rest.close();
    },
  };
}
