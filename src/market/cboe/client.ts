// CBOE's free delayed quotes (15 minutes delayed, no key; undocumented endpoints under Cboe's site
// terms): index quotes from /api/global/delayed_quotes/quotes/_X.json and the SPX option chain from
// /api/global/delayed_quotes/options/_SPX.json (~13.6 MB: fetched only when asked, kept in memory
// for a few minutes). Every failure is an HttpError with a short reason for the reply's notes.
// A caller's AbortSignal (the interactive budget) ends its wait; a download nobody waits for any
// more is aborted, and counts as a failure of its URL for the cool-down.
import type { ChainVolLookup, Clock } from '../../app/ports.ts';
import type { IsoDate } from '../../engine/dates.ts';
import { readChainParity } from '../chain-parity.ts';
import { HttpError, asHttpError, type HttpClient } from '../http.ts';
import { parseCboeChain, volAt, type OptionChain } from '../parsers/cboe-chain.ts';
import { parseCboeEnvelope, quoteFromEnvelope, type CboeQuote } from '../parsers/cboe-quote.ts';
import { createSharedRequests } from '../shared-request.ts';

export type CboeSymbol = 'SPX' | 'VIX' | 'VIX3M' | 'VVIX';
export const CBOE_SYMBOLS: readonly CboeSymbol[] = ['SPX', 'VIX', 'VIX3M', 'VVIX'];

const trimSlash = (base: string) => base.replace(/\/+$/, '');

/** The chain is ~13.6 MB today: three times that, and a body past it is refused unread. */
export const CHAIN_MAX_BODY_BYTES = 40 * 1024 * 1024;

/** Index tickers take a leading underscore: _SPX, _VIX. */
export function cboeQuoteUrl(baseUrl: string, symbol: string): string {
  return `${trimSlash(baseUrl)}/api/global/delayed_quotes/quotes/_${symbol}.json`;
}

export function cboeChainUrl(baseUrl: string, symbol = 'SPX'): string {
  return `${trimSlash(baseUrl)}/api/global/delayed_quotes/options/_${symbol}.json`;
}

export function cboeHistoryUrl(baseUrl: string, fileName: string): string {
  return `${trimSlash(baseUrl)}/api/global/us_indices/daily_prices/${fileName}`;
}

// Prices the parser may read. Its fallback current_price → close → prev_day_close is for zeros and
// gaps; a NaN or a negative price means a broken publication, and the whole quote is refused.
const PRICE_FIELDS = ['current_price', 'open', 'high', 'low', 'close', 'prev_day_close'] as const;

