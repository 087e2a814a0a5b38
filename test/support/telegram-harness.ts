// A Telegram bot on loopback for tests: the telegram-test-api emulator (users type commands into
// it, the bot fetches them with getUpdates and answers with sendMessage), the fake in front of it
// for the methods it lacks, and the app built by buildApp on a temp SQLite file with demo data.
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import type { Update } from 'telegraf/types';
import type { Clock, Logger } from '../../src/app/ports.ts';
import type { Reply } from '../../src/app/reply.ts';
import type { Services } from '../../src/app/services.ts';
import { buildApp, type App } from '../../src/compose.ts';
import { createConfig } from '../../src/config.ts';
import {
  createTelegramBot,
  type TelegramBot,
  type TelegramBotExtras,
  type TelegramConfig,
} from '../../src/platforms/telegram/index.ts';
import { startTelegramFake, type FakeCall, type TelegramFake } from './telegram-fake.ts';
import { makeTempDir } from './temp-dir.ts';

export const TOKEN = '123456789:AAE-test_token_for_loopback_only_x';
export const BOT_NAME = 'TestNameBot';
/** 2026-11-20 15:00 New York, a Friday and a trading day. */
export const FRIDAY_MS = Date.UTC(2026, 10, 20, 20, 0, 0);

export interface LogEntry {
  level: string;
  object: Record<string, unknown>;
  message?: string;
}

export function memoryLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at = (level: string) => (object: Record<string, unknown>, message?: string) => {
    entries.push({ level, object, ...(message !== undefined ? { message } : {}) });
  };
  const logger = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

