// Daily history files (shared/formats/README.md §2–5) → ascending, de-duplicated daily bars.
//   CBOE   DATE,OPEN,HIGH,LOW,CLOSE (MM/DD/YYYY)         VIX, VIX9D, VIX3M
//          DATE,<NAME> (close only: take the last column) VVIX, SKEW, SPX
//   FRED   observation_date,SERIES (empty = no value) and the legacy DATE,SERIES ('.' = no value)
//   files  Date,Close / DATE,OPEN,HIGH,LOW,CLOSE with ISO dates (shared/data)
//   Stooq  Date,Open,High,Low,Close,Volume, and the q/l JSON quote; Yahoo v8 chart JSON, v7 CSV
// Values are rounded to 2 decimals, the precision the indexes are published with (the raw files
// carry float64 or float32 noise such as 359.6899999337703 or 5893.6201171875).
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { formatIsoDate, parseIsoDate, type IsoDate } from '../../engine/dates.ts';
import { newYorkDate } from '../calendar.ts';
import { parseJsonBody } from './cboe-quote.ts';
import { describeError, failure, firstIssue, success, type ParseResult } from './result.ts';

export interface DailyBar {
  date: IsoDate;
  close: number;
  open?: number;
  high?: number;
  low?: number;
}

export interface SeriesReport {
  /** Data rows read. */
  rows: number;
  /** Rows without a value (FRED's empty or '.', Yahoo's null): dropped. */
  missingValue: number;
  /** Rows with an unreadable date or a non-positive or unreadable value: dropped. */
  malformed: number;
  /** Later rows for a date already seen: the last one wins. */
  duplicates: number;
  /** Rows whose open lies outside [low, high] (the VIX file has 47): kept, close trusted. */
  openOutsideRange: number;
}

export interface DailySeries {
  bars: DailyBar[];
  report: SeriesReport;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const MISSING = new Set(['', '.', 'null', 'nan', 'n/a', 'na']);

/** 'MM/DD/YYYY' or 'YYYY-MM-DD' → IsoDate, or null. */
export function parseHistoryDate(text: string): IsoDate | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const iso = us ? formatIsoDate(Number(us[3]), Number(us[1]), Number(us[2])) : text.trim();
  return parseIsoDate(iso) ? iso : null;
}

type Cell = number | 'missing' | 'bad';
function readCell(text: string | undefined): Cell {
  if (text === undefined || MISSING.has(text.trim().toLowerCase())) return 'missing';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return 'bad';
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : 'bad';
}

type RawBar = { date: IsoDate | null; close: Cell; open?: Cell; high?: Cell; low?: Cell };

/** Sorting, de-duplication, rounding and the report, shared by every format. */
function collect(raw: readonly RawBar[]): DailySeries {
  const report: SeriesReport = { rows: raw.length, missingValue: 0, malformed: 0, duplicates: 0, openOutsideRange: 0 };
  const byDate = new Map<IsoDate, DailyBar>();
  for (const row of raw) {
    if (row.date === null || row.close === 'bad') {
      report.malformed++;
      continue;
    }
    if (row.close === 'missing') {
      report.missingValue++;
      continue;
    }
    const bar: DailyBar = { date: row.date, close: round2(row.close) };
    for (const key of ['open', 'high', 'low'] as const) {
      const cell = row[key];
      if (typeof cell === 'number') bar[key] = round2(cell);
    }
    if (
      bar.open !== undefined &&
      bar.high !== undefined &&
      bar.low !== undefined &&
      (bar.open > bar.high || bar.open < bar.low)
    ) {
      report.openOutsideRange++;
    }
    if (byDate.has(row.date)) report.duplicates++;
    byDate.set(row.date, bar);
  }
  const bars = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  return { bars, report };
}

function finish(what: string, series: DailySeries): ParseResult<DailySeries> {
  if (series.bars.length === 0) return failure(`${what}: no rows with a value (${series.report.rows} rows read)`);
  // A file where most rows are unreadable is the wrong file, not a file with a few bad rows.
  if (series.report.malformed > series.bars.length)
    return failure(`${what}: ${series.report.malformed} of ${series.report.rows} rows unreadable`);
  return success(series);
}

const DATE_HEADERS = new Set(['date', 'observation_date']);

/**
 * Any of the CSV layouts above, told apart by the header: the first column is the date (DATE, Date
 * or observation_date); CLOSE/Close is the close when present (OPEN/HIGH/LOW too), else the last column.
 */
