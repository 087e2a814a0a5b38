// SPX and VIX daily history for the backtester, from the files `data sync` downloads into
// MARKET_DATA_DIR (or the names of ../shared/data, or explicit files): read, parsed in any format
// the history parsers know, SPX sources merged (FRED preferred where it overlaps the long file),
// joined on SPX trading days, and every quirk handled counted in plain words.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BacktestDay } from '../engine/backtest/index.ts';
import { addDays, type IsoDate } from '../engine/dates.ts';
import { isTradingDay } from './calendar.ts';
import { parseDailyHistory, type DailyBar, type SeriesReport } from './parsers/history.ts';
import { joinOnTradingDays, type JoinReport } from './parsers/join-history.ts';
import { failure, success, describeError, type ParseResult } from './parsers/result.ts';
import { FRED_SP500_FILE, SPX_HISTORY_FILE, VIX3M_HISTORY_FILE, VIX_HISTORY_FILE, VVIX_HISTORY_FILE } from './sync.ts';

/** What `data sync` (src/market/sync.ts) writes into MARKET_DATA_DIR. */
export const HISTORY_FILES = {
  vix: VIX_HISTORY_FILE,
  spx: SPX_HISTORY_FILE,
  spxFred: FRED_SP500_FILE,
  vix3m: VIX3M_HISTORY_FILE,
  vvix: VVIX_HISTORY_FILE,
} as const;

/** The names of ../shared/data, also looked for in the data directory. */
export const SHARED_DATA_FILES = {
  spxLong: 'spx_close_1928_2023.csv',
  spxFred: 'spx_close_fred_2016_2026.csv',
  vix: 'vix_daily.csv',
} as const;

export const NO_HISTORY_HINT = 'run `npm run cli -- data sync` or pass --spx FILE --vix FILE';

export interface HistorySources {
  /** SPX files, merged: FRED files win over the others where they overlap, later files over earlier ones. */
  spx: string[];
  vix: string;
  vix3m?: string;
  vvix?: string;
}

/** The history files present in a directory, or null when SPX or VIX is missing. */
export function findHistoryFiles(dataDir: string): HistorySources | null {
  const present = (name: string) => (existsSync(path.join(dataDir, name)) ? path.join(dataDir, name) : null);
  const spx = [SHARED_DATA_FILES.spxLong, HISTORY_FILES.spx, SHARED_DATA_FILES.spxFred, HISTORY_FILES.spxFred]
    .map(present)
    .filter((file): file is string => file !== null);
  const vix = present(HISTORY_FILES.vix) ?? present(SHARED_DATA_FILES.vix);
  if (!spx.length || !vix) return null;
  const vix3m = present(HISTORY_FILES.vix3m);
  const vvix = present(HISTORY_FILES.vvix);
  return { spx, vix, ...(vix3m ? { vix3m } : {}), ...(vvix ? { vvix } : {}) };
}

export interface SpxSourceReport extends SeriesReport {
  file: string;
  fred: boolean;
  first: IsoDate;
  last: IsoDate;
  closes: number;
}

export interface SpxMergeReport {
  sources: SpxSourceReport[];
  /** Days two sources both had: the preferred one's close is kept. */
  overlapDays: number;
  /** Overlapping days whose closes differ by more than 0.011, largest first (at most 10 listed). */
  disagreements: { date: IsoDate; kept: number; replaced: number; keptFile: string }[];
  disagreementCount: number;
  /** Days of a less preferred file inside a preferred file's range that the preferred file has not: dropped. */
  droppedInsidePreferred: IsoDate[];
}

export interface HistoryReport {
  spx: SpxMergeReport;
  vix: SeriesReport & { file: string };
  join: JoinReport;
  /** SPX closes on days the NYSE calendar calls closed (kept), and calendar sessions with no SPX close. */
  spxOnClosedDays: IsoDate[];
  sessionsWithoutSpx: IsoDate[];
  vix3mDays: number;
  vvixDays: number;
}

export interface LoadedHistory {
  days: BacktestDay[];
  report: HistoryReport;
  /** The quirks handled, in plain words. */
  notes: string[];
  sources: HistorySources;
}

const isFredHeader = (text: string) => {
  const header = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]!
    .trim()
    .toLowerCase();
  return header.startsWith('observation_date') || /(^|,)\s*sp500\s*$/.test(header);
};

async function readSeries(
  file: string,
): Promise<ParseResult<{ bars: DailyBar[]; report: SeriesReport; fred: boolean }>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (thrown) {
    return failure(`${file}: ${describeError(thrown)}`);
  }
  const parsed = parseDailyHistory(text);
  if (!parsed.ok) return failure(`${file}: ${parsed.error}`);
  return success({ ...parsed.value, fred: isFredHeader(text) });
}

