// The market port over a live source (CBOE, or the files): live → SQLite quote cache → demo.
// Every successful quote is cached with its as-of time; a failed one is answered from the cache
// with a note saying why and how old ("CBOE unreachable (timeout): cached quotes from 2 h ago");
// with nothing cached for SPX or VIX the whole snapshot is the demo market, labelled. The logger
// gets one warning per failure with the reason (never a body). Nothing here throws.
//
// The VIX percentile's history: the closes in MARKET_DATA_DIR/VIX_History.csv (`data sync`), then
// the daily closes this cache has collected since (keys 'VIX@YYYY-MM-DD', one row a trading day).
//
// Bounded in value and time (docs/market-data.md, "Limits"): a quote outside plausible bounds
// (src/market/plausible.ts) is a failure like any other, labelled, and never cached; and a snapshot
// waits at most answerWithinMs (3 s) in total for the source, then answers from the cache or demo
// data, labelled. The requests still running then are aborted (the budget's AbortSignal), so a
// dead source never holds a one-shot command's process or a shutdown.
import type {
  ChainVolLookup,
  Clock,
  DailyClose,
  ImpliedRates,
  Logger,
  MarketPort,
  MarketSnapshot,
  Quote,
  QuoteCache,
} from '../app/ports.ts';
import { age } from '../app/format.ts';
import type { IsoDate } from '../engine/dates.ts';
import { HISTORY_WINDOW, MIN_HISTORY } from '../engine/index.ts';
import { isQuoteStale, isTradingDay, newYorkDate, previousTradingDay, tradingDaysBetween } from './calendar.ts';
import { demoSnapshot } from './demo.ts';
import { readHistoryFile } from './file-provider.ts';
import { describeError } from './parsers/result.ts';
import { implausibleLevel, implausibleQuote } from './plausible.ts';
import { HISTORY_FILES } from './sync.ts';

export type MarketSymbol = 'SPX' | 'VIX' | 'VIX3M' | 'VVIX';
const REQUIRED: readonly MarketSymbol[] = ['SPX', 'VIX'];
const OPTIONAL: readonly MarketSymbol[] = ['VIX3M', 'VVIX'];

export interface SourceQuote {
  value: number;
  asOfMs: number;
  previousClose: number | null;
  /** The day's opening print, when the source gives it. */
  open?: number | null;
}

/** Why a source failed: a short reason for notes; unreachable (timeout, network, HTTP status) or unusable data. */
export interface SourceFailure {
  reason: string;
  unreachable: boolean;
  /** The source does not carry this symbol at all (an optional value left out): a short note, no warning. */
  absent?: boolean;
  detail?: string | null;
  url?: string | null;
}

export interface QuoteSource {
  /** Quote.source of its quotes: 'cboe', 'file'. */
  name: string;
  /** For notes: 'CBOE', 'Market data files'. */
  label: string;
  /**
   * "CBOE unreachable (timeout)": how a failure reads in notes (default: label + unreachable / data unusable + reason).
   */
  describeFailure?(failure: SourceFailure): string;
  /**
   * Throws (anything; an HttpError or MarketFileError says why best) when the quote is not available.
   * `signal` fires when the snapshot stops waiting: a request started for it is then aborted.
   */
  quote(symbol: MarketSymbol, signal?: AbortSignal): Promise<SourceQuote>;
  /** The option chain's vols, when the source has a chain. */
  chain?(signal?: AbortSignal): Promise<ChainVolLookup>;
}

export interface FallbackMarketOptions {
  source: QuoteSource;
  quotes: QuoteCache;
  clock: Clock;
  logger: Logger;
  rate: number;
  dividendYield: number;
  staleAfterMinutes: number;
  /** MARKET_DATA_DIR: the VIX history CSV for the percentile. */
  dataDir: string;
  /** Fall back to (and fill) the quote cache; the file provider does not (default true). */
  useCache?: boolean;
  /** The longest a snapshot waits for the source, quotes and chain together (default INTERACTIVE_WAIT_MS). */
  answerWithinMs?: number;
  /** Resolves after ms (default: an unref'd setTimeout); tests pass one they fire themselves. */
  timer?: (ms: number) => Promise<void>;
}

