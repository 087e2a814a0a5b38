// MARKET_DATA=file: quotes from MARKET_DATA_DIR, for running without the network or with the
// operator's own feed. quotes.json first (docs/market-data.md):
//   { "SPX": 5800.1, "VIX": 16.2, "VIX3M": 17.9, "VVIX": 92, "asOf": "2026-11-20T16:00:00-05:00",
//     "previousClose": { "SPX": 5790.3, "VIX": 15.8 } }          (VIX3M, VVIX, previousClose optional)
// else the latest row of the history CSVs `data sync` writes (SPX from SPX_History.csv or
// fred_SP500.csv, whichever is newer; VIX, VIX3M, VVIX from theirs), stamped at that day's close.
// The history CSVs are also where the VIX percentile's closes come from, in every mode.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { IsoDate } from '../engine/dates.ts';
import { NEW_YORK, newYorkInstant, sessionClose } from './calendar.ts';
import type { MarketSymbol, QuoteSource, SourceQuote } from './quote-source.ts';
import { parseHistoryCsv, type DailyBar } from './parsers/history.ts';
import { describeError, failure, success, type ParseResult } from './parsers/result.ts';
import { HISTORY_FILES } from './sync.ts';

export const QUOTES_FILE = 'quotes.json';

/** A file problem, shaped like the fallback's failures: a short reason, never "unreachable". */
export class MarketFileError extends Error {
  override readonly name = 'MarketFileError';
  readonly unreachable = false;
  constructor(
    readonly reason: string,
    readonly detail: string | null = null,
    /** The symbol is simply not in the file (optional values). */
    readonly absent = false,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

interface FileMemo<T> {
  mtimeMs: number;
  size: number;
  value: T;
}

const memos = new Map<string, FileMemo<unknown>>();

/** Reads and parses a file once per change (mtime and size); null when the file does not exist. */
function readMemo<T>(file: string, parse: (text: string) => T): T | null {
  let stats;
  try {
    stats = statSync(file);
  } catch (thrown) {
    if ((thrown as { code?: string }).code === 'ENOENT') return null;
    throw thrown;
  }
  const memo = memos.get(file) as FileMemo<T> | undefined;
  if (memo && memo.mtimeMs === stats.mtimeMs && memo.size === stats.size) return memo.value;
  const value = parse(readFileSync(file, 'utf8'));
  memos.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, value });
  return value;
}

export type HistoryFileResult =
  { ok: true; bars: DailyBar[]; file: string } | { ok: false; missing: boolean; error: string; file: string };

/** One of the history CSVs in a folder, parsed (ascending, de-duplicated bars). */
export function readHistoryFile(dir: string, fileName: string): HistoryFileResult {
  const file = path.join(dir, fileName);
  let parsed: ParseResult<DailyBar[]> | null;
  try {
    parsed = readMemo(file, (text) => {
      const series = parseHistoryCsv(text, fileName);
      return series.ok ? success(series.value.bars) : failure(series.error);
    });
  } catch (thrown) {
    return { ok: false, missing: false, error: `${fileName}: ${describeError(thrown)}`, file };
  }
  if (parsed === null) return { ok: false, missing: true, error: `${fileName} not found in ${dir}`, file };
  return parsed.ok ? { ok: true, bars: parsed.value, file } : { ok: false, missing: false, error: parsed.error, file };
}

const positive = (name: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `${name} is missing` : `${name} must be a number`) })
    .finite({ error: `${name} must be a finite number` })
    .positive({ error: `${name} must be a positive number` });

const quotesFileSchema = z.object({
  SPX: positive('SPX'),
  VIX: positive('VIX'),
  VIX3M: positive('VIX3M').optional(),
  VVIX: positive('VVIX').optional(),
  asOf: z.string({
    error: (issue) =>
      issue.input === undefined
        ? 'asOf is missing (e.g. "2026-11-20T16:00:00-05:00")'
        : 'asOf must be text like "2026-11-20T16:00:00-05:00"',
  }),
  previousClose: z.record(z.string(), positive('previousClose')).optional(),
});

/**
 * The instant of quotes.json's asOf: ISO 8601 with an offset or Z; without one, New York time; a date alone, that day's
 * close.
 */
export function parseAsOf(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const time = DateTime.fromISO(trimmed, { zone: NEW_YORK });
    if (!time.isValid) return null;
    return newYorkInstant(trimmed, sessionClose(trimmed) ?? '16:00');
  }
  const time = DateTime.fromISO(trimmed, { zone: NEW_YORK });
  return time.isValid ? time.toMillis() : null;
}