export function parseHistoryCsv(text: string, what = 'history CSV'): ParseResult<DailySeries> {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') return failure(`${what}: empty file`);
  if (body.startsWith('<')) return failure(`${what}: got an HTML page instead of CSV (blocked or an error page)`);
  if (body.startsWith('{')) return failure(`${what}: got JSON instead of CSV (${body.slice(0, 80)})`);
  let records: string[][];
  try {
    records = parse(body, { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (thrown) {
    return failure(`${what}: ${describeError(thrown)}`);
  }
  const header = (records[0] ?? []).map((name) => name.toLowerCase());
  if (header.length < 2 || !DATE_HEADERS.has(header[0]!)) {
    return failure(
      `${what}: unrecognised header '${(records[0] ?? []).join(',').slice(0, 80)}' (expected DATE,..., Date,... ` +
        `or observation_date,...)`,
    );
  }
  const column = (name: string) => header.indexOf(name);
  const closeAt = column('close') >= 0 ? column('close') : header.length - 1;
  const [openAt, highAt, lowAt] = [column('open'), column('high'), column('low')];
  const raw = records.slice(1).map((cells): RawBar => {
    const row: RawBar = { date: parseHistoryDate(cells[0] ?? ''), close: readCell(cells[closeAt]) };
    if (openAt >= 0) row.open = readCell(cells[openAt]);
    if (highAt >= 0) row.high = readCell(cells[highAt]);
    if (lowAt >= 0) row.low = readCell(cells[lowAt]);
    return row;
  });
  return finish(what, collect(raw));
}

/** Stooq's q/d/l CSV. Stooq now answers scripts with an HTML proof-of-work page and HTTP 200. */
export function parseStooqCsv(text: string): ParseResult<DailySeries> {
  if (!text.replace(/^\uFEFF/, '').startsWith('Date,')) {
    return failure("Stooq CSV: the body does not start with 'Date,' (an HTML proof-of-work page or an error)");
  }
  return parseHistoryCsv(text, 'Stooq CSV');
}

const maybeNumbers = z.array(z.number().nullable()).optional();
const yahooSchema = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          timestamp: z.array(z.number()).optional(),
          indicators: z.object({
            quote: z.array(
              z.object({ open: maybeNumbers, high: maybeNumbers, low: maybeNumbers, close: maybeNumbers }),
            ),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string().optional(), description: z.string().optional() }).nullable().optional(),
  }),
});

const cellOf = (value: number | null | undefined): Cell =>
  value === null || value === undefined ? 'missing' : Number.isFinite(value) && value > 0 ? value : 'bad';

/** Yahoo's v8 chart JSON (text or parsed). Daily bars are stamped 09:30 New York: that date is the bar's. */
export function parseYahooChart(body: string | unknown): ParseResult<DailySeries> {
  const what = 'Yahoo chart';
  const json = typeof body === 'string' ? parseJsonBody(body, what) : success(body);
  if (!json.ok) return json;
  const chart = yahooSchema.safeParse(json.value);
  if (!chart.success) return failure(`${what}: ${firstIssue(chart.error)}`);
  const { error, result } = chart.data.chart;
  if (error) return failure(`${what}: ${error.code ?? 'error'}: ${error.description ?? 'no description'}`);
  const first = result?.[0];
  const quote = first?.indicators.quote[0];
  if (!first || !quote) return failure(`${what}: no result`);
  const raw = (first.timestamp ?? []).map((seconds, i): RawBar => {
    const date = Number.isFinite(seconds) ? newYorkDate(seconds * 1000) : null;
    return {
      date,
      close: cellOf(quote.close?.[i]),
      open: cellOf(quote.open?.[i]),
      high: cellOf(quote.high?.[i]),
      low: cellOf(quote.low?.[i]),
    };
  });
  return finish(what, collect(raw));
}

const stooqQuoteSchema = z.object({
  symbols: z
    .array(z.object({ date: z.string(), close: z.unknown(), open: z.unknown(), high: z.unknown(), low: z.unknown() }))
    .min(1),
});

/** Stooq's q/l JSON quote: one bar (the last session). */
export function parseStooqQuote(body: string | unknown): ParseResult<DailySeries> {
  const what = 'Stooq quote';
  const json = typeof body === 'string' ? parseJsonBody(body, what) : success(body);
  if (!json.ok) return json;
  const quote = stooqQuoteSchema.safeParse(json.value);
  if (!quote.success) return failure(`${what}: ${firstIssue(quote.error)}`);
  const raw = quote.data.symbols.map((s): RawBar => {
    const num = (v: unknown) => cellOf(typeof v === 'number' ? v : v === null || v === undefined ? null : Number.NaN);
    return {
      date: parseHistoryDate(s.date),
      close: num(s.close),
      open: num(s.open),
      high: num(s.high),
      low: num(s.low),
    };
  });
  return finish(what, collect(raw));
}

/** Any supported history body: JSON (Yahoo chart, Stooq quote) or CSV, told apart by content. */
export function parseDailyHistory(body: string): ParseResult<DailySeries> {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('<')) return failure('history: got an HTML page instead of data (blocked or an error page)');
  if (!text.startsWith('{')) return parseHistoryCsv(text);
  const json = parseJsonBody(text, 'history JSON');
  if (!json.ok) return json;
  const value = json.value as Record<string, unknown> | null;
  if (value && typeof value === 'object' && 'chart' in value) return parseYahooChart(value);
  if (value && typeof value === 'object' && 'symbols' in value) return parseStooqQuote(value);
  // Yahoo's retired v7 download answers with {"finance":{"error":{...}}}.
  const financeError = (value as { finance?: { error?: { description?: string } } } | null)?.finance?.error;
  if (financeError) return failure(`Yahoo: ${financeError.description ?? 'error'}`);
  return failure('history JSON: neither a Yahoo chart nor a Stooq quote');
}
