// Structured logs: pino JSON lines at LOG_LEVEL. Two layers keep secrets out: pino's path
// redaction for known fields, and a scrub of every output line for the configured secret values
// (tokens, webhook secret) and link codes, whatever field or message they hide in.
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
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  'linkCode',
];

// Link codes look like K7QM-2XPA: scrubbed from every line, whatever the field (so a field named
// `code` can stay readable: Discord's 50013 and Telegram's 403 are what an operator needs).
const LINK_CODE = /\b[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}\b/g;

export function scrubber(secrets: readonly string[]): (text: string) => string {
  const values = secrets.filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out.replace(LINK_CODE, '[code]');
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = scrubber(options.secrets);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const stream = { write: (line: string) => write(scrub(line)) };
  return pino(
    {
      level: options.level,
      base: { app: 'condor-xyk' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
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
