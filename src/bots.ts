// Starting and stopping the bots and the scheduler (the `start` path when tokens are set), and the
// senders the scheduler and `summary --send` use. Part of the composition root.
import type { Logger } from './app/ports.ts';
import type { AnyApp } from './compose.ts';
import { createHealth, type Health } from './platforms/health.ts';
import {
  createDiscordBot,
  createDiscordSender,
  createInteractionsEndpoint,
  interactionsRest,
} from './platforms/discord/index.ts';
import { discordChatSender } from './platforms/discord/chat-sender.ts';
import { createTelegramBot, createTelegramSender } from './platforms/telegram/index.ts';
import { telegramChatSender } from './platforms/telegram/chat-sender.ts';
import { apiError as telegramApiError } from './platforms/telegram/errors.ts';
import { DEFAULT_BACKOFF, supervise, type Backoff, type SupervisionOutcome } from './app/supervise.ts';
import { createPacer } from './scheduler/pacer.ts';
import type { PlannerOptions } from './scheduler/planner.ts';
import { createScheduler } from './scheduler/scheduler.ts';
import type { ChatSender } from './scheduler/senders.ts';

export interface Running {
  readonly health: Health;
  /** Settles once every platform has connected, given up, or been cancelled by stop(). */
  readonly settled: Promise<void>;
  /** Resolves, with what each said, if every configured platform stopped for good (never otherwise). */
  readonly allStopped: Promise<string>;
  /** Stops everything within deadlineMs in total. */
  stop(deadlineMs?: number): Promise<void>;
}

/** The scheduler's senders for every platform whose token is set. */
export function createSenders(app: AnyApp, logger: Logger): Map<string, ChatSender> {
  const { config } = app;
  const senders = new Map<string, ChatSender>();
  if (config.DISCORD_TOKEN) {
    const sender = createDiscordSender({ token: config.DISCORD_TOKEN, apiBase: config.DISCORD_API_BASE, logger });
    senders.set('discord', discordChatSender(sender, config.DISCORD_REQUESTS_PER_SECOND));
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    // Polls are kept in the store the bot reads, so votes on scheduled polls are understood, even after a restart.
    const sender = createTelegramSender({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      logger,
      polls: app.deps.store.polls,
      clock: app.deps.clock,
    });
    senders.set('telegram', telegramChatSender(sender, config.TELEGRAM_MESSAGES_PER_SECOND, logger));
  }
  return senders;
}

