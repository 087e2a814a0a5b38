// The market port over a live source (CBOE, or the files): live → SQLite quote cache → demo.
// Every successful quote is cached with its as-of time; a failed one is answered from the cache
// with a note saying why and how old ("CBOE unreachable (timeout): cached quotes from 2 h ago");
// with nothing cached for SPX or VIX the whole snapshot is the demo market, labelled. The logger
// gets one warning per failure with the reason (never a body). Nothing here throws.
//
// Bounded in value and time (docs/market-data.md, "Limits"): a quote outside plausible bounds
// (src/market/plausible.ts) is a failure like any other, labelled, and never cached; and a snapshot
// waits at most answerWithinMs (3 s, src/market/answer-budget.ts) in total for the source, then
// answers from the cache or demo data, labelled. The requests still running then are aborted (the
// budget's AbortSignal), so a dead source never holds a one-shot command's process or a shutdown.
//
// Its parts: the source's contract (quote-source.ts), each symbol with its fallback (live-quotes.ts),
// the cache (market-cache.ts), the daily closes of the VIX percentile and the SPX indicators
// (daily-history.ts), the chain's r and q (chain-rates.ts). This file puts a snapshot together and
// writes its notes and warnings.
import type { Clock, Logger, MarketPort, MarketSnapshot, QuoteCache } from '../app/ports.ts';
import { age } from '../app/format.ts';
import { INTERACTIVE_WAIT_MS, startAnswerBudget, type BudgetTimer } from './answer-budget.ts';
import { isQuoteStale, newYorkDate } from './calendar.ts';
import { createChainRates } from './chain-rates.ts';
import { spxCloses, vixHistory } from './daily-history.ts';
import { demoSnapshot } from './demo.ts';
import { fetchChain, resolveQuotes, type ChainResult, type Resolved } from './live-quotes.ts';
import { createMarketCache, NO_MARKET_CACHE } from './market-cache.ts';
import { describeFailure, type MarketSymbol, type QuoteSource, type SourceFailure } from './quote-source.ts';

// The fallback market's vocabulary, from where its parts keep it.
export { INTERACTIVE_WAIT_MS } from './answer-budget.ts';
export { dailyCloseKey, dailyOpenKey } from './market-cache.ts';
export { toFailure } from './quote-source.ts';
export type { MarketSymbol, QuoteSource, SourceFailure, SourceQuote } from './quote-source.ts';

const REQUIRED: readonly MarketSymbol[] = ['SPX', 'VIX'];
const OPTIONAL: readonly MarketSymbol[] = ['VIX3M', 'VVIX'];
const SYMBOLS: readonly MarketSymbol[] = [...REQUIRED, ...OPTIONAL];

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
  timer?: BudgetTimer;
}

/** What the notes and warnings of a snapshot need to know. */
interface Reporting {
  source: QuoteSource;
  log: Logger;
  useCache: boolean;
  staleAfterMinutes: number;
}

/** Failed symbols that read the same failure: one note and one warning for them all. */
interface FailureGroup {
  failure: SourceFailure;
  symbols: MarketSymbol[];
  /** Those answered from the cache, and the oldest of their as-of times. */
  cached: MarketSymbol[];
  oldestMs: number;
}

/** The failure's fields a warning carries (never a body). */
const failureFields = (failure: SourceFailure) => ({
  reason: failure.reason,
  detail: failure.detail ?? undefined,
  url: failure.url ?? undefined,
});

/** The failed symbols, grouped by how their failure reads ("CBOE unreachable (timeout)"), in symbol order. */
function groupFailures(source: QuoteSource, resolved: Map<MarketSymbol, Resolved>): Map<string, FailureGroup> {
  const groups = new Map<string, FailureGroup>();
  for (const symbol of SYMBOLS) {
    const entry = resolved.get(symbol)!;
    if (!entry.failure) continue;
    const key = describeFailure(source, entry.failure);
    const group = groups.get(key) ?? { failure: entry.failure, symbols: [], cached: [], oldestMs: Infinity };
    group.symbols.push(symbol);
    if (entry.quote) {
      group.cached.push(symbol);
      group.oldestMs = Math.min(group.oldestMs, entry.quote.asOfMs);
    }
    groups.set(key, group);
  }
  return groups;
}

/** What answered a group's symbols instead: "cached quotes from 2 h ago; VVIX unknown (nothing cached)". */
function fallbackWords(group: FailureGroup, nowMs: number, useCache: boolean): string {
  const parts: string[] = [];
  if (group.cached.length)
    parts.push(`cached ${group.cached.length > 1 ? 'quotes' : 'quote'} from ${age(nowMs - group.oldestMs)} ago`);
  const lost = group.symbols.filter((symbol) => !group.cached.includes(symbol));
  if (lost.length) parts.push(`${lost.join(', ')} unknown${useCache ? ' (nothing cached)' : ''}`);
  return parts.join('; ');
}

/**
 * One note and one warning per reason ("CBOE unreachable (timeout): cached quotes from 2 h ago.").
 * The chain comes from the same source: when it failed for the same reason as the quotes (one
 * outage), that reason's warning says both, not a second line (docs/hardening.md); chainWarned
 * says it did.
 */
