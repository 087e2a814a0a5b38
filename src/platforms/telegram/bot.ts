// The Telegram bot: a telegraf v4 instance built by a factory (nothing happens on import), with a
// command handler for every root of the registry, buttons, hedge polls, /start, and bot.catch
// always set. Long polling by default; with TELEGRAM_WEBHOOK_URL and PORT, a webhook server that
// checks Telegram's secret-token header. Updates are handled in the background and tracked, so a
// slow command (a backtest) does not hold up the others and stop() can wait for them.
import type { Server } from 'node:http';
import { Telegraf, type Context } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import type { AppDeps } from '../../app/context.ts';
import type { Logger, PollRepository } from '../../app/ports.ts';
import { createHandlers } from './handlers.ts';
import { startPolling, type Poller } from './polling.ts';
import { registerTelegramCommands } from './register.ts';
import type { ConnectionState } from '../../app/supervise.ts';
import { createWebhookServer } from './webhook.ts';
import { createWorkLimit } from './work-limit.ts';

/** Loopback only: a reverse proxy in front terminates TLS and forwards the webhook path (docs/telegram.md). */
export const DEFAULT_WEBHOOK_HOST = '127.0.0.1';

/** The part of the configuration the bot reads (src/config.ts's Config fits). */
export interface TelegramConfig {
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_API_ROOT?: string;
  TELEGRAM_WEBHOOK_URL?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  PORT?: number;
  /** Interface the webhook server listens on (default 127.0.0.1: behind a reverse proxy). */
  HOST?: string;
}

export interface TelegramBotExtras {
  /** Skips getMe (tests drive handleUpdate with a fixed botInfo). */
  botInfo?: UserFromGetMe;
  /** Where open hedge polls are kept (default: the app's store, shared with the scheduler's sender). */
  polls?: PollRepository;
  /** Overrides HOST. */
  webhookHost?: string;
  /** Overrides PORT (tests pass 0 for a free port). */
  webhookPort?: number;
  /** stop() waits this long for in-flight updates (default 10 s). */
  stopDeadlineMs?: number;
  /** A 429 while answering is waited out up to this long (default 30 s). */
  maxRateLimitWaitMs?: number;
  /** Acknowledge a pressed button after this long if its command is still running (default 2.5 s). */
  callbackAnswerAfterMs?: number;
  /** deleteWebhook on stop (default true; false behind a load balancer with several instances). */
  deleteWebhookOnStop?: boolean;
  /** Updates worked on at once; the rest wait in arrival order (default UPDATE_CONCURRENCY). */
  updateConcurrency?: number;
  /** The connection as the health report shows it (polling: each getUpdates; 401/409 stop it). */
  onState?(state: ConnectionState, detail?: string): void;
}

export interface TelegramBotOptions {
  config: TelegramConfig;
  logger: Logger;
  deps: AppDeps;
  telegramOptions?: TelegramBotExtras;
}

export interface TelegramBot {
  readonly mode: 'polling' | 'webhook';
  /** The telegraf instance (for tests and advanced wiring). */
  readonly telegraf: Telegraf;
  readonly polls: PollRepository;
  /** Handles one update and waits until everything it started is done. */
  handleUpdate(update: Update): Promise<void>;
  /**
   * Polling: deletes any webhook, then polls. Webhook: listens, then setWebhook. The signal
   * abandons the Bot API calls of the start (shutdown, or the attempt's deadline).
   */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops taking updates and waits (up to the deadline) for those in flight. */
  stop(reason?: string): Promise<void>;
  /** Publishes the command menu (setMyCommands). */
  register(): Promise<void>;
  /** The webhook server's address once started (port 0 picks a free one). */
  webhookAddress(): { host: string; port: number } | null;
}

export const ALLOWED_UPDATES = ['message', 'callback_query', 'poll_answer'] as const;

/**
 * Updates worked on at once. Enough to keep the Bot API busy (one command rarely waits long for
 * anything but its answer), few enough that a burst of 300 cannot queue a command's worth of work
 * 300 times ahead of /healthz (bench/link-flood.ts; docs/hardening.md "Link flood").
 */
export const UPDATE_CONCURRENCY = 8;

/**
 * The most HTTPS connections Telegram may open to the webhook at once (setWebhook's
 * max_connections; Telegram's default is 40). Telegram sends one update at a time per connection
 * and waits for the answer, so this bounds how many requests a burst puts on the event loop at
 * once: 300 updates over 300 connections arrive together and are read and acknowledged in one
 * ~0.3 s stretch ahead of /healthz; over 8 they arrive a few at a time. We acknowledge before the
 * work, so 8 connections still carry hundreds of updates a second (bench/link-flood.ts).
 */
export const WEBHOOK_MAX_CONNECTIONS = UPDATE_CONCURRENCY;

const timer = (ms: number) =>
  new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, ms)).unref());

