// The composition root's parts: from a validated configuration to the injected dependencies every
// adapter uses. main.ts wires platforms and the scheduler on top.
import { commands } from '../commands/index.ts';
import type { AppDeps } from './app/context.ts';
import { createLimiter } from './app/limiter.ts';
import type { ChartsPort, Clock, Logger, Store } from './app/ports.ts';
import { createRegistry } from './app/registry.ts';
import type { Services } from './app/services.ts';
import type { Config } from './config.ts';
import { createCalendar } from './market/calendar-port.ts';
import { createMarket } from './market/index.ts';
import { equityCurvePng, payoffChartPng } from './render/charts.ts';
import { createSummaryService } from './scheduler/summary-service.ts';
import { createBacktestService } from './app/backtest-service.ts';
import { createHistoryLoader } from './market/history-files.ts';
import { createStore, openDatabase, type SqliteStore } from './store/index.ts';
import { copySqliteToPostgres, type TableCounts } from './store/postgres/copy.ts';
import { useConfirmSecret } from './app/confirm.ts';

export { TargetNotEmptyError } from './store/postgres/copy.ts';

export const charts: ChartsPort = { payoff: payoffChartPng, equity: equityCurvePng };

/** The composed app; S is the store behind it (SQLite from buildApp, either from openApp: AnyApp). */
export interface App<S extends Store = SqliteStore> {
  deps: AppDeps;
  store: S;
  config: Config;
  close(): Promise<void>;
}

/** An app on whichever store the configuration picks (what the bots, run, summary and register take). */
export type AnyApp = App<Store>;

export interface BuildOverrides {
  clock?: Clock;
  services?: Services;
}

/** The SQLite app on DATABASE_PATH (tests, `backup`); openApp picks the store from the configuration. */
export function buildApp(config: Config, logger: Logger, overrides: BuildOverrides = {}): App<SqliteStore> {
  const clock = overrides.clock ?? { now: () => Date.now() };
  return assemble(config, logger, createStore({ path: config.DATABASE_PATH, clock }), clock, overrides);
}

/**
 * The app on the configured store: PostgreSQL when DATABASE_URL is set (migrated on open, several
 * workers may share it), else the SQLite file DATABASE_PATH, as `npm start` and the console use.
 */
export async function openApp(config: Config, logger: Logger, overrides: BuildOverrides = {}): Promise<AnyApp> {
  if (!config.DATABASE_URL) return buildApp(config, logger, overrides);
  const clock = overrides.clock ?? { now: () => Date.now() };
  // Loaded only here: the console and the SQLite path start without the PostgreSQL driver.
  const { createPostgresStore } = await import('./store/postgres/index.ts');
  return assemble(config, logger, await createPostgresStore({ url: config.DATABASE_URL, clock }), clock, overrides);
}

function assemble<S extends Store>(
  config: Config,
  logger: Logger,
  store: S,
  clock: Clock,
  overrides: BuildOverrides,
): App<S> {
  if (config.CONFIRM_SECRET) useConfirmSecret(config.CONFIRM_SECRET);
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

/**
 * `migrate-store`: the SQLite file at `source` copied into the empty PostgreSQL database at `url`
 * (migrated first), with the verified row counts and where it went (without the password).
 */
export async function migrateStore(source: string, url: string): Promise<{ counts: TableCounts; target: string }> {
  // Loaded here: the console and the other commands start without the PostgreSQL driver.
  const { createPostgresStore, describeUrl } = await import('./store/postgres/index.ts');
  const db = openDatabase(source);
  try {
    const store = await createPostgresStore({ url, maxConnections: 2 });
    try {
      const target = describeUrl(url);
      return { counts: await copySqliteToPostgres(db, store.pool, target), target };
    } finally {
      await store.close();
    }
  } finally {
    db.close();
  }
}