export function plannerOptions(app: AnyApp, senders: Map<string, ChatSender>): PlannerOptions {
  const { config, deps } = app;
  return {
    deps,
    ledger: app.store.ledger(),
    pacer: createPacer(),
    senders,
    timeZone: config.SUMMARY_TIMEZONE,
    reviewTime: config.REVIEW_TIME ?? null,
    catchUpMs: config.CATCH_UP_HOURS * 3_600_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Errors a new attempt cannot fix: Discord refused the token or the intents. */
function discordPermanent(error: unknown): boolean {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  return code === 'TokenInvalid' || code === 'DisallowedIntents' || status === 401;
}

/** Telegram answers 401 to a revoked token and 404 to one it does not know. */
function telegramPermanent(error: unknown): boolean {
  const code = telegramApiError(error)?.code;
  return code === 401 || code === 404;
}

/** A port the process may not bind (below 1024 without the right) will not become bindable by waiting. */
function listenPermanent(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'EACCES';
}

export interface StartOptions {
  /** The scheduler only: no gateway, no polling, no webhook (HEADLESS=true). */
  headless?: boolean;
  /** Deadline of one connection attempt (default 30 s). */
  attemptTimeoutMs?: number;
  backoff?: Backoff;
  /**
   * The once-per-host work: the scheduler and the interactions endpoint (default true). A shard
   * process other than shard 0's runs without it (src/platforms/discord/shards.ts).
   */
  hostDuties?: boolean;
}

/**
 * Starts the scheduler at once and each configured platform under supervision
 * (src/app/supervise.ts): a platform that is unreachable is retried in the background and never holds up
 * or takes down the other one or the scheduler.
 */
export function startBots(app: AnyApp, logger: Logger, options: StartOptions = {}): Running {
  const { config, deps } = app;
  const health = createHealth(deps.clock, options.headless ? 'headless' : 'bots');
  const shutdown = new AbortController();
  const stops: (() => Promise<void>)[] = [];
  const supervised: Promise<SupervisionOutcome>[] = [];

  function superviseStart(
    platform: string,
    start: (signal: AbortSignal) => Promise<void>,
    permanent: typeof discordPermanent,
  ) {
    supervised.push(
      supervise({
        platform,
        logger,
        start,
        permanent,
        onState: (state, detail) => health.setPlatform(platform, state, detail),
        attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
        backoff: options.backoff ?? DEFAULT_BACKOFF,
        signal: shutdown.signal,
      }),
    );
  }

  if (config.DISCORD_TOKEN && config.DISCORD_GATEWAY === 'on' && !options.headless) {
    const discord = createDiscordBot({
      config,
      logger,
      deps,
      onState: (state, detail) => health.setPlatform('discord', state, detail),
    });
    superviseStart('discord', (signal) => discord.start(signal), discordPermanent);
    stops.push(() => discord.stop());
  }
  const hostDuties = options.hostDuties ?? true;
  if (
    config.DISCORD_TOKEN &&
    config.DISCORD_PUBLIC_KEY &&
    config.DISCORD_INTERACTIONS_PORT &&
    hostDuties &&
    !options.headless
  ) {
    // Interactions over HTTP (docs/discord.md "Interactions over HTTP"): with or without the gateway.
    const endpoint = createInteractionsEndpoint({
      publicKey: config.DISCORD_PUBLIC_KEY,
      host: config.HOST,
      port: config.DISCORD_INTERACTIONS_PORT,
      path: config.DISCORD_INTERACTIONS_PATH,
      deps,
      logger,
      rest: interactionsRest(config.DISCORD_TOKEN, config.DISCORD_API_BASE, logger),
    });
    superviseStart('discord-interactions', (signal) => endpoint.start(signal), listenPermanent);
    stops.push(() => endpoint.stop());
  }
  if (config.TELEGRAM_BOT_TOKEN && !options.headless) {
    const telegram = createTelegramBot({
      config,
      logger,
      deps,
      telegramOptions: { onState: (state, detail) => health.setPlatform('telegram', state, detail) },
    });
    superviseStart('telegram', (signal) => telegram.start(signal), telegramPermanent);
    stops.push(() => telegram.stop('shutdown'));
  }
  const scheduler = hostDuties
    ? createScheduler(plannerOptions(app, createSenders(app, logger)), { onTick: () => health.schedulerTicked() })
    : null;
  if (scheduler) {
    scheduler.start();
    logger.info(
      {
        timeZone: config.SUMMARY_TIMEZONE,
        summaryTime: config.SUMMARY_TIME,
        ...(options.headless ? { headless: true } : {}),
      },
      'scheduler started',
    );
  }
  const outcomes = Promise.all(supervised);
  return {
    health,
    settled: outcomes.then(() => undefined),
    allStopped: outcomes.then((results) =>
      results.length > 0 && results.every((result) => result === 'stopped')
        ? Object.entries(health.report().platforms)
            .map(([platform, state]) => `${platform}: ${state.detail ?? state.state}`)
            .join('; ')
        : new Promise<string>(() => {}),
    ),
    async stop(deadlineMs = 8_000) {
      // One deadline for the whole stop. Order: no new connection attempts or summaries, let
      // in-flight sends finish, then the bots, then (caller) the database.
      const deadline = Date.now() + deadlineMs;
      const left = () => Math.max(0, deadline - Date.now());
      shutdown.abort();
      await scheduler?.stop(left() / 2);
      for (const stop of stops.reverse()) {
        await Promise.race([
          stop().catch((error: unknown) => logger.warn({ err: error }, 'bot stop failed')),
          new Promise((resolve) => setTimeout(resolve, left()).unref()),
        ]);
      }
    },
  };
}
