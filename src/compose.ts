// The composition root's parts: from a validated configuration to the injected dependencies every
// adapter uses. main.ts wires platforms and the scheduler on top.
import { commands } from '../commands/index.ts';
import type { AppDeps } from './app/context.ts';
import { createLimiter } from './app/limiter.ts';
import type { ChartsPort, Clock, Logger } from './app/ports.ts';
import { createRegistry } from './app/registry.ts';
import type { Services } from './app/services.ts';
import type { Config } from './config.ts';
import { createCalendar } from './market/calendar-port.ts';
import { createMarket } from './market/index.ts';
import { equityCurvePng, payoffChartPng } from './render/charts.ts';
import { createSummaryService } from './scheduler/summary-service.ts';
import { createBacktestService } from './app/backtest-service.ts';
import { createHistoryLoader } from './market/history-files.ts';
import { createStore, type SqliteStore } from './store/index.ts';

export const charts: ChartsPort = { payoff: payoffChartPng, equity: equityCurvePng };

export interface App {
  deps: AppDeps;
  store: SqliteStore;
  config: Config;
  close(): Promise<void>;
}

export interface BuildOverrides {
  clock?: Clock;
  services?: Services;
}

export function buildApp(config: Config, logger: Logger, overrides: BuildOverrides = {}): App {
  const clock = overrides.clock ?? { now: () => Date.now() };
  const store = createStore({ path: config.DATABASE_PATH, clock });
  const market = createMarket({
    kind: config.MARKET_DATA,
    clock,
    logger,
    store,
    rate: config.RISK_FREE_RATE,
    dividendYield: config.DIVIDEND_YIELD,
    cboeBaseUrl: config.CBOE_BASE_URL,
    dataDir: config.MARKET_DATA_DIR,
    staleAfterMinutes: config.STALE_AFTER_MINUTES,
  });
  const deps: AppDeps = {
    store,
    market,
    calendar: createCalendar(config.extraEvents),
    clock,
    logger,
    charts,
    defaults: {
      rate: config.RISK_FREE_RATE,
      dividendYield: config.DIVIDEND_YIELD,
      skewBeta: config.SKEW_BETA,
      underlying: 'SPX',
      summaryTime: config.SUMMARY_TIME,
      summaryTimeZone: config.SUMMARY_TIMEZONE,
    },
    services: overrides.services ?? {
      summaries: createSummaryService(() => deps),
      backtests: createBacktestService({ loadHistory: createHistoryLoader({ dataDir: config.MARKET_DATA_DIR }) }),
    },
    registry: createRegistry(commands),
    limiter: createLimiter(
      { heavyPerMinute: config.EXPENSIVE_COMMANDS_PER_MINUTE, chainPerMinute: config.CHAIN_EVALUATIONS_PER_MINUTE },
      clock,
    ),
  };
  return { deps, store, config, close: () => store.close() };
}
