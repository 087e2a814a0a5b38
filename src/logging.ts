// Structured logs: pino JSON lines at LOG_LEVEL. Two layers keep secrets out: pino's path
// redaction for known fields, and a scrub of every output line for the configured secret values
// (tokens, webhook secret, the database password and URL) in every encoded form, link codes, and
// Discord interaction tokens in the routes that carry them, whatever field or message they hide in.
import pino from 'pino';
import type { Logger } from './app/ports.ts';

export interface LoggerOptions {
  level: string;
  secrets: readonly string[];
  /** Where lines go (default: standard output). */
  write?: (line: string) => void;
}

const REDACT_PATHS = [
  'token',
  '*.token',
  'config.DISCORD_TOKEN',
  'config.TELEGRAM_BOT_TOKEN',
  'config.TELEGRAM_WEBHOOK_SECRET',
  'config.DATABASE_URL',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  'linkCode',
];

// Link codes look like K7QM-2XPA: scrubbed from every line, whatever the field (so a field named
// `code` can stay readable: Discord's 50013 and Telegram's 403 are what an operator needs).
const LINK_CODE = /\b[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}\b/g;

// A Discord interaction token answers its interaction for 15 minutes: a credential, in the URL of
// every reply (/interactions/<id>/<token>/callback, /webhooks/<application id>/<token>/...), which
// discord.js REST errors carry. The same route shape holds a channel webhook's token. The segment
// after the id is the token, in a plain or a URL-encoded path; the route around it stays readable.
const TOKEN_ROUTE = /((?:\/|%2F)(?:interactions|webhooks)(?:\/|%2F)\d+(?:\/|%2F))[^/\\\s"'?#&%]+/gi;

/**
 * Every form in which a secret can reach a log line or an error message: the value itself, its
 * secret parts on their own (what follows the colon of a Telegram token; the parts after the first
 * dot of a Discord token), URL-encoded (%3A for the colon, either case), and base64/base64url, at
 * each of the three byte alignments a secret can have inside a longer encoded text (only the
 * characters that depend on the secret alone are kept, so the surrounding bytes do not matter).
 */
export function secretForms(secret: string): string[] {
  const parts = secret.split(/[:.]/).filter((part, index) => index > 0 && part.length >= 8);
  const plain = [secret, ...parts];
  const forms = new Set<string>();
  for (const value of plain) {
    forms.add(value);
    const encoded = encodeURIComponent(value);
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    const bytes = Buffer.from(value, 'utf8');
    for (let shift = 0; shift < 3; shift++) {
      const base64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
      const first = Math.ceil((8 * shift) / 6);
      const last = Math.floor((8 * (shift + bytes.length)) / 6);
      const stable = base64.slice(first, last);
      forms.add(stable);
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((form) => form.length >= 8);
}

export function scrubber(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 8).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let out = text;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out.replace(LINK_CODE, '[code]').replace(TOKEN_ROUTE, '$1[redacted]');
  };
}

/**
 * An error as pino writes it, less the request it failed on: discord.js keeps the reply it was sending in
 * `requestBody` and telegraf in `on.payload`, a user's positions and chat ids that have no place in a log.
 * The route (`url`, `method`, `on.method`) stays, so the line still says what failed.
 */
function errorWithoutReply(error: Error): unknown {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  if ('requestBody' in serialized) serialized.requestBody = '[omitted]';
  const on = serialized.on as Record<string, unknown> | undefined;
  if (on && typeof on === 'object' && 'payload' in on) serialized.on = { ...on, payload: '[omitted]' };
  return serialized;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = scrubber(options.secrets);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const stream = { write: (line: string) => write(scrub(line)) };
  return pino(
    {
      level: options.level,
      // The pid tells an operator (and the tests) which process wrote a line: npm and tini wrap the bot.
      base: { app: 'condor-xyk', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errorWithoutReply },
    },
    stream,
  ) as unknown as Logger;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** A JSON log line as one line for a person: "warning: market data: CBOE unreachable ... (ref K7Q2M9)". */
export function readableLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; reference?: string; err?: { message?: string } };
    const detail = entry.err?.message ? `: ${entry.err.message}` : '';
    const reference = entry.reference ? ` (ref ${entry.reference})` : '';
    return `${LEVEL_NAMES[entry.level ?? 30] ?? 'log'}: ${entry.msg ?? ''}${detail}${reference}\n`;
  } catch {
    return line;
  }
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