/** Merges SPX sources: each file, in rising preference, replaces what it covers. */
export function mergeSpx(sources: ReadonlyArray<{ file: string; fred: boolean; bars: readonly DailyBar[] }>): {
  bars: DailyBar[];
  report: Omit<SpxMergeReport, 'sources'>;
} {
  const order = sources
    .map((source, index) => ({ source, index }))
    .sort((a, b) => Number(a.source.fred) - Number(b.source.fred) || a.index - b.index);
  let merged: DailyBar[] = [];
  let overlapDays = 0;
  const disagreements: SpxMergeReport['disagreements'] = [];
  const dropped: IsoDate[] = [];
  for (const { source } of order) {
    if (!source.bars.length) continue;
    const first = source.bars[0]!.date;
    const last = source.bars[source.bars.length - 1]!.date;
    const inside = new Map<IsoDate, DailyBar>();
    const outside: DailyBar[] = [];
    for (const bar of merged) {
      if (bar.date >= first && bar.date <= last) inside.set(bar.date, bar);
      else outside.push(bar);
    }
    for (const bar of source.bars) {
      const previous = inside.get(bar.date);
      if (!previous) continue;
      overlapDays++;
      if (Math.abs(previous.close - bar.close) > 0.011)
        disagreements.push({
          date: bar.date,
          kept: bar.close,
          replaced: previous.close,
          keptFile: path.basename(source.file),
        });
      inside.delete(bar.date);
    }
    dropped.push(...inside.keys());
    merged = [...outside, ...source.bars].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  disagreements.sort(
    (a, b) => Math.abs(b.kept - b.replaced) - Math.abs(a.kept - a.replaced) || (a.date < b.date ? -1 : 1),
  );
  return {
    bars: merged,
    report: {
      overlapDays,
      disagreements: disagreements.slice(0, 10),
      disagreementCount: disagreements.length,
      droppedInsidePreferred: dropped.sort(),
    },
  };
}

const byDate = (bars: readonly DailyBar[]) => new Map(bars.map((bar) => [bar.date, bar.close]));
const list = (dates: readonly string[], max = 5) =>
  dates.length > max ? `${dates.slice(0, max).join(', ')} and ${dates.length - max} more` : dates.join(', ');
const count = (n: number) => n.toLocaleString('en-US');

/** Reads, merges and joins the given files. */
export async function readHistoryFiles(sources: HistorySources): Promise<ParseResult<LoadedHistory>> {
  const spxSeries = [];
  for (const file of sources.spx) {
    const series = await readSeries(file);
    if (!series.ok) return series;
    spxSeries.push({ file, ...series.value });
  }
  const vixSeries = await readSeries(sources.vix);
  if (!vixSeries.ok) return vixSeries;
  const optional = async (file: string | undefined) => {
    if (!file) return new Map<IsoDate, number>();
    const series = await readSeries(file);
    return series.ok ? byDate(series.value.bars) : new Map<IsoDate, number>();
  };
  const vix3m = await optional(sources.vix3m);
  const vvix = await optional(sources.vvix);

  const merged = mergeSpx(spxSeries);
  const joined = joinOnTradingDays(merged.bars, vixSeries.value.bars);
  const days: BacktestDay[] = joined.rows.map((row) => {
    const day: BacktestDay = { date: row.date, spx: row.spx, vix: row.vix };
    const v3 = vix3m.get(row.date);
    const vv = vvix.get(row.date);
    if (v3 !== undefined) day.vix3m = v3;
    if (vv !== undefined) day.vvix = vv;
    return day;
  });
  const spxOnClosedDays = days.filter((day) => !isTradingDay(day.date)).map((day) => day.date);
  const sessionsWithoutSpx: IsoDate[] = [];
  if (days.length) {
    const have = new Set(days.map((day) => day.date));
    for (let date = days[0]!.date; date <= days[days.length - 1]!.date; date = addDays(date, 1))
      if (isTradingDay(date) && !have.has(date)) sessionsWithoutSpx.push(date);
  }
  const report: HistoryReport = {
    spx: {
      sources: spxSeries.map((s) => ({
        file: s.file,
        fred: s.fred,
        first: s.bars[0]?.date ?? '',
        last: s.bars.at(-1)?.date ?? '',
        closes: s.bars.length,
        ...s.report,
      })),
      ...merged.report,
    },
    vix: { file: sources.vix, ...vixSeries.value.report },
    join: joined.report,
    spxOnClosedDays,
    sessionsWithoutSpx,
    vix3mDays: days.filter((day) => day.vix3m !== undefined).length,
    vvixDays: days.filter((day) => day.vvix !== undefined).length,
  };
  return success({ days, report, notes: describeReport(report, days), sources });
}

/** The quirks handled, one plain sentence each (only those that occurred). */
export function describeReport(report: HistoryReport, days: readonly BacktestDay[]): string[] {
  const notes: string[] = [];
  const { spx, vix, join } = report;
  if (days.length)
    notes.push(
      `${count(days.length)} trading days, ${days[0]!.date} to ${days[days.length - 1]!.date}: SPX closes joined ` +
        `with VIX closes on SPX trading days.`,
    );
  const files = spx.sources
    .map((s) => `${path.basename(s.file)} (${s.first} to ${s.last}${s.fred ? ', FRED' : ''})`)
    .join(', ');
  notes.push(`SPX from ${files}.`);
  if (spx.sources.length > 1 && spx.overlapDays) {
    const largest = spx.disagreements[0];
    notes.push(
      `Where SPX files overlap (${count(spx.overlapDays)} days) the preferred file's close is kept (FRED first); ` +
        `${spx.disagreementCount} differed by more than 0.01` +
        (largest ? `, most on ${largest.date} (${largest.kept} kept, ${largest.replaced} replaced)` : '') +
        '.',
    );
  }
  if (spx.droppedInsidePreferred.length)
    notes.push(
      `${spx.droppedInsidePreferred.length} SPX days of a less preferred file that the preferred file has no ` +
        `close for were dropped: ${list(spx.droppedInsidePreferred)}.`,
    );
  const missing = spx.sources.reduce((sum, s) => sum + s.missingValue, 0) + vix.missingValue;
  if (missing) notes.push(`${count(missing)} rows without a value (FRED's empty holiday rows) were dropped.`);
  const duplicates = spx.sources.reduce((sum, s) => sum + s.duplicates, 0) + vix.duplicates;
  if (duplicates) notes.push(`${duplicates} repeated dates: the last row was kept.`);
  if (join.spxBeforeFirstVix)
    notes.push(`${count(join.spxBeforeFirstVix)} SPX days before the first VIX close are not used.`);
  if (join.vixDroppedOnNonSpxDays.length)
    notes.push(
      `${join.vixDroppedOnNonSpxDays.length} VIX rows on days without an SPX close (holidays) were dropped: ` +
        `${list(join.vixDroppedOnNonSpxDays)}.`,
    );
  if (join.vixOutsideSpxRange)
    notes.push(`${count(join.vixOutsideSpxRange)} VIX rows outside the SPX dates were not used.`);
  if (join.vixCarriedForward.length)
    notes.push(
      `${join.vixCarriedForward.length} SPX days had no VIX row and carry the previous VIX close: ` +
        `${list(join.vixCarriedForward)}.`,
    );
  if (vix.openOutsideRange)
    notes.push(`${vix.openOutsideRange} VIX rows have the open outside the high-low range; only the close is used.`);
  if (report.spxOnClosedDays.length)
    notes.push(
      `${report.spxOnClosedDays.length} SPX closes fall on days the NYSE calendar lists as closed (kept): ` +
        `${list(report.spxOnClosedDays)}.`,
    );
  if (report.sessionsWithoutSpx.length)
    notes.push(
      `${report.sessionsWithoutSpx.length} NYSE sessions have no SPX close in the files: ` +
        `${list(report.sessionsWithoutSpx)}.`,
    );
  return notes;
}

export interface LoadHistoryOptions {
  dataDir: string;
  /** Explicit files (any format of the history parsers); they replace the directory's. */
  spx?: string[];
  vix?: string;
  vix3m?: string;
  vvix?: string;
}

/** Finds and reads the history; a failure is one line that says what to do. */
export async function loadHistory(options: LoadHistoryOptions): Promise<ParseResult<LoadedHistory>> {
  const found = findHistoryFiles(options.dataDir);
  const spx = options.spx?.length ? options.spx : found?.spx;
  const vix = options.vix ?? found?.vix;
  if (!spx?.length || !vix) {
    const what = !spx?.length && !vix ? 'SPX and VIX' : !spx?.length ? 'SPX' : 'VIX';
    return failure(`No ${what} history in ${options.dataDir}: ${NO_HISTORY_HINT}.`);
  }
  for (const file of [...spx, vix]) if (!existsSync(file)) return failure(`No such file: ${file}`);
  const vix3m = options.vix3m ?? found?.vix3m;
  const vvix = options.vvix ?? found?.vvix;
  return readHistoryFiles({ spx, vix, ...(vix3m ? { vix3m } : {}), ...(vvix ? { vvix } : {}) });
}

/**
 * The loader the /backtest service takes: the days and the notes, read again only when a file
 * changed (size or modification time); no history gives no days and one note saying what to do.
 */
export function createHistoryLoader(
  options: LoadHistoryOptions,
): () => Promise<{ days: BacktestDay[]; notes: string[] }> {
  let cached: { signature: string; value: { days: BacktestDay[]; notes: string[] } } | null = null;
  return async () => {
    const found = findHistoryFiles(options.dataDir);
    const files = [
      ...(options.spx ?? found?.spx ?? []),
      options.vix ?? found?.vix ?? '',
      options.vix3m ?? found?.vix3m ?? '',
      options.vvix ?? found?.vvix ?? '',
    ].filter(Boolean);
    const stamps = await Promise.all(
      files.map(async (file) => {
        try {
          const info = await stat(file);
          return `${file}:${info.size}:${info.mtimeMs}`;
        } catch {
          return `${file}:missing`;
        }
      }),
    );
    const signature = stamps.join('|');
    if (cached?.signature === signature) return cached.value;
    const loaded = await loadHistory(options);
    const value = loaded.ok
      ? { days: loaded.value.days, notes: loaded.value.notes }
      : { days: [], notes: [loaded.error] };
    if (loaded.ok) cached = { signature, value };
    return value;
  };
}
