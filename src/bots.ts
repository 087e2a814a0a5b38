// Starting and stopping the bots and the scheduler (the `start` path when tokens are set), and the
// senders the scheduler and `summary --send` use. Part of the composition root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from './app/ports.ts';
import type { App } from './compose.ts';
import type { Config } from './config.ts';
import { createDiscordBot, createDiscordSender } from './platforms/discord/index.ts';
import { discordChatSender } from './platforms/discord/chat-sender.ts';
import {
  createPollRegistry,
  createTelegramBot,
  createTelegramSender,
  type PollRegistry,
} from './platforms/telegram/index.ts';
import { telegramChatSender } from './platforms/telegram/chat-sender.ts';
import { createLedger } from './scheduler/ledger.ts';
import { createPacer } from './scheduler/pacer.ts';
import type { PlannerOptions } from './scheduler/planner.ts';
import { createScheduler } from './scheduler/scheduler.ts';
import type { ChatSender } from './scheduler/senders.ts';

export interface Running {
  stop(deadlineMs?: number): Promise<void>;
}

/** The scheduler's senders for every platform whose token is set. */
export function createSenders(
  app: App,
  logger: Logger,
  polls: PollRegistry = createPollRegistry(),
): Map<string, ChatSender> {
  const { config } = app;
  const senders = new Map<string, ChatSender>();
  if (config.DISCORD_TOKEN) {
    const sender = createDiscordSender({ token: config.DISCORD_TOKEN, apiBase: config.DISCORD_API_BASE, logger });
    senders.set('discord', discordChatSender(sender, config.DISCORD_REQUESTS_PER_SECOND));
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    // The bot and the scheduler share one poll registry, so votes on scheduled polls are understood.
    const sender = createTelegramSender({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      logger,
      polls,
      clock: app.deps.clock,
    });
    senders.set('telegram', telegramChatSender(sender, config.TELEGRAM_MESSAGES_PER_SECOND, logger));
  }
  return senders;
}

export function plannerOptions(app: App, senders: Map<string, ChatSender>): PlannerOptions {
  const { config, deps } = app;
  return {
    deps,
    ledger: createLedger(app.store.db),
    pacer: createPacer(),
    senders,
    timeZone: config.SUMMARY_TIMEZONE,
    reviewTime: config.REVIEW_TIME ?? null,
    catchUpMs: config.CATCH_UP_HOURS * 3_600_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Writes a heartbeat file next to the database every 30 s, for the container's HEALTHCHECK. */
function startHeartbeat(config: Config): () => void {
  const file = join(dirname(config.DATABASE_PATH), 'heartbeat');
  mkdirSync(dirname(file), { recursive: true });
  const beat = () => writeFileSync(file, String(Date.now()));
  beat();
  const timer = setInterval(beat, 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function startBots(app: App, logger: Logger): Promise<Running> {
  const { config, deps } = app;
  const stops: (() => Promise<void>)[] = [];
  if (config.DISCORD_TOKEN) {
    const discord = createDiscordBot({ config, logger, deps });
    await discord.start();
    stops.push(() => discord.stop());
    logger.info({ platform: 'discord' }, 'Discord bot started');
  }
  const polls = createPollRegistry();
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegram = createTelegramBot({ config, logger, deps, telegramOptions: { polls } });
    await telegram.start();
    stops.push(() => telegram.stop('shutdown'));
    logger.info({ platform: 'telegram', mode: telegram.mode }, 'Telegram bot started');
  }
  const scheduler = createScheduler(plannerOptions(app, createSenders(app, logger, polls)));
  scheduler.start();
  const stopHeartbeat = startHeartbeat(config);
  logger.info({ timeZone: config.SUMMARY_TIMEZONE, time: config.SUMMARY_TIME }, 'scheduler started');
  return {
    async stop(deadlineMs = 10_000) {
      // Order: no new summaries, let in-flight sends finish, then the bots, then (caller) the database.
      await scheduler.stop(deadlineMs);
      stopHeartbeat();
      for (const stop of stops.reverse()) {
        await Promise.race([
          stop().catch((error: unknown) => logger.warn({ err: error }, 'bot stop failed')),
          new Promise((resolve) => setTimeout(resolve, deadlineMs).unref()),
        ]);
      }
    },
  };
}