/** An interactive command waits this long in total for market data, then answers from the cache or demo data. */
export const INTERACTIVE_WAIT_MS = 3_000;

const unrefTimer = (ms: number) =>
  new Promise<void>((resolve) => {
    // unref: a pending budget must not keep a one-shot CLI process alive.
    setTimeout(resolve, ms).unref();
  });

const TIMED_OUT = Symbol('timed out');

/** Any thrown value as a failure with a short reason. */
export function toFailure(thrown: unknown): SourceFailure {
  const value = thrown as Partial<SourceFailure> | null;
  if (value && typeof value.reason === 'string') {
    return {
      reason: value.reason,
      unreachable: Boolean(value.unreachable),
      absent: Boolean(value.absent),
      detail: value.detail ?? null,
      url: value.url ?? null,
    };
  }
  return { reason: describeError(thrown), unreachable: false };
}

const defaultDescription = (label: string, failure: SourceFailure) =>
  `${label} ${failure.unreachable ? 'unreachable' : 'data unusable'} (${failure.reason})`;

/** Enough SPX closes for MACD(12, 26, 9) to forget its seed (a year of trading days). */
const SPX_CLOSES_KEPT = 260;

export const dailyCloseKey = (symbol: string, date: IsoDate) => `${symbol}@${date}`;
/** The cache key of a day's opening print (SPX: what AM-settled expiries settle on). */
export const dailyOpenKey = (symbol: string, date: IsoDate) => `${symbol}-open@${date}`;
/** How many trading days back the opening prints the cache kept are looked for. */
const SPX_OPENS_KEPT = 30;

type Resolved = { quote: Quote; failure: SourceFailure | null } | { quote: null; failure: SourceFailure };

/** A snapshot's wait for the source: resolves TIMED_OUT when it runs out, and then fires the signal. */
interface Budget {
  deadline: Promise<typeof TIMED_OUT>;
  signal: AbortSignal;
}

