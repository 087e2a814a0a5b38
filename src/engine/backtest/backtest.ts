// runBacktest / runBacktests: parameters checked and completed, the history prepared once, the
// entry quotes shared by every policy (and, through an EntryCache, by every run of a sweep).
import { BacktestInputError, prepareHistory, rangeOf, type PreparedHistory } from './prepare.ts';
import { POLICIES } from '../policies/index.ts';
import { runPolicy, type EntrySlots } from './run.ts';
import {
  BACKTEST_POLICIES,
  CLASSIC_POLICIES,
  DEFAULT_BACKTEST_PARAMS,
  type BacktestDay,
  type BacktestParams,
  type BacktestPolicy,
  type BacktestResult,
} from './types.ts';

/** Entry quotes per history and entry parameters, reusable across runs (a sweep keeps one). */
export interface EntryCache {
  history: PreparedHistory | null;
  slots: Record<string, EntrySlots>;
}

export function createEntryCache(): EntryCache {
  return { history: null, slots: {} };
}

export interface BacktestInput {
  /** The days (ascending), or a history already prepared with prepareHistory. */
  days: readonly BacktestDay[] | PreparedHistory;
  params?: Partial<BacktestParams>;
  entryCache?: EntryCache;
}

const isPrepared = (days: BacktestInput['days']): days is PreparedHistory =>
  !Array.isArray(days) && 'dayNumbers' in days;

function check(ok: boolean, message: string): void {
  if (!ok) throw new BacktestInputError(message);
}

/** The defaults overlaid with `params`, checked (a bad value throws BacktestInputError naming it). */
export function resolveParams(params: Partial<BacktestParams> = {}): BacktestParams {
  const defined = Object.fromEntries(
    Object.entries(params).filter(([, value]) => value !== undefined),
  ) as Partial<BacktestParams>;
  const p: BacktestParams = { ...DEFAULT_BACKTEST_PARAMS, ...defined };
  const inRange = (value: number, low: number, high: number) => Number.isFinite(value) && value >= low && value <= high;
  check(
    Number.isInteger(p.targetDte) && p.targetDte >= 1 && p.targetDte <= 1000,
    `targetDte must be a whole number of days from 1 to 1000; got ${p.targetDte}`,
  );
  check(
    p.expiryRule === 'daily' || p.expiryRule === 'weekly' || p.expiryRule === 'monthly',
    `expiryRule must be daily, weekly or monthly; got ${String(p.expiryRule)}`,
  );
  check(
    p.wingDelta === null || inRange(p.wingDelta, 0.001, p.targetDelta),
    `wingDelta must be between 0.001 and the short delta, or null; got ${p.wingDelta}`,
  );
  check(inRange(p.triggerMoves, 0.01, 10), `triggerMoves must be between 0.01 and 10; got ${p.triggerMoves}`);
  check(
    Number.isInteger(p.minAdjustDays) && p.minAdjustDays >= 0 && p.minAdjustDays <= 365,
    `minAdjustDays must be a whole number of days from 0 to 365; got ${p.minAdjustDays}`,
  );
  check(inRange(p.targetDelta, 0.001, 0.499), `targetDelta must be between 0.001 and 0.499; got ${p.targetDelta}`);
  check(
    p.wingWidth === null || (Number.isFinite(p.wingWidth) && p.wingWidth > 0),
    `wingWidth must be a positive number of points or null; got ${p.wingWidth}`,
  );
  check(inRange(p.skewBeta, 0, 5), `skewBeta must be between 0 and 5; got ${p.skewBeta}`);
  check(
    inRange(p.rate, -0.05, 0.5) && inRange(p.dividendYield, 0, 0.2),
    `rate must be in [-0.05, 0.5] and dividendYield in [0, 0.2]; got ${p.rate} and ${p.dividendYield}`,
  );
  check(
    Number.isInteger(p.quantity) && p.quantity >= 1,
    `quantity must be a whole number of condors, 1 or more; got ${p.quantity}`,
  );
  check(
    p.profitTarget === null || inRange(p.profitTarget, 0.01, 1),
    `profitTarget must be between 0.01 and 1, or null (off); got ${p.profitTarget}`,
  );
  check(inRange(p.stopLoss, 0.01, 1000), `stopLoss must be a positive multiple of the credit; got ${p.stopLoss}`);
  check(
    Number.isInteger(p.exitDte) && p.exitDte >= 0 && Number.isInteger(p.minRollDte) && p.minRollDte >= 0,
    `exitDte and minRollDte must be whole numbers of days, 0 or more; got ${p.exitDte} and ${p.minRollDte}`,
  );
  check(
    inRange(p.thresholdMin, 0, 10) && inRange(p.thresholdMax, p.thresholdMin, 10),
    `thresholds must satisfy 0 ≤ thresholdMin ≤ thresholdMax; got ${p.thresholdMin} and ${p.thresholdMax}`,
  );
  check(inRange(p.deltaTrigger, 0.01, 1), `deltaTrigger must be between 0.01 and 1; got ${p.deltaTrigger}`);
  check(
    Number.isInteger(p.maxHedgeLayers) && p.maxHedgeLayers >= 0 && p.maxHedgeLayers <= 10,
    `maxHedgeLayers must be a whole number from 0 to 10; got ${p.maxHedgeLayers}`,
  );
  check(
    inRange(p.commissionPerContract, 0, 1000) && inRange(p.slippagePerLeg, 0, 100),
    `commissionPerContract and slippagePerLeg must be 0 or more; got ${p.commissionPerContract} and ` +
      `${p.slippagePerLeg}`,
  );
  return p;
}