/** The first NaN, infinite, negative or non-numeric price in a quote's data, described; null when all are usable. */
export function badPriceField(data: Record<string, unknown>): string | null {
  for (const field of PRICE_FIELDS) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${field} ${value}`;
      if (value < 0) return `negative ${field} ${value}`;
    } else if (typeof value === 'string') {
      // parseJsonBody turns bare NaN / Infinity tokens into strings so they can be named here.
      return `${field} ${value.slice(0, 20)}`;
    } else {
      return `${field} is not a number`;
    }
  }
  return null;
}

/** A delayed-quotes body (parsed JSON) → the quote, or an HttpError of kind 'data'. */
export function quoteFromBody(json: unknown, url: string, expected?: string): CboeQuote {
  const envelope = parseCboeEnvelope(json);
  if (!envelope.ok) throw new HttpError('data', 'unexpected data', url, 200, envelope.error);
  const bad = badPriceField(envelope.value.data);
  if (bad) throw new HttpError('data', bad, url, 200);
  const quote = quoteFromEnvelope(envelope.value);
  if (!quote.ok) throw new HttpError('data', 'no usable price', url, 200, quote.error);
  if (expected && quote.value.symbol !== expected) {
    throw new HttpError('data', `got ${quote.value.symbol || 'no symbol'} instead of ${expected}`, url, 200);
  }
  return quote.value;
}

export interface CboeClientOptions {
  baseUrl: string;
  http: HttpClient;
  clock: Clock;
  /** A fetched quote is reused for this long (default 15 s; the data is 15 minutes delayed anyway). */
  quoteTtlMs?: number;
  /** The parsed chain is reused for this long (default 5 min). */
  chainTtlMs?: number;
  /** After a failure, the same URL is not asked again for this long (default 30 s): the fallback answers at once. */
  failureCooldownMs?: number;
  quoteTimeoutMs?: number;
  /** The chain is ~13.6 MB: a longer timeout (default 45 s). */
  chainTimeoutMs?: number;
}

export interface ChainSummary {
  chain: OptionChain;
  lookup: ChainVolLookup;
  fetchedMs: number;
}

export interface CboeClient {
  quote(symbol: CboeSymbol, signal?: AbortSignal): Promise<CboeQuote>;
  chain(signal?: AbortSignal): Promise<ChainSummary>;
}

interface Memo<T> {
  value: T;
  atMs: number;
}

/** The chain's vols and its parity reading (computed once per fetched chain). */
export function chainLookup(chain: OptionChain): ChainVolLookup {
  return {
    volAt: (expiry: IsoDate, strike: number, type: 'call' | 'put') => volAt(chain, expiry, strike, type),
    asOfMs: chain.underlying.asOf,
    parity: readChainParity(chain),
  };
}

export function createCboeClient(options: CboeClientOptions): CboeClient {
  const { http, clock } = options;
  const quoteTtlMs = options.quoteTtlMs ?? 15_000;
  const chainTtlMs = options.chainTtlMs ?? 5 * 60_000;
  const cooldownMs = options.failureCooldownMs ?? 30_000;
  const quotes = new Map<string, Memo<CboeQuote>>();
  const failures = new Map<string, Memo<HttpError>>();
  let chainMemo: Memo<ChainSummary> | null = null;
  // One download (and, for the chain, one parse) per URL for every concurrent caller.
  const quoteRequests = createSharedRequests<CboeQuote>();
  const chainRequests = createSharedRequests<ChainSummary>();

  const recentFailure = (url: string) => {
    const failure = failures.get(url);
    return failure && clock.now() - failure.atMs < cooldownMs ? failure.value : null;
  };

  async function guarded<T>(url: string, load: () => Promise<T>): Promise<T> {
    const failure = recentFailure(url);
    if (failure) throw failure;
    try {
      const value = await load();
      failures.delete(url);
      return value;
    } catch (thrown) {
      const error = asHttpError(thrown, url);
      failures.set(url, { value: error, atMs: clock.now() });
      throw error;
    }
  }

  /** Download, check and parse the chain (~13.6 MB): once per URL for every concurrent caller. */
  function loadChain(url: string, signal: AbortSignal): Promise<ChainSummary> {
    return guarded(url, async () => {
      const json = await http.getJson(url, {
        timeoutMs: options.chainTimeoutMs ?? 45_000,
        retries: 1,
        maxBodyBytes: CHAIN_MAX_BODY_BYTES,
        signal,
      });
      const envelope = parseCboeEnvelope(json, 'CBOE chain');
      if (!envelope.ok) throw new HttpError('data', 'unexpected data', url, 200, envelope.error);
      const bad = badPriceField(envelope.value.data);
      if (bad) throw new HttpError('data', bad, url, 200);
      const parsed = parseCboeChain(json);
      if (!parsed.ok) throw new HttpError('data', 'unexpected data', url, 200, parsed.error);
      if (parsed.value.contracts.size === 0) throw new HttpError('data', 'no usable option quotes', url, 200);
      const fetchedMs = clock.now();
      const summary: ChainSummary = { chain: parsed.value, lookup: chainLookup(parsed.value), fetchedMs };
      chainMemo = { value: summary, atMs: fetchedMs };
      return summary;
    });
  }

  return {
    async quote(symbol, signal) {
      const url = cboeQuoteUrl(options.baseUrl, symbol);
      const memo = quotes.get(url);
      if (memo && clock.now() - memo.atMs < quoteTtlMs) return memo.value;
      const load = (shared: AbortSignal) =>
        guarded(url, async () => {
          const timeout = options.quoteTimeoutMs ? { timeoutMs: options.quoteTimeoutMs } : {};
          const json = await http.getJson(url, { ...timeout, signal: shared });
          const quote = quoteFromBody(json, url, symbol);
          quotes.set(url, { value: quote, atMs: clock.now() });
          return quote;
        });
      return quoteRequests.join(url, load, signal);
    },

    chain(signal) {
      if (chainMemo && clock.now() - chainMemo.atMs < chainTtlMs) return Promise.resolve(chainMemo.value);
      const url = cboeChainUrl(options.baseUrl);
      return chainRequests.join(url, (shared) => loadChain(url, shared), signal);
    },
  };
}
