// The daily closes a snapshot carries besides its quotes (docs/market-data.md): VIX's for the
// percentile and SPX's for RSI and MACD. Each comes from the history files `data sync` writes to
// MARKET_DATA_DIR, then from the closes the quote cache collected after them, one a trading day.
import type { DailyClose, Logger } from '../app/ports.ts';
import type { IsoDate } from '../engine/dates.ts';
import { HISTORY_WINDOW, MIN_HISTORY } from '../engine/index.ts';
import { isTradingDay, tradingDaysBetween } from './calendar.ts';
import { readHistoryFile } from './file-provider.ts';
import type { MarketCache } from './market-cache.ts';
import { HISTORY_FILES } from './sync.ts';

/** Enough SPX closes for MACD(12, 26, 9) to forget its seed (a year of trading days). */
const SPX_CLOSES_KEPT = 260;

/** A history gap longer than this many trading days gets a note asking for `data sync`. */
const VIX_DAYS_MISSING_NOTED = 5;

export interface DailyHistorySources {
  /** MARKET_DATA_DIR: where the history CSVs are. */
  dataDir: string;
  cache: MarketCache;
  log: Logger;
}

/** Adds the cache's closes (positive ones) of the days after the files' last to days. */
async function addCachedCloses(
  days: Map<IsoDate, number>,
  cache: MarketCache,
  symbol: 'VIX' | 'SPX',
  quoteDate: IsoDate,
  count: number,
) {
  const fileEnd = [...days.keys()].sort().at(-1) ?? null;
  for (const [day, cached] of await cache.closesBefore(symbol, quoteDate, count, fileEnd))
    if (cached && cached.value > 0) days.set(day, cached.value);
}

/**
 * The last HISTORY_WINDOW VIX closes before the quote's day, oldest first, with notes when the
 * file is unusable, when there are too few for a percentile, or when they miss recent days.
 */
export async function vixHistory(
  { dataDir, cache, log }: DailyHistorySources,
  quoteDate: IsoDate,
): Promise<{ closes: number[]; notes: string[] }> {
  const notes: string[] = [];
  const read = readHistoryFile(dataDir, HISTORY_FILES.VIX);
  if (!read.ok && !read.missing) {
    notes.push(`VIX history file unusable (${read.error}).`);
    log.warn({ file: read.file, reason: read.error }, 'market data: VIX history file unusable');
  }
  const days = new Map<IsoDate, number>();
  if (read.ok) {
    for (const bar of read.bars) if (bar.date < quoteDate && isTradingDay(bar.date)) days.set(bar.date, bar.close);
  }
  // Closes the cache collected after the file ends (or without a file), trading day by trading day.
  await addCachedCloses(days, cache, 'VIX', quoteDate, HISTORY_WINDOW);
  const dates = [...days.keys()].sort().slice(-HISTORY_WINDOW);
  const closes = dates.map((date) => days.get(date)!);
  if (closes.length < MIN_HISTORY) {
    notes.push(
      `VIX percentile unknown: ${closes.length} daily close${closes.length === 1 ? '' : 's'} of VIX history, ` +
        `${MIN_HISTORY} needed (run \`npm run cli -- data sync\`).`,
    );
    return { closes, notes };
  }
  // Trading days from the window's first close to the day before the quote that have no close.
  const span = tradingDaysBetween(dates[0]!, quoteDate) - (isTradingDay(quoteDate) ? 1 : 0) + 1;
  const missing = span - closes.length;
  if (missing > VIX_DAYS_MISSING_NOTED) {
    const fileText = read.ok ? `${HISTORY_FILES.VIX} ends ${read.bars.at(-1)?.date ?? '-'}` : `no ${HISTORY_FILES.VIX}`;
    notes.push(
      `VIX history misses ${missing} of the last ${span} trading days (${fileText}): run \`npm run cli -- ` +
        `data sync\`.`,
    );
  }
  return { closes, notes };
}

/**
 * SPX daily closes before the quote's day for RSI and MACD: the history files (CBOE's, then FRED's
 * for days CBOE lacks), then the closes the cache collected after them. Quiet when there are none:
 * /market then says the indicators are unknown.
 */
export async function spxCloses({ dataDir, cache }: DailyHistorySources, quoteDate: IsoDate): Promise<DailyClose[]> {
  const days = new Map<IsoDate, number>();
  for (const name of [HISTORY_FILES.FRED_SP500, HISTORY_FILES.SPX]) {
    const read = readHistoryFile(dataDir, name);
    if (!read.ok) continue;
    for (const bar of read.bars.slice(-SPX_CLOSES_KEPT))
      if (bar.date < quoteDate && isTradingDay(bar.date)) days.set(bar.date, bar.close);
  }
  await addCachedCloses(days, cache, 'SPX', quoteDate, SPX_CLOSES_KEPT);
  return [...days.keys()]
    .sort()
    .slice(-SPX_CLOSES_KEPT)
    .map((date) => ({ date, close: days.get(date)! }));
}