export function createFallbackMarket(options: FallbackMarketOptions): MarketPort {
  const { source, clock, logger } = options;
  // The latest chain's parity reading: it prices every snapshot while fresh, whether or not that
  // snapshot asked for the chain, so every command prices with the same r and q.
  let implied: ImpliedRates | null = null;
  const useCache = options.useCache ?? true;
  const log = logger.child({ module: 'market', source: source.name });
  const describe = (failure: SourceFailure) =>
    source.describeFailure?.(failure) ?? defaultDescription(source.label, failure);
  const answerWithinMs = options.answerWithinMs ?? INTERACTIVE_WAIT_MS;
  const timer = options.timer ?? unrefTimer;
  const waitWords = `${Math.round(answerWithinMs / 100) / 10} s`;

  // The cache must never take the reply down with it (a full disk, a closed database).
  const cacheGet = async (key: string) => {
    try {
      return await options.quotes.get(key);
    } catch (thrown) {
      log.error({ err: describeError(thrown), key }, 'market data: quote cache read failed');
      return null;
    }
  };
  const cachePut = async (symbol: string, quote: SourceQuote, fetchedMs: number) => {
    try {
      await options.quotes.put({
        symbol,
        value: quote.value,
        asOfMs: quote.asOfMs,
        fetchedMs,
        source: source.name,
        ...(quote.previousClose !== null ? { extra: { previousClose: quote.previousClose } } : {}),
      });
    } catch (thrown) {
      log.error({ err: describeError(thrown), symbol }, 'market data: quote cache write failed');
    }
  };

  /** The quote's day and the one before, kept as daily closes (VIX: the percentile; SPX: RSI and MACD). */
  const rememberDaily = async (symbol: 'VIX' | 'SPX', quote: SourceQuote, fetchedMs: number) => {
    const date = newYorkDate(quote.asOfMs);
    if (isTradingDay(date)) await cachePut(dailyCloseKey(symbol, date), { ...quote, previousClose: null }, fetchedMs);
    if (symbol === 'SPX' && isTradingDay(date) && quote.open) {
      const open = { value: quote.open, asOfMs: quote.asOfMs, previousClose: null };
      await cachePut(dailyOpenKey(symbol, date), open, fetchedMs);
    }
    if (quote.previousClose !== null) {
      const before = previousTradingDay(date);
      await cachePut(
        dailyCloseKey(symbol, before),
        { value: quote.previousClose, asOfMs: quote.asOfMs, previousClose: null },
        fetchedMs,
      );
    }
  };

  /** The source's quote, checked for plausibility and cached as soon as it arrives (even after the deadline). */
  function fetchLive(symbol: MarketSymbol, nowMs: number, signal: AbortSignal): Promise<SourceQuote> {
    return source.quote(symbol, signal).then(async (answer) => {
      // An implausible opening print is dropped, never settled on; the quote itself is judged below.
      const live = answer.open && implausibleLevel(symbol, answer.open) !== null ? { ...answer, open: null } : answer;
      const implausible = implausibleQuote(symbol, live, clock.now());
      if (implausible)
        throw { reason: `implausible value: ${implausible}`, unreachable: false } satisfies SourceFailure;
      if (useCache) {
        await cachePut(symbol, live, nowMs);
        if (symbol === 'VIX' || symbol === 'SPX') await rememberDaily(symbol, live, nowMs);
      }
      return live;
    });
  }

  async function resolve(symbol: MarketSymbol, nowMs: number, budget: Budget): Promise<Resolved> {
    let failure: SourceFailure;
    const pending = fetchLive(symbol, nowMs, budget.signal);
    pending.catch(() => undefined); // still settled when the deadline wins
    try {
      const live = await Promise.race([pending, budget.deadline]);
      if (live === TIMED_OUT) throw { reason: `no answer within ${waitWords}`, unreachable: true };
      return {
        quote: {
          value: live.value,
          asOfMs: live.asOfMs,
          source: source.name,
          previousClose: live.previousClose,
          ...(live.open ? { open: live.open } : {}),
        },
        failure: null,
      };
    } catch (thrown) {
      failure = toFailure(thrown);
    }
    const cached = useCache ? await cacheGet(symbol) : null;
    // A cached value outside the bounds was written before they existed: never shown.
    if (cached && implausibleLevel(symbol, cached.value) === null) {
      return {
        quote: {
          value: cached.value,
          asOfMs: cached.asOfMs,
          source: 'cache',
          previousClose: cached.extra?.previousClose ?? null,
        },
        failure,
      };
    }
    return { quote: null, failure };
  }

  async function vixHistory(quoteDate: IsoDate): Promise<{ closes: number[]; notes: string[] }> {
    const notes: string[] = [];
    const read = readHistoryFile(options.dataDir, HISTORY_FILES.VIX);
    if (!read.ok && !read.missing) {
      notes.push(`VIX history file unusable (${read.error}).`);
      log.warn({ file: read.file, reason: read.error }, 'market data: VIX history file unusable');
    }
    const days = new Map<IsoDate, number>();
    if (read.ok) {
      for (const bar of read.bars) if (bar.date < quoteDate && isTradingDay(bar.date)) days.set(bar.date, bar.close);
    }
    // Closes the cache collected after the file ends (or without a file), trading day by trading day.
    if (useCache) {
      const fileEnd = [...days.keys()].at(-1) ?? null;
      for (const [day, cached] of await cachedDays('VIX', quoteDate, HISTORY_WINDOW, fileEnd))
        if (cached && cached.value > 0) days.set(day, cached.value);
    }
    const dates = [...days.keys()].sort().slice(-HISTORY_WINDOW);
    const closes = dates.map((date) => days.get(date)!);
    if (closes.length < MIN_HISTORY) {
      notes.push(
        `VIX percentile unknown: ${closes.length} daily close${closes.length === 1 ? '' : 's'} of VIX history, ` +
          `${MIN_HISTORY} needed (run \`npm run cli -- data sync\`).`,
      );
    } else {
      // Trading days from the window's first close to the day before the quote that have no close.
      const span = tradingDaysBetween(dates[0]!, quoteDate) - (isTradingDay(quoteDate) ? 1 : 0) + 1;
      const missing = span - closes.length;
      if (missing > 5) {
        const fileText = read.ok
          ? `${HISTORY_FILES.VIX} ends ${read.bars.at(-1)?.date ?? '-'}`
          : `no ${HISTORY_FILES.VIX}`;
        notes.push(
          `VIX history misses ${missing} of the last ${span} trading days (${fileText}): run \`npm run cli -- ` +
            `data sync\`.`,
        );
      }
    }
    return { closes, notes };
  }

  /**
   * SPX daily closes before the quote's day for RSI and MACD: the history files (CBOE's, then FRED's
   * for days CBOE lacks), then the closes the cache collected after them. Quiet when there are none:
   * /market then says the indicators are unknown.
   */
  async function spxCloses(quoteDate: IsoDate): Promise<DailyClose[]> {
    const days = new Map<IsoDate, number>();
    for (const name of [HISTORY_FILES.FRED_SP500, HISTORY_FILES.SPX]) {
      const read = readHistoryFile(options.dataDir, name);
      if (!read.ok) continue;
      for (const bar of read.bars.slice(-SPX_CLOSES_KEPT))
        if (bar.date < quoteDate && isTradingDay(bar.date)) days.set(bar.date, bar.close);
    }
    if (useCache) {
      const fileEnd = [...days.keys()].sort().at(-1) ?? null;
      for (const [day, cached] of await cachedDays('SPX', quoteDate, SPX_CLOSES_KEPT, fileEnd))
        if (cached && cached.value > 0) days.set(day, cached.value);
    }
    return [...days.keys()]
      .sort()
      .slice(-SPX_CLOSES_KEPT)
      .map((date) => ({ date, close: days.get(date)! }));
  }

  /** The SPX opening prints the cache kept for the trading days up to the quote's (AM settlements). */
  async function spxOpens(quoteDate: IsoDate): Promise<DailyClose[]> {
    if (!useCache) return [];
    const days: IsoDate[] = [];
    let day = isTradingDay(quoteDate) ? quoteDate : previousTradingDay(quoteDate);
    for (let i = 0; i < SPX_OPENS_KEPT; i++, day = previousTradingDay(day)) days.push(day);
    const cached = await Promise.all(days.map((date) => cacheGet(dailyOpenKey('SPX', date))));
    const opens: DailyClose[] = [];
    days.forEach((date, i) => {
      const quote = cached[i];
      if (quote && implausibleLevel('SPX', quote.value) === null) opens.push({ date, close: quote.value });
    });
    return opens.reverse();
  }

  /**
   * The daily closes the cache kept for up to `count` trading days before the quote's day, newer
   * than fileEnd (what the history files hold). Read together: on a networked store they are one
   * round trip's wait, not `count`.
   */
  async function cachedDays(symbol: 'VIX' | 'SPX', quoteDate: IsoDate, count: number, fileEnd: IsoDate | null) {
    const days: IsoDate[] = [];
    let day = previousTradingDay(quoteDate);
    for (let i = 0; i < count && (fileEnd === null || day > fileEnd); i++, day = previousTradingDay(day))
      days.push(day);
    const cached = await Promise.all(days.map((date) => cacheGet(dailyCloseKey(symbol, date))));
    return days.map((date, i) => [date, cached[i] ?? null] as const);
  }

  /** A newer chain's reading replaces the one kept (an implausible one too: the reply then says why). */
  function rememberImplied(reading: ImpliedRates | null) {
    if (!reading || (implied && reading.asOfMs <= implied.asOfMs)) return;
    implied = reading;
    if (reading.implausible)
      log.warn({ reason: reading.implausible, expiry: reading.expiry }, 'market data: chain-implied rates refused');
  }

  /** The chain's r and q while its reading is fresh and plausible, else the configured ones (docs/market-data.md). */
  function ratesAt(nowMs: number): Pick<MarketSnapshot, 'rate' | 'dividendYield' | 'ratesFrom'> {
    const configured = { rate: options.rate, dividendYield: options.dividendYield };
    if (!implied || isQuoteStale(implied.asOfMs, nowMs, options.staleAfterMinutes)) return configured;
    if (implied.implausible) return { ...configured, ratesFrom: { from: 'configured', note: implied.implausible } };
    return {
      rate: implied.rate,
      dividendYield: implied.dividendYield,
      ratesFrom: { from: 'chain', asOfMs: implied.asOfMs, expiry: implied.expiry },
    };
  }

  async function chainOf(budget: Budget): Promise<{ chain: ChainVolLookup | null; failure: SourceFailure | null }> {
    if (!source.chain) return { chain: null, failure: null };
    const pending = source.chain(budget.signal);
    pending.catch(() => undefined);
    try {
      const chain = await Promise.race([pending, budget.deadline]);
      if (chain === TIMED_OUT)
        return { chain: null, failure: { reason: `no answer within ${waitWords}`, unreachable: true } };
      return { chain, failure: null };
    } catch (thrown) {
      return { chain: null, failure: toFailure(thrown) };
    }
  }

  return {
    async snapshot(request = {}) {
      const nowMs = clock.now();
      // One budget for everything this snapshot asks of the source; when it runs out, what is
      // still running is aborted, not left to finish in the background.
      const abandon = new AbortController();
      const deadline = timer(answerWithinMs).then((): typeof TIMED_OUT => {
        // The reason reads as a failure (toFailure) and as an error (the HTTP layer's timeout reason).
        const reason = `no answer within ${waitWords}`;
        abandon.abort(Object.assign(new Error(reason), { reason, unreachable: true } satisfies SourceFailure));
        return TIMED_OUT;
      });
      const budget: Budget = { deadline, signal: abandon.signal };
      const chainPending = request.chain ? chainOf(budget) : null;
      const symbols = [...REQUIRED, ...OPTIONAL];
      const resolved = new Map<MarketSymbol, Resolved>();
      await Promise.all(symbols.map(async (symbol) => resolved.set(symbol, await resolve(symbol, nowMs, budget))));
      const notes: string[] = [];

      const missingRequired = REQUIRED.filter((symbol) => resolved.get(symbol)!.quote === null);
      if (missingRequired.length) {
        const failure = resolved.get(missingRequired[0]!)!.failure!;
        const cacheWords = useCache ? ' and no cached quotes' : '';
        const note = `${describe(failure)}${cacheWords}: showing demo data.`;
        log.warn(
          {
            symbols: missingRequired,
            reason: failure.reason,
            detail: failure.detail ?? undefined,
            url: failure.url ?? undefined,
            fallback: 'demo',
          },
          `market data: ${describe(failure)}, using demo data`,
        );
        await chainPending?.catch(() => undefined);
        return demoSnapshot({ now: () => nowMs, rate: options.rate, dividendYield: options.dividendYield, note });
      }

      // The chain comes from the same source: when it failed for the same reason as the quotes (one
      // outage), that reason gets one warning saying both, not a second line (docs/hardening.md).
      const chainResult = chainPending ? await chainPending : null;
      const chainFailureText = chainResult?.failure ? describe(chainResult.failure) : null;
      let chainFailureLogged = false;

      // One note (and one warning) per reason: "CBOE unreachable (timeout): cached quotes from 2 h ago."
      const groups = new Map<
        string,
        { failure: SourceFailure; symbols: MarketSymbol[]; cached: MarketSymbol[]; oldestMs: number }
      >();
      for (const symbol of symbols) {
        const entry = resolved.get(symbol)!;
        if (!entry.failure) continue;
        const key = describe(entry.failure);
        const group = groups.get(key) ?? { failure: entry.failure, symbols: [], cached: [], oldestMs: Infinity };
        group.symbols.push(symbol);
        if (entry.quote) {
          group.cached.push(symbol);
          group.oldestMs = Math.min(group.oldestMs, entry.quote.asOfMs);
        }
        groups.set(key, group);
      }
      const failedCount = [...groups.values()].reduce((sum, group) => sum + group.symbols.length, 0);
      for (const [text, group] of groups) {
        if (group.failure.absent && group.cached.length === 0) {
          notes.push(`${group.symbols.join(', ')}: ${group.failure.reason} (unknown).`);
          continue;
        }
        const prefix = failedCount === symbols.length ? '' : `${group.symbols.join(', ')}: `;
        const parts: string[] = [];
        if (group.cached.length)
          parts.push(`cached ${group.cached.length > 1 ? 'quotes' : 'quote'} from ${age(nowMs - group.oldestMs)} ago`);
        const lost = group.symbols.filter((symbol) => !group.cached.includes(symbol));
        if (lost.length) parts.push(`${lost.join(', ')} unknown${useCache ? ' (nothing cached)' : ''}`);
        notes.push(`${prefix}${text}: ${parts.join('; ')}.`);
        const withChain = text === chainFailureText;
        chainFailureLogged ||= withChain;
        log.warn(
          {
            symbols: group.symbols,
            reason: group.failure.reason,
            detail: group.failure.detail ?? undefined,
            url: group.failure.url ?? undefined,
            fallback: group.cached.length ? 'cache' : 'none',
            ...(withChain ? { chain: 'vix-proxy' } : {}),
          },
          `market data: ${text}, ${group.cached.length ? 'using cached quotes' : 'no fallback'}` +
            (withChain ? '; option chain unavailable, leg vols from the VIX proxy' : ''),
        );
      }

      const spot = resolved.get('SPX')!.quote!;
      const vix = resolved.get('VIX')!.quote!;
      const asOfMs = Math.min(spot.asOfMs, vix.asOfMs);
      const stale = isQuoteStale(asOfMs, nowMs, options.staleAfterMinutes);
      const history = await vixHistory(newYorkDate(vix.asOfMs));
      notes.push(...history.notes);

      let chain: ChainVolLookup | null = null;
      if (chainResult) {
        chain = chainResult.chain;
        if (chainResult.failure) {
          notes.push(`Option chain unavailable (${describe(chainResult.failure)}): leg vols from the VIX proxy.`);
          if (!chainFailureLogged)
            log.warn(
              {
                reason: chainResult.failure.reason,
                detail: chainResult.failure.detail ?? undefined,
                url: chainResult.failure.url ?? undefined,
                fallback: 'vix-proxy',
              },
              'market data: option chain unavailable',
            );
        } else if (chain && isQuoteStale(chain.asOfMs, nowMs, options.staleAfterMinutes)) {
          notes.push(`Option chain is stale (as of ${age(nowMs - chain.asOfMs)} ago).`);
        } else if (!chain && source.chain === undefined) {
          notes.push(`No option chain from ${source.label}: leg vols from the VIX proxy.`);
        }
        rememberImplied(chain?.parity?.implied ?? null);
      }

      const snapshot: MarketSnapshot = {
        spot,
        vix,
        vix3m: resolved.get('VIX3M')!.quote,
        vvix: resolved.get('VVIX')!.quote,
        vixHistory: history.closes,
        spxCloses: await spxCloses(newYorkDate(spot.asOfMs)),
        spxOpens: await spxOpens(newYorkDate(spot.asOfMs)),
        chain,
        demo: false,
        stale,
        asOfMs,
        notes,
        ...ratesAt(nowMs),
      };
      return snapshot;
    },
  };
}
