// The usual setting for provider tests: a loopback CBOE serving four quotes stamped 15 minutes
// before a fixed New York clock, a temp SQLite store and a temp MARKET_DATA_DIR.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock, Logger } from '../../src/app/ports.ts';
import { newYorkDate, previousTradingDay } from '../../src/market/calendar.ts';
import { createMarket, type MarketOptions } from '../../src/market/index.ts';
import { createStore, type SqliteStore } from '../../src/store/index.ts';
import { cboeOhlcCsv, quoteJson, recordingLogger, type Bar } from './cboe-fixtures.ts';
import { quotePath, startCboeServer, type CboeServer } from './cboe-server.ts';
import { makeTempDir } from './temp-dir.ts';

/** Wednesday 2026-11-18 11:00 New York (EST, UTC-5): in market hours. */
export const NOW = Date.parse('2026-11-18T16:00:00Z');
export const LAST_TRADE = '2026-11-18T10:44:59';
export const LAST_TRADE_MS = Date.parse('2026-11-18T15:44:59Z');
export const FIXTURE = { SPX: 5800.1, VIX: 16.2, VIX3M: 17.9, VVIX: 92 } as const;
export const PREVIOUS = { SPX: 5790.3, VIX: 15.8, VIX3M: 17.5, VVIX: 90 } as const;

export function quoteRoutes(lastTradeTime = LAST_TRADE): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX'] as const) {
    routes[quotePath(symbol)] = quoteJson(symbol, {
      price: FIXTURE[symbol],
      prevClose: PREVIOUS[symbol],
      lastTradeTime,
    });
  }
  return routes;
}

/** VIX closes for the `count` trading days before the New York date of `beforeMs`, oldest first: 14, 14.1, ... */
export function vixHistoryBars(beforeMs: number, count = 260): Bar[] {
  const bars: Bar[] = [];
  let day = previousTradingDay(newYorkDate(beforeMs));
  for (let i = 0; i < count; i++) {
    bars.push({ date: day, close: 0 });
    day = previousTradingDay(day);
  }
  return bars.reverse().map((bar, i) => ({ date: bar.date, close: Math.round((14 + (i % 40) * 0.1) * 100) / 100 }));
}

export interface Harness {
  server: CboeServer;
  store: SqliteStore;
  clock: Clock & { set(ms: number): void; advance(ms: number): void };
  logger: Logger & { entries: ReturnType<typeof recordingLogger>['entries'] };
  dataDir: string;
  sleeps: number[];
  market(overrides?: Partial<MarketOptions>): ReturnType<typeof createMarket>;
  close(): Promise<void>;
}

/** With `history` (default), MARKET_DATA_DIR holds a VIX_History.csv of 260 closes before `start`. */
export async function harness(
  routes: Record<string, string> = quoteRoutes(),
  start = NOW,
  options: { history?: boolean } = {},
): Promise<Harness> {
  const server = await startCboeServer(routes);
  let now = start;
  const clock = { now: () => now, set: (ms: number) => void (now = ms), advance: (ms: number) => void (now += ms) };
  const store = createStore({ path: ':memory:', clock });
  const logger = recordingLogger();
  const dataDir = makeTempDir('condor-market-');
  if (options.history ?? true) writeFileSync(path.join(dataDir, 'VIX_History.csv'), cboeOhlcCsv(vixHistoryBars(start)));
  const sleeps: number[] = [];
  return {
    server,
    store,
    clock,
    logger,
    dataDir: dataDir,
    sleeps,
    market: (overrides = {}) =>
      createMarket({
        kind: 'cboe',
        clock,
        logger,
        store,
        rate: 0.04,
        dividendYield: 0.013,
        cboeBaseUrl: server.url,
        dataDir: dataDir,
        staleAfterMinutes: 30,
        // Neither the per-request timeout nor the interactive budget (3 s) runs out on a loaded
        // machine here: a cold first request can take seconds, and the snapshot would fall back to
        // demo data whatever the test asked. What the loopback server answers decides; tests of
        // timeouts and of the budget pass their own httpOptions and timer.
        httpOptions: { sleep: async (ms) => void sleeps.push(ms), timeoutMs: 30_000 },
        cboe: { failureCooldownMs: 0, quoteTtlMs: 0 },
        timer: () => new Promise<void>(() => {}),
        ...overrides,
      }),
    async close() {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
