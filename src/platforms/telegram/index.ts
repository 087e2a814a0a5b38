// The Telegram adapter's public entry, for main.ts and the scheduler.
export { createTelegramBot, ALLOWED_UPDATES } from './bot.ts';
export type { TelegramBot, TelegramBotExtras, TelegramBotOptions, TelegramConfig } from './bot.ts';
export { createTelegramSender } from './sender.ts';
export type { TelegramSender, TelegramSenderOptions } from './sender.ts';
export { registerTelegramCommands, menuCommands } from './register.ts';
export { TelegramSendError, classifyTelegramError } from './errors.ts';
export type { TelegramSendFailure } from './errors.ts';
export type { PostedDiscussion } from './discussion.ts';
