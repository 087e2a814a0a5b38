// Configuration: one zod schema over the environment (.env.example documents each).
// createConfig(env) is pure; main.ts reads .env first, then calls it, and stops with exit code 2
// and one line naming the variable when a value is missing or malformed.
import { z } from 'zod';
import { isInMemoryPath } from './store/paths.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const url = (what: string) =>
  z
    .string()
    .trim()
    .url({ message: `must be a URL (${what})` });
const number = (what: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, { message: `must be a number (${what})` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min} (${what})` })
        .max(max, { message: `must be at most ${max} (${what})` }),
    );
const integer = (what: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `must be a whole number (${what})` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min} (${what})` })
        .max(max, { message: `must be at most ${max} (${what})` }),
    );

/** postgres://… or postgresql://… with a host; the PostgreSQL store is used only when this is set. */
export function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The secret parts of DATABASE_URL: its password (as written and decoded) and the whole URL. */
function databaseSecrets(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) return [];
  const { password } = new URL(databaseUrl);
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape: the raw text is what could leak.
  }
  return password ? [databaseUrl, password, decoded] : [];
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  DISCORD_TOKEN: z
    .string()
    .trim()
    .min(20, { message: 'must be a Discord bot token (Developer Portal → Bot → Reset Token)' })
    .optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .trim()
    .regex(/^\d{15,22}$/, { message: 'must be the application id, a number of 15-22 digits' })
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .trim()
    .regex(/^\d{15,22}$/, { message: 'must be a server id, a number of 15-22 digits' })
    .optional(),
  DISCORD_API_BASE: url('e.g. https://discord.com/api').optional(),
  CONFIRM_SECRET: z
    .string()
    .trim()
    .min(32, {
      message: 'must be at least 32 characters, the same on every worker (e.g. the output of openssl rand -hex 32)',
    })
    .optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, {
      message:
        'must be the application public key, 64 hex characters (Developer Portal → General Information → Public Key)',
    })
    .optional(),
  DISCORD_INTERACTIONS_PORT: integer('the port of the Discord interactions endpoint', 1, 65535).optional(),
  DISCORD_INTERACTIONS_PATH: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, { message: 'must be a URL path starting with /, e.g. /interactions' })
    .default('/interactions'),
  DISCORD_SHARDS: integer(
    'gateway shards for npm run start:sharded; unset: as Discord recommends',
    1,
    10000,
  ).optional(),
  DISCORD_GATEWAY: z
    .enum(['on', 'off'], { message: 'must be on or off (off: Discord interactions over HTTP only)' })
    .default('on'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: 'must be a token from @BotFather, like 123456:ABC-DEF...' })
    .optional(),
  TELEGRAM_API_ROOT: url('e.g. https://api.telegram.org').optional(),
  TELEGRAM_WEBHOOK_URL: url('the public https URL Telegram posts updates to').optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, { message: 'must be 16-256 characters of A-Z a-z 0-9 _ -' })
    .optional(),
  PORT: integer('the HTTP port for webhooks and the health check', 1, 65535).optional(),
  HOST: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z.:-]+$/, { message: 'must be an interface address, e.g. 127.0.0.1 or 0.0.0.0' })
    .default('127.0.0.1'),
  HEALTH_PORT: integer('the port of the health endpoint GET /healthz', 1, 65535).optional(),
  HEALTH_HOST: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z.:-]+$/, { message: 'must be an interface address, e.g. 127.0.0.1 or 0.0.0.0' })
    .default('127.0.0.1'),
  HEADLESS: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false (true: the scheduler only, no bots)' })
    .transform((value) => value === 'true' || value === '1')
    .default(false),
  DATABASE_PATH: z
    .string()
    .trim()
    .min(1)
    .refine((file) => !isInMemoryPath(file), {
      message: 'must be a file, e.g. ./data/condor-xyk.db (an in-memory database would lose every position at exit)',
    })
    .default('./data/condor-xyk.db'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine(isPostgresUrl, {
      // Never echo the value: it holds the database password.
      message:
        'must be a PostgreSQL URL, e.g. postgres://condor:PASSWORD@db.example:5432/condor ' +
        '(leave it unset to use the SQLite file DATABASE_PATH)',
    })
    .optional(),
  MARKET_DATA: z.enum(['cboe', 'file', 'demo'], { message: 'must be cboe, file or demo' }).default('cboe'),
  CBOE_BASE_URL: url('e.g. https://cdn.cboe.com').default('https://cdn.cboe.com'),
  MARKET_DATA_DIR: z.string().trim().min(1).default('./data/market'),
  SUMMARY_TIME: z.string().trim().regex(TIME, { message: 'must be a time HH:MM, e.g. 09:45' }).default('09:45'),
  REVIEW_TIME: z.string().trim().regex(TIME, { message: 'must be a time HH:MM, e.g. 16:15' }).optional(),
  SUMMARY_TIMEZONE: z
    .string()
    .trim()
    .refine(validTimeZone, { message: 'must be an IANA time zone, e.g. America/New_York' })
    .default('America/New_York'),
  CATCH_UP_HOURS: number('hours after a missed summary time within which it is still sent', 0, 24).default(2),
  STALE_AFTER_MINUTES: integer('minutes after which a quote is stale in market hours', 1, 1440).default(30),
  RISK_FREE_RATE: number('continuous risk-free rate, e.g. 0.04', -0.05, 0.5).default(0.04),
  DIVIDEND_YIELD: number('continuous dividend yield, e.g. 0.013', 0, 0.2).default(0.013),
  SKEW_BETA: number('skew slope of the VIX proxy, 0 = flat', 0, 5).default(0),
  EXTRA_EVENTS: z.string().trim().optional(),
  CHARTS_DIR: z.string().trim().min(1).default('./data/charts'),
  EXPENSIVE_COMMANDS_PER_MINUTE: integer('backtests per user per minute', 1, 1000).default(3),
  CHAIN_EVALUATIONS_PER_MINUTE: integer(
    'evaluations priced from the option chain per user per minute',
    1,
    1000,
  ).default(20),
  TELEGRAM_MESSAGES_PER_SECOND: integer("Telegram's overall send pace", 1, 1000).default(30),
  DISCORD_REQUESTS_PER_SECOND: integer("Discord's global request pace", 1, 1000).default(50),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

export type Config = z.output<typeof configSchema> & {
  extraEvents: unknown[];
  discordEnabled: boolean;
  telegramEnabled: boolean;
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string; variable: string };

/** Validates the environment; empty strings count as unset (as in most .env files). */
export function createConfig(env: Record<string, string | undefined>): ConfigResult {
  const cleaned = Object.fromEntries(
    Object.keys(configSchema.shape).map((key) => [
      key,
      env[key] === undefined || env[key]!.trim() === '' ? undefined : env[key],
    ]),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    return { ok: false, variable, error: `${variable} ${issue.message.replace(/^Invalid input: /, '')}` };
  }
  const config = parsed.data;
  let extraEvents: unknown[] = [];
  if (config.EXTRA_EVENTS) {
    try {
      const value = JSON.parse(config.EXTRA_EVENTS) as unknown;
      if (!Array.isArray(value)) throw new Error('not a list');
      extraEvents = value;
    } catch {
      return {
        ok: false,
        variable: 'EXTRA_EVENTS',
        error: 'EXTRA_EVENTS must be a JSON list like [{"date":"2026-12-09","kind":"FOMC","title":"FOMC decision"}]',
      };
    }
  }
  if (config.DISCORD_TOKEN && !config.DISCORD_APPLICATION_ID) {
    return {
      ok: false,
      variable: 'DISCORD_APPLICATION_ID',
      error:
        'DISCORD_APPLICATION_ID is required with DISCORD_TOKEN (Developer Portal → General Information → ' +
        'Application ID)',
    };
  }
  const discordProblem = discordInteractionsProblem(config);
  if (discordProblem) return { ok: false, ...discordProblem };
  if (config.TELEGRAM_WEBHOOK_URL && !config.PORT) {
    return {
      ok: false,
      variable: 'PORT',
      error: 'PORT is required with TELEGRAM_WEBHOOK_URL (the port the webhook server listens on)',
    };
  }
  if (config.TELEGRAM_WEBHOOK_URL && !config.TELEGRAM_WEBHOOK_SECRET) {
    return {
      ok: false,
      variable: 'TELEGRAM_WEBHOOK_SECRET',
      error:
        'TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL (Telegram sends it back in a header on ' +
        'every update)',
    };
  }
  return {
    ok: true,
    config: {
      ...config,
      extraEvents,
      discordEnabled: Boolean(config.DISCORD_TOKEN),
      telegramEnabled: Boolean(config.TELEGRAM_BOT_TOKEN),
    },
  };
}

/** The rules between the Discord interactions settings (docs/discord.md "Interactions over HTTP"). */
function discordInteractionsProblem(config: z.output<typeof configSchema>): { variable: string; error: string } | null {
  if (config.DISCORD_PUBLIC_KEY && !config.DISCORD_TOKEN)
    return {
      variable: 'DISCORD_TOKEN',
      error:
        'DISCORD_TOKEN is required with DISCORD_PUBLIC_KEY ' +
        '(shared proposals, summaries and registration use the bot token)',
    };
  if (config.DISCORD_PUBLIC_KEY && !config.DISCORD_INTERACTIONS_PORT)
    return {
      variable: 'DISCORD_INTERACTIONS_PORT',
      error:
        'DISCORD_INTERACTIONS_PORT is required with DISCORD_PUBLIC_KEY ' +
        '(the port the interactions endpoint listens on, e.g. 8787)',
    };
  if (config.DISCORD_GATEWAY === 'off' && !config.DISCORD_PUBLIC_KEY)
    return {
      variable: 'DISCORD_PUBLIC_KEY',
      error:
        'DISCORD_PUBLIC_KEY is required with DISCORD_GATEWAY=off ' +
        '(without the gateway, commands arrive only at the interactions endpoint)',
    };
  if (config.DISCORD_INTERACTIONS_PORT && config.DISCORD_INTERACTIONS_PORT === config.PORT)
    return {
      variable: 'DISCORD_INTERACTIONS_PORT',
      error: 'DISCORD_INTERACTIONS_PORT must differ from PORT (the Telegram webhook server listens there), e.g. 8787',
    };
  return null;
}

/** Values that must never appear in logs or replies. */
export function secretsOf(config: Config): string[] {
  return [
    config.DISCORD_TOKEN,
    config.TELEGRAM_BOT_TOKEN,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.CONFIRM_SECRET,
    ...databaseSecrets(config.DATABASE_URL),
  ].filter((value): value is string => Boolean(value));
}