function entrySlotsFor(cache: EntryCache, history: PreparedHistory, p: BacktestParams): EntrySlots {
  if (cache.history !== history) {
    cache.history = history;
    cache.slots = {};
  }
  const u = p.underlying;
  const key = [
    u.symbol,
    u.strikeStep,
    u.defaultWingWidth,
    u.referenceSpot,
    p.targetDte,
    p.expiryRule,
    p.targetDelta,
    p.wingDelta,
    p.wingWidth,
    p.skewBeta,
    p.rate,
    p.dividendYield,
  ].join('|');
  let slots = cache.slots[key];
  if (!slots) {
    slots = new Array<undefined>(history.length);
    cache.slots[key] = slots;
  }
  return slots;
}

/** The run's parameters under a policy: its own entry (cndr) and the values it fixes (tasty). */
export function paramsForPolicy(p: BacktestParams, policy: BacktestPolicy): BacktestParams {
  const definition = POLICIES[policy];
  const entry = definition.entry;
  if (!entry && !definition.fixed) return p;
  return { ...p, ...entry, ...definition.fixed, ...(entry?.wingDelta ? { wingWidth: null } : {}) };
}

/** Runs the given policies (default cp, delta, hold) over the same history and parameters. */
export function runBacktests(input: BacktestInput & { policies?: readonly BacktestPolicy[] }): BacktestResult {
  const p = resolveParams(input.params);
  const policies = input.policies ?? CLASSIC_POLICIES;
  for (const policy of policies)
    check(
      BACKTEST_POLICIES.includes(policy),
      `policy must be one of ${BACKTEST_POLICIES.join(', ')}; got ${String(policy)}`,
    );
  const history = isPrepared(input.days) ? input.days : prepareHistory(input.days);
  const range = rangeOf(history, p.from, p.to);
  if (!range)
    throw new BacktestInputError(
      `no trading day between ${p.from ?? 'the start'} and ${p.to ?? 'the end'} in a history of ${history.length} days`,
    );
  const cache = input.entryCache ?? createEntryCache();
  const runOne = (policy: BacktestPolicy) => {
    const params = paramsForPolicy(p, policy);
    const entries = entrySlotsFor(cache, history, params);
    return runPolicy({ history, fromIndex: range.fromIndex, toIndex: range.toIndex, params, entries }, policy);
  };
  const { underlying, ...rest } = p;
  return {
    from: history.dates[range.fromIndex]!,
    to: history.dates[range.toIndex]!,
    days: range.toIndex - range.fromIndex + 1,
    dates: p.equityCurve ? history.dates.slice(range.fromIndex, range.toIndex + 1) : [],
    params: {
      ...rest,
      underlying: underlying.symbol,
      wingWidthAtReference: p.wingWidth ?? underlying.defaultWingWidth,
    },
    policies: policies.map(runOne),
  };
}

/** One policy (docs/specification.md §9): the same result shape, with one entry in `policies`. */
export function runBacktest(input: BacktestInput & { policy: BacktestPolicy }): BacktestResult {
  return runBacktests({ ...input, policies: [input.policy] });
}