function failureNotes(
  { source, log, useCache }: Reporting,
  resolved: Map<MarketSymbol, Resolved>,
  nowMs: number,
  chainFailureText: string | null,
): { notes: string[]; chainWarned: boolean } {
  const notes: string[] = [];
  let chainWarned = false;
  const groups = groupFailures(source, resolved);
  const failedCount = [...groups.values()].reduce((sum, group) => sum + group.symbols.length, 0);
  for (const [text, group] of groups) {
    if (group.failure.absent && group.cached.length === 0) {
      notes.push(`${group.symbols.join(', ')}: ${group.failure.reason} (unknown).`);
      continue;
    }
    const prefix = failedCount === SYMBOLS.length ? '' : `${group.symbols.join(', ')}: `;
    notes.push(`${prefix}${text}: ${fallbackWords(group, nowMs, useCache)}.`);
    const withChain = text === chainFailureText;
    chainWarned ||= withChain;
    log.warn(
      {
        symbols: group.symbols,
        ...failureFields(group.failure),
        fallback: group.cached.length ? 'cache' : 'none',
        ...(withChain ? { chain: 'vix-proxy' } : {}),
      },
      `market data: ${text}, ${group.cached.length ? 'using cached quotes' : 'no fallback'}` +
        (withChain ? '; option chain unavailable, leg vols from the VIX proxy' : ''),
    );
  }
  return { notes, chainWarned };
}

/** What the reply says about the chain it asked for: unavailable (leg vols from the VIX proxy), stale or none. */
function chainNotes(reporting: Reporting, result: ChainResult, nowMs: number, chainWarned: boolean): string[] {
  const { source, log, staleAfterMinutes } = reporting;
  const { chain, failure } = result;
  if (failure) {
    if (!chainWarned)
      log.warn({ ...failureFields(failure), fallback: 'vix-proxy' }, 'market data: option chain unavailable');
    return [`Option chain unavailable (${describeFailure(source, failure)}): leg vols from the VIX proxy.`];
  }
  if (chain && isQuoteStale(chain.asOfMs, nowMs, staleAfterMinutes))
    return [`Option chain is stale (as of ${age(nowMs - chain.asOfMs)} ago).`];
  if (!chain && source.chain === undefined)
    return [`No option chain from ${source.label}: leg vols from the VIX proxy.`];
  return [];
}

/** SPX or VIX unknown even from the cache: the whole snapshot is the demo market, saying why. */
function demoFallback(
  { source, log, useCache }: Reporting,
  options: Pick<FallbackMarketOptions, 'rate' | 'dividendYield'>,
  missingRequired: MarketSymbol[],
  failure: SourceFailure,
  nowMs: number,
): MarketSnapshot {
  const text = describeFailure(source, failure);
  const note = `${text}${useCache ? ' and no cached quotes' : ''}: showing demo data.`;
  log.warn(
    { symbols: missingRequired, ...failureFields(failure), fallback: 'demo' },
    `market data: ${text}, using demo data`,
  );
  return demoSnapshot({ now: () => nowMs, rate: options.rate, dividendYield: options.dividendYield, note });
}

export function createFallbackMarket(options: FallbackMarketOptions): MarketPort {
  const { source, clock, staleAfterMinutes } = options;
  const useCache = options.useCache ?? true;
  const log = options.logger.child({ module: 'market', source: source.name });
  const cache = useCache ? createMarketCache(options.quotes, source.name, log) : NO_MARKET_CACHE;
  const live = { source, cache, clock };
  const history = { dataDir: options.dataDir, cache, log };
  const reporting: Reporting = { source, log, useCache, staleAfterMinutes };
  const rates = createChainRates(options, log);
  const answerWithinMs = options.answerWithinMs ?? INTERACTIVE_WAIT_MS;

  return {
    async snapshot(request = {}) {
      const nowMs = clock.now();
      // One budget for everything this snapshot asks of the source.
      const budget = startAnswerBudget(answerWithinMs, options.timer);
      const chainPending = request.chain ? fetchChain(source, budget) : null;
      const resolved = await resolveQuotes(live, SYMBOLS, nowMs, budget);

      const missingRequired = REQUIRED.filter((symbol) => resolved.get(symbol)!.quote === null);
      if (missingRequired.length) {
        const failure = resolved.get(missingRequired[0]!)!.failure!;
        // No wait for a chain the demo answer cannot use: it finishes for the cache or the budget aborts it.
        return demoFallback(reporting, options, missingRequired, failure, nowMs);
      }

      const chainResult = chainPending ? await chainPending : null;
      const chainFailureText = chainResult?.failure ? describeFailure(source, chainResult.failure) : null;
      const { notes, chainWarned } = failureNotes(reporting, resolved, nowMs, chainFailureText);

      const spot = resolved.get('SPX')!.quote!;
      const vix = resolved.get('VIX')!.quote!;
      const asOfMs = Math.min(spot.asOfMs, vix.asOfMs);
      const vixCloses = await vixHistory(history, newYorkDate(vix.asOfMs));
      notes.push(...vixCloses.notes);
      if (chainResult) {
        notes.push(...chainNotes(reporting, chainResult, nowMs, chainWarned));
        rates.remember(chainResult.chain?.parity?.implied ?? null);
      }

      const snapshot: MarketSnapshot = {
        spot,
        vix,
        vix3m: resolved.get('VIX3M')!.quote,
        vvix: resolved.get('VVIX')!.quote,
        vixHistory: vixCloses.closes,
        spxCloses: await spxCloses(history, newYorkDate(spot.asOfMs)),
        spxOpens: await cache.spxOpens(newYorkDate(spot.asOfMs)),
        chain: chainResult?.chain ?? null,
        demo: false,
        stale: isQuoteStale(asOfMs, nowMs, staleAfterMinutes),
        asOfMs,
        notes,
        ...rates.at(nowMs),
      };
      return snapshot;
    },
  };
}
