// The fallback market's SQLite quote cache (docs/market-data.md): the latest quote per symbol with
// its as-of time, and per trading day the closes of VIX (the percentile) and SPX (RSI, MACD) and
// SPX's opening print (AM settlements). The cache must never take the reply down with it (a full
// disk, a closed database): a failed read is a miss and a failed write is skipped, each logged.
import type { CachedQuote, DailyClose, Logger, QuoteCache } from '../app/ports.ts';
import type { IsoDate } from '../engine/dates.ts';
import { isTradingDay, newYorkDate, previousTradingDay } from './calendar.ts';
import { describeError } from './parsers/result.ts';
import { implausibleLevel } from './plausible.ts';
import type { SourceQuote } from './quote-source.ts';

export const dailyCloseKey = (symbol: string, date: IsoDate) => `${symbol}@${date}`;
/** The cache key of a day's opening print (SPX: what AM-settled expiries settle on). */
export const dailyOpenKey = (symbol: string, date: IsoDate) => `${symbol}-open@${date}`;
/** How many trading days back the opening prints the cache kept are looked for. */
const SPX_OPENS_KEPT = 30;

export interface MarketCache {
  /** The cached quote under key, or null (also when the read failed). */
  get(key: string): Promise<CachedQuote | null>;
  /** Keeps the source's quote under symbol (a quote symbol or a daily key). */
  put(symbol: string, quote: SourceQuote, fetchedMs: number): Promise<void>;
  /** The quote's day and the one before, kept as daily closes (VIX: the percentile; SPX: RSI and MACD). */
  rememberDaily(symbol: 'VIX' | 'SPX', quote: SourceQuote, fetchedMs: number): Promise<void>;
  /**
   * The daily closes kept for up to `count` trading days before the quote's day, newer than fileEnd
   * (what the history files hold), newest first; a day with none reads null.
   */
  closesBefore(
    symbol: 'VIX' | 'SPX',
    quoteDate: IsoDate,
    count: number,
    fileEnd: IsoDate | null,
  ): Promise<(readonly [IsoDate, CachedQuote | null])[]>;
  /** The SPX opening prints kept for the trading days up to the quote's, oldest first. */
  spxOpens(quoteDate: IsoDate): Promise<DailyClose[]>;
}

/** The cache over the store's quotes, its writes labelled with the source's name ('cboe'). */
export function createMarketCache(quotes: QuoteCache, sourceName: string, log: Logger): MarketCache {
  const get = async (key: string) => {
    try {
      return await quotes.get(key);
    } catch (thrown) {
      log.error({ err: describeError(thrown), key }, 'market data: quote cache read failed');
      return null;
    }
  };
  const put = async (symbol: string, quote: SourceQuote, fetchedMs: number) => {
    try {
      await quotes.put({
        symbol,
        value: quote.value,
        asOfMs: quote.asOfMs,
        fetchedMs,
        source: sourceName,
        ...(quote.previousClose !== null ? { extra: { previousClose: quote.previousClose } } : {}),
      });
    } catch (thrown) {
      log.error({ err: describeError(thrown), symbol }, 'market data: quote cache write failed');
    }
  };
  return {
    get,
    put,
    async rememberDaily(symbol, quote, fetchedMs) {
      const date = newYorkDate(quote.asOfMs);
      if (isTradingDay(date)) await put(dailyCloseKey(symbol, date), { ...quote, previousClose: null }, fetchedMs);
      if (symbol === 'SPX' && isTradingDay(date) && quote.open) {
        const open = { value: quote.open, asOfMs: quote.asOfMs, previousClose: null };
        await put(dailyOpenKey(symbol, date), open, fetchedMs);
      }
      if (quote.previousClose !== null) {
        const before = previousTradingDay(date);
        const close = { value: quote.previousClose, asOfMs: quote.asOfMs, previousClose: null };
        await put(dailyCloseKey(symbol, before), close, fetchedMs);
      }
    },
    async closesBefore(symbol, quoteDate, count, fileEnd) {
      const days: IsoDate[] = [];
      let day = previousTradingDay(quoteDate);
      for (let i = 0; i < count && (fileEnd === null || day > fileEnd); i++, day = previousTradingDay(day))
        days.push(day);
      // Read together: on a networked store they are one round trip's wait, not `count`.
      const cached = await Promise.all(days.map((date) => get(dailyCloseKey(symbol, date))));
      return days.map((date, i) => [date, cached[i] ?? null] as const);
    },
    async spxOpens(quoteDate) {
      const days: IsoDate[] = [];
      let day = isTradingDay(quoteDate) ? quoteDate : previousTradingDay(quoteDate);
      for (let i = 0; i < SPX_OPENS_KEPT; i++, day = previousTradingDay(day)) days.push(day);
      const cached = await Promise.all(days.map((date) => get(dailyOpenKey('SPX', date))));
      const opens: DailyClose[] = [];
      days.forEach((date, i) => {
        const quote = cached[i];
        if (quote && implausibleLevel('SPX', quote.value) === null) opens.push({ date, close: quote.value });
      });
      return opens.reverse();
    },
  };
}

/** useCache false (the file source): nothing is read from or kept in the cache. */
export const NO_MARKET_CACHE: MarketCache = {
  get: async () => null,
  put: async () => undefined,
  rememberDaily: async () => undefined,
  closesBefore: async () => [],
  spxOpens: async () => [],
};