export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const { config, deps } = options;
  const extras = options.telegramOptions ?? {};
  const logger = options.logger.child({ platform: 'telegram' });
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const webhookUrl = config.TELEGRAM_WEBHOOK_URL;
  const webhookPort = extras.webhookPort ?? config.PORT;
  const mode: TelegramBot['mode'] = webhookUrl && webhookPort !== undefined ? 'webhook' : 'polling';
  if (mode === 'webhook' && !config.TELEGRAM_WEBHOOK_SECRET)
    throw new Error('TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL');

  const bot = new Telegraf(token, {
    // Answers must not ride on the webhook response: we need their message ids and errors.
    telegram: { webhookReply: false, ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}) },
  });
  if (extras.botInfo) bot.botInfo = extras.botInfo;
  const polls = extras.polls ?? deps.store.polls;
  const handlers = createHandlers({
    deps,
    logger,
    polls,
    maxRateLimitWaitMs: extras.maxRateLimitWaitMs ?? 30_000,
    callbackAnswerAfterMs: extras.callbackAnswerAfterMs ?? 2_500,
  });

  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  const settle = async () => {
    while (inflight.size) await Promise.allSettled([...inflight]);
  };

  // The first middleware detaches the rest: the update loop moves on, the work is tracked, and
  // at most updateConcurrency updates are worked on at once (a burst waits its turn).
  const limit = createWorkLimit(extras.updateConcurrency ?? UPDATE_CONCURRENCY);
  bot.use((ctx, next) => {
    track(limit(() => Promise.resolve().then(next)).catch((error: unknown) => handlers.onError(error, ctx)));
  });
  bot.start((ctx) => handlers.onStart(ctx));
  bot.command([...deps.registry.roots.keys()], (ctx) => handlers.onCommand(ctx));
  // Anything else typed (plain text, an unknown /command): a pointer to /help in private chats.
  bot.on('text', (ctx) => handlers.onOtherMessage(ctx));
  bot.on('callback_query', (ctx) => handlers.onButton(ctx));
  bot.on('poll_answer', (ctx) => handlers.onPollAnswer(ctx as Context));
  bot.catch((error, ctx) => handlers.onError(error, ctx));

  let poller: Poller | null = null;
  let server: Server | null = null;
  let running = false;

  // telegraf types its signal with the abort-controller polyfill; node-fetch takes Node's own.
  async function ensureBotInfo(signal?: AbortSignal): Promise<UserFromGetMe> {
    bot.botInfo ??= await bot.telegram.callApi('getMe', {}, { signal: signal as never });
    return bot.botInfo;
  }

  async function beginPolling(signal?: AbortSignal): Promise<void> {
    poller = await startPolling({
      telegram: bot.telegram,
      allowedUpdates: ALLOWED_UPDATES,
      logger,
      signal,
      onState: extras.onState,
      handle: (update) =>
        bot
          .handleUpdate(update)
          .catch((error: unknown) => logger.error({ err: error, updateId: update.update_id }, 'update failed')),
    });
  }

  async function startWebhook(url: URL, port: number, signal?: AbortSignal): Promise<void> {
    const secret = config.TELEGRAM_WEBHOOK_SECRET!;
    server = createWebhookServer({
      path: url.pathname || '/',
      secret,
      logger,
      onUpdate: (update) =>
        track(
          bot
            .handleUpdate(update)
            .catch((error: unknown) =>
              logger.error({ err: error, updateId: update.update_id }, 'webhook update failed'),
            ),
        ),
      health: () => ({ platform: 'telegram', mode, bot: bot.botInfo?.username ?? null, inflight: inflight.size }),
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, extras.webhookHost ?? config.HOST ?? DEFAULT_WEBHOOK_HOST, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    try {
      await bot.telegram.callApi(
        'setWebhook',
        {
          url: url.href,
          secret_token: secret,
          allowed_updates: [...ALLOWED_UPDATES],
          max_connections: WEBHOOK_MAX_CONNECTIONS,
          drop_pending_updates: false,
        },
        { signal: signal as never },
      );
    } catch (error) {
      listening.close();
      server = null;
      throw error;
    }
  }

  return {
    mode,
    telegraf: bot,
    polls,
    async handleUpdate(update) {
      await bot.handleUpdate(update);
      await settle();
    },
    async start(signal) {
      if (running) return;
      const me = await ensureBotInfo(signal);
      if (mode === 'webhook') await startWebhook(new URL(webhookUrl!), webhookPort!, signal);
      else await beginPolling(signal);
      running = true;
      logger.info({ mode, bot: me.username }, 'telegram bot started');
    },
    async stop(reason = 'stop') {
      if (!running) return;
      running = false;
      const deadline = Date.now() + (extras.stopDeadlineMs ?? 10_000);
      const within = (work: Promise<unknown>) =>
        Promise.race([
          work.then(
            () => 'done' as const,
            () => 'done' as const,
          ),
          timer(deadline - Date.now()),
        ]);
      if (poller) {
        poller.stop();
        await within(poller.done);
        poller = null;
      }
      if (server) {
        if (extras.deleteWebhookOnStop ?? true) {
          await within(
            bot.telegram.deleteWebhook().catch((error: unknown) => logger.warn({ err: error }, 'deleteWebhook failed')),
          );
        }
        const closing = server;
        server = null;
        await within(
          new Promise<void>((resolve) => {
            closing.close(() => resolve());
            closing.closeIdleConnections();
          }),
        );
        closing.closeAllConnections();
      }
      const drained = await within(settle());
      if (drained === 'timeout')
        logger.warn({ inflight: inflight.size, reason }, 'telegram bot stopped with updates still in flight');
      else logger.info({ reason }, 'telegram bot stopped');
    },
    async register() {
      const commands = await registerTelegramCommands(bot.telegram, deps.registry);
      logger.info({ commands: commands.length }, 'telegram command menu published');
    },
    webhookAddress() {
      const address = server?.address();
      return address && typeof address === 'object' ? { host: address.address, port: address.port } : null;
    },
  };
}