type QuotesFile = Partial<Record<MarketSymbol, SourceQuote>>;

function parseQuotesFile(text: string): ParseResult<QuotesFile> {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (thrown) {
    return failure(`${QUOTES_FILE}: malformed JSON (${describeError(thrown)})`);
  }
  const checked = quotesFileSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 1 ? `${issue.path.map(String).join('.')}: ` : '';
    return failure(`${QUOTES_FILE}: ${where}${issue?.message ?? 'invalid'}`);
  }
  const data = checked.data;
  const asOfMs = parseAsOf(data.asOf);
  if (asOfMs === null)
    return failure(`${QUOTES_FILE}: asOf '${data.asOf}' is not a date-time like 2026-11-20T16:00:00-05:00`);
  const quotes: QuotesFile = {};
  for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX'] as const) {
    const value = data[symbol];
    if (value !== undefined) quotes[symbol] = { value, asOfMs, previousClose: data.previousClose?.[symbol] ?? null };
  }
  return success(quotes);
}

const closeInstant = (date: IsoDate) => newYorkInstant(date, sessionClose(date) ?? '16:00');

function latestOf(bars: readonly DailyBar[]): SourceQuote | null {
  const last = bars.at(-1);
  if (!last) return null;
  return { value: last.close, asOfMs: closeInstant(last.date), previousClose: bars.at(-2)?.close ?? null };
}

/** Quotes from the latest rows of the history CSVs; a symbol without a file is absent. */
function quotesFromHistory(dir: string): { quotes: QuotesFile; errors: Partial<Record<MarketSymbol, string>> } {
  const quotes: QuotesFile = {};
  const errors: Partial<Record<MarketSymbol, string>> = {};
  const spxFiles = [HISTORY_FILES.SPX, HISTORY_FILES.FRED_SP500].map((name) => readHistoryFile(dir, name));
  const spx = spxFiles
    .flatMap((read) => (read.ok ? [latestOf(read.bars)] : []))
    .filter((q): q is SourceQuote => q !== null);
  const newestSpx = spx.sort((a, b) => b.asOfMs - a.asOfMs)[0];
  if (newestSpx) quotes.SPX = newestSpx;
  else
    errors.SPX = spxFiles.every((read) => !read.ok && read.missing)
      ? `no ${HISTORY_FILES.SPX} or ${HISTORY_FILES.FRED_SP500}`
      : spxFiles
          .map((read) => (read.ok ? '' : read.error))
          .filter(Boolean)
          .join('; ');
  for (const symbol of ['VIX', 'VIX3M', 'VVIX'] as const) {
    const read = readHistoryFile(dir, HISTORY_FILES[symbol]);
    const quote = read.ok ? latestOf(read.bars) : null;
    if (quote) quotes[symbol] = quote;
    else
      errors[symbol] = read.ok
        ? `${HISTORY_FILES[symbol]} has no rows`
        : read.missing
          ? `no ${HISTORY_FILES[symbol]}`
          : read.error;
  }
  return { quotes, errors };
}

export interface FileSourceOptions {
  dir: string;
}

/** The file provider as a quote source for the fallback chain (which labels its failures and falls back to demo). */
export function createFileSource(options: FileSourceOptions): QuoteSource {
  const { dir } = options;
  const quotesPath = path.join(dir, QUOTES_FILE);
  return {
    name: 'file',
    label: 'Market data files',
    describeFailure: (failure) => `Market data files unusable (${failure.reason})`,
    async quote(symbol) {
      let fromJson: ParseResult<QuotesFile> | null;
      try {
        fromJson = readMemo(quotesPath, parseQuotesFile);
      } catch (thrown) {
        throw new MarketFileError(`${QUOTES_FILE} unreadable`, describeError(thrown));
      }
      if (fromJson) {
        if (!fromJson.ok) throw new MarketFileError(fromJson.error);
        const quote = fromJson.value[symbol];
        if (!quote) throw new MarketFileError(`not in ${QUOTES_FILE}`, null, true);
        return quote;
      }
      const history = quotesFromHistory(dir);
      const quote = history.quotes[symbol];
      if (quote) return quote;
      throw new MarketFileError(`no ${QUOTES_FILE} and ${history.errors[symbol] ?? `no ${symbol}`} in ${dir}`);
    },
  };
}
