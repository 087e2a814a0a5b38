// Chooses the market provider from configuration (MARKET_DATA):
//   cboe (default)  CBOE delayed quotes → SQLite quote cache → demo, each fallback labelled
//   file            quotes.json or the history CSVs in MARKET_DATA_DIR → demo, labelled
//   demo            synthetic numbers, always labelled DEMO DATA
// See docs/market-data.md.
import type { Clock, Logger, MarketPort, Store } from '../app/ports.ts';
import { createCboeClient, createCboeSource, type CboeClientOptions } from './cboe/index.ts';
import { createDemoMarket } from './demo.ts';
import { createFallbackMarket } from './fallback.ts';
import { createFileSource } from './file-provider.ts';
import { createHttpClient, type HttpClient, type HttpOptions } from './http.ts';

export interface MarketOptions {
  kind: 'cboe' | 'file' | 'demo';
  clock: Clock;
  logger: Logger;
  store: Store;
  rate: number;
  dividendYield: number;
  cboeBaseUrl: string;
  dataDir: string;
  staleAfterMinutes: number;
  /** The longest a snapshot waits for the live source (default 3 s: src/market/answer-budget.ts). */
  answerWithinMs?: number;
  /** Tests: the timer of that budget. */
  timer?: (ms: number) => Promise<void>;
  /** Tests: an HTTP client, or options for the default one (fetch, sleep, timeouts, retries). */
  http?: HttpClient;
  httpOptions?: HttpOptions;
  /** Tests: memo lifetimes and cool-down of the CBOE client. */
  cboe?: Pick<
    CboeClientOptions,
    'quoteTtlMs' | 'chainTtlMs' | 'failureCooldownMs' | 'quoteTimeoutMs' | 'chainTimeoutMs'
  >;
}

export function createMarket(options: MarketOptions): MarketPort {
  const common = {
    quotes: options.store.quotes,
    clock: options.clock,
    logger: options.logger,
    rate: options.rate,
    dividendYield: options.dividendYield,
    staleAfterMinutes: options.staleAfterMinutes,
    dataDir: options.dataDir,
    ...(options.answerWithinMs !== undefined ? { answerWithinMs: options.answerWithinMs } : {}),
    ...(options.timer ? { timer: options.timer } : {}),
  };
  switch (options.kind) {
    case 'demo':
      return createDemoMarket({
        now: () => options.clock.now(),
        rate: options.rate,
        dividendYield: options.dividendYield,
      });
    case 'file':
      return createFallbackMarket({ ...common, source: createFileSource({ dir: options.dataDir }), useCache: false });
    case 'cboe': {
      const log = options.logger.child({ module: 'market', source: 'cboe' });
      const http =
        options.http ??
        createHttpClient({
          timeoutMs: 5_000,
          ...options.httpOptions,
          onRetry: ({ url, attempt, delayMs, error }) =>
            log.debug({ url, attempt, delayMs, reason: error.reason }, 'market data: retrying'),
        });
      const client = createCboeClient({ baseUrl: options.cboeBaseUrl, http, clock: options.clock, ...options.cboe });
      return createFallbackMarket({ ...common, source: createCboeSource(client) });
    }
  }
}

export { createFallbackMarket, dailyCloseKey, toFailure } from './fallback.ts';
export type { FallbackMarketOptions, MarketSymbol, QuoteSource, SourceFailure, SourceQuote } from './fallback.ts';
export { createFileSource, parseAsOf, readHistoryFile, MarketFileError, QUOTES_FILE } from './file-provider.ts';
export type { HistoryFileResult } from './file-provider.ts';
export { createHttpClient, HttpError, BROWSER_USER_AGENT } from './http.ts';
export type { HttpClient, HttpOptions } from './http.ts';
export { HISTORY_FILES, dataSyncCli, syncHistory } from './sync.ts';
export type { SyncOptions, SyncReport } from './sync.ts';