export function fakeClock(startMs = FRIDAY_MS): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function tempDatabase(): { path: string; remove(): void } {
  const dir = makeTempDir('condor-telegram-');
  return { path: path.join(dir, 'test.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function buildTestApp(
  options: { clock?: Clock; services?: Services; logger?: Logger; databasePath?: string } = {},
): App & { removeFiles(): void } {
  // A given file is the caller's (a restart test opens it twice): it is not removed with the app.
  const database = options.databasePath ? { path: options.databasePath, remove: () => {} } : tempDatabase();
  const result = createConfig({ DATABASE_PATH: database.path, MARKET_DATA: 'demo' });
  if (!result.ok) throw new Error(result.error);
  const app = buildApp(result.config, options.logger ?? memoryLogger(), {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.services ? { services: options.services } : {}),
  });
  return { ...app, removeFiles: database.remove };
}

/** Summaries and backtests as the scheduler and history loader would provide them. */
export const testServices: Services = {
  summaries: {
    channelSummary: async () => ({
      title: 'Daily summary 2026-11-20',
      visibility: 'channel',
      lines: ['Regime: calm. Model condor 5,700/5,750/6,250/6,300.'],
      footer: ['DEMO DATA'],
    }),
  },
  backtests: {
    run: async (request) =>
      ({
        title: `Backtest ${request.policy}`,
        visibility: 'caller',
        table: {
          columns: [{ label: 'policy' }, { label: 'P/L', align: 'right' }],
          rows: [
            ['cp', '+$12,400'],
            ['delta', '+$9,100'],
          ],
        },
        attachments: [
          {
            filename: 'equity.png',
            contentType: 'image/png',
            data: Buffer.from('89504e470d0a1a0a0000', 'hex'),
            description: 'equity curves',
          },
        ],
      }) satisfies Reply,
  },
};

export interface Harness {
  app: App & { removeFiles(): void };
  bot: TelegramBot;
  fake: TelegramFake;
  emulator: TelegramServer;
  clock: ReturnType<typeof fakeClock>;
  logger: ReturnType<typeof memoryLogger>;
  /** A user of the emulator; type 'group' with a negative chatId for a group. */
  client(options: {
    userId: number;
    firstName?: string;
    chatId?: number;
    type?: 'private' | 'group' | 'supergroup';
    chatTitle?: string;
  }): TelegramClient;
  /** Types a command into the emulator, lets the bot fetch and handle it; returns the bot's API calls. */
  say(client: TelegramClient, text: string): Promise<FakeCall[]>;
  /** Presses an inline button (callback_data) in the client's chat; returns the bot's API calls. */
  press(client: TelegramClient, data: string): Promise<FakeCall[]>;
  /** Hands an update (callback query, poll answer) straight to the bot; returns its API calls. */
  deliver(update: Update): Promise<FakeCall[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    clock?: ReturnType<typeof fakeClock>;
    extras?: TelegramBotExtras;
    config?: Partial<TelegramConfig>;
    /** An existing SQLite file to open (kept on close), to restart the bot on the same database. */
    databasePath?: string;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? fakeClock();
  const logger = memoryLogger();
  const app = buildTestApp({
    clock,
    services: testServices,
    logger,
    ...(options.databasePath ? { databasePath: options.databasePath } : {}),
  });
  const emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
  await emulator.start();
  const fake = await startTelegramFake({ upstream: emulator.config.apiURL });
  const bot = createTelegramBot({
    config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, ...options.config },
    logger,
    deps: app.deps,
    telegramOptions: { callbackAnswerAfterMs: 60_000, ...options.extras },
  });
  let nextUpdate = 0;
  /** One round of polling by hand: the emulator's getUpdates does not long-poll. */
  const pump = async () => {
    const updates = await bot.telegraf.telegram.getUpdates(0, 100, nextUpdate, undefined);
    for (const update of updates) {
      nextUpdate = update.update_id + 1;
      await bot.handleUpdate(update);
    }
  };
  const since = async (work: () => Promise<void>) => {
    const start = fake.calls.length;
    await work();
    return fake.calls.slice(start).filter((call) => call.method !== 'getUpdates' && call.method !== 'getMe');
  };
  return {
    app,
    bot,
    fake,
    emulator,
    clock,
    logger,
    client: (o) =>
      emulator.getClient(TOKEN, {
        firstName: 'Alice',
        userName: 'alice',
        chatId: o.userId,
        type: 'private',
        timeout: 2000,
        ...o,
      }),
    say: (client, text) =>
      since(async () => {
        await client.sendCommand(client.makeCommand(text));
        await pump();
      }),
    press: (client, data) =>
      since(async () => {
        await client.sendCallback(client.makeCallbackQuery(data));
        await pump();
      }),
    deliver: (update) => since(() => bot.handleUpdate(update)),
    async close() {
      await bot.stop('test over');
      await fake.close();
      await emulator.stop();
      await app.close();
      app.removeFiles();
    },
  };
}

/** The text messages among a bot's calls, with where they went. */
export const messagesIn = (calls: FakeCall[]) =>
  calls
    .filter((call) => call.method === 'sendMessage')
    .map((call) => ({ chatId: String(call.body.chat_id), html: String(call.body.text), body: call.body }));

/** The link code in a /link reply. */
export const linkCodeIn = (text: string) => /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(text)?.[1] ?? null;

/** Checks Telegram HTML: only known tags, properly nested and closed, every & an entity, no stray < or >. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const pattern = /<(\/?)([a-z]+)((?:\s+[a-z]+="[^"<>]*")*)\s*>|&(?:amp|lt|gt|quot);|[<>&]/g;
  for (const match of html.matchAll(pattern)) {
    const [token, closing, tag] = match;
    if (!tag) {
      if (token.length === 1) problems.push(`stray ${token} at ${match.index}`);
      continue;
    }
    if (!['b', 'i', 'u', 's', 'code', 'pre', 'a'].includes(tag)) problems.push(`unknown tag ${tag}`);
    if (closing) {
      if (stack.pop() !== tag) problems.push(`</${tag}> closes nothing open at ${match.index}`);
    } else {
      stack.push(tag);
    }
  }
  if (stack.length) problems.push(`unclosed ${stack.join(', ')}`);
  return problems;
}
