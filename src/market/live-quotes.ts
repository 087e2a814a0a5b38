// Each symbol of a snapshot, with its labelled fallback (src/market/fallback.ts): the source's
// quote within the snapshot's budget (aborted when it is spent), plausible, and cached as soon as
// it arrives; else the cached quote, labelled 'cache'; else none. Each says why the live one
// failed. The option chain: the source's within the same budget, or why not.
import type { ChainVolLookup, Clock, Quote } from '../app/ports.ts';
import type { AnswerBudget } from './answer-budget.ts';
import type { MarketCache } from './market-cache.ts';
import { implausibleLevel, implausibleQuote } from './plausible.ts';
import {
  toFailure,
  type MarketSymbol,
  type QuoteSource,
  type SourceFailure,
  type SourceQuote,
} from './quote-source.ts';

/** A symbol's quote (live or cached) and why the live one failed; no quote when nothing could answer. */
export type Resolved = { quote: Quote; failure: SourceFailure | null } | { quote: null; failure: SourceFailure };

export type ChainResult = { chain: ChainVolLookup | null; failure: SourceFailure | null };

export interface LiveQuotes {
  source: QuoteSource;
  cache: MarketCache;
  clock: Clock;
}

/** The source's quote, checked for plausibility and cached as soon as it arrives. */
function fetchLive(
  { source, cache, clock }: LiveQuotes,
  symbol: MarketSymbol,
  nowMs: number,
  signal: AbortSignal,
): Promise<SourceQuote> {
  return source.quote(symbol, signal).then(async (answer) => {
    // An implausible opening print is dropped, never settled on; the quote itself is judged below.
    const live = answer.open && implausibleLevel(symbol, answer.open) !== null ? { ...answer, open: null } : answer;
    const implausible = implausibleQuote(symbol, live, clock.now());
    if (implausible) throw { reason: `implausible value: ${implausible}`, unreachable: false } satisfies SourceFailure;
    await cache.put(symbol, live, nowMs);
    if (symbol === 'VIX' || symbol === 'SPX') await cache.rememberDaily(symbol, live, nowMs);
    return live;
  });
}

/** The live quote within the budget, else the cached one (labelled 'cache'), else none: with why. */
async function resolveQuote(
  live: LiveQuotes,
  symbol: MarketSymbol,
  nowMs: number,
  budget: AnswerBudget,
): Promise<Resolved> {
  let failure: SourceFailure;
  try {
    const answer = await budget.within(fetchLive(live, symbol, nowMs, budget.signal));
    const open = answer.open ? { open: answer.open } : {};
    const { value, asOfMs, previousClose } = answer;
    return { quote: { value, asOfMs, source: live.source.name, previousClose, ...open }, failure: null };
  } catch (thrown) {
    failure = toFailure(thrown);
  }
  const cached = await live.cache.get(symbol);
  // A cached value outside the bounds was written before they existed: never shown.
  if (cached && implausibleLevel(symbol, cached.value) === null) {
    const previousClose = cached.extra?.previousClose ?? null;
    return { quote: { value: cached.value, asOfMs: cached.asOfMs, source: 'cache', previousClose }, failure };
  }
  return { quote: null, failure };
}

/** Every symbol at once, sharing the budget. */
export async function resolveQuotes(
  live: LiveQuotes,
  symbols: readonly MarketSymbol[],
  nowMs: number,
  budget: AnswerBudget,
): Promise<Map<MarketSymbol, Resolved>> {
  const resolved = new Map<MarketSymbol, Resolved>();
  await Promise.all(
    symbols.map(async (symbol) => resolved.set(symbol, await resolveQuote(live, symbol, nowMs, budget))),
  );
  return resolved;
}

/** The source's option chain within the budget, or why not (no chain at all: neither). */
export async function fetchChain(source: QuoteSource, budget: AnswerBudget): Promise<ChainResult> {
  if (!source.chain) return { chain: null, failure: null };
  try {
    return { chain: await budget.within(source.chain(budget.signal)), failure: null };
  } catch (thrown) {
    return { chain: null, failure: toFailure(thrown) };
  }
}
