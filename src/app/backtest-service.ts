// The /backtest service: replays the policies over the injected history and answers with the
// table, the equity-curve PNG, the claim under test beside what the data says, and the footers.
// Runs longer than a few seconds tell the user they are still going (context.progress).
import {
  BacktestInputError,
  createEntryCache,
  equitySeries,
  methodLine,
  PAST_RESULTS,
  CLAIM_UNDER_TEST,
  prepareHistory,
  readClaim,
  resultTable,
  runBacktests,
  type BacktestDay,
  type BacktestPolicy,
  type BacktestResult,
  type PreparedHistory,
  assembleWalkForward,
  CLASSIC_POLICIES,
  recommendationLine,
  walkForwardMethodLine,
  walkForwardPolicy,
  walkForwardSeries,
  walkForwardTable,
  walkForwardWindows,
  type PolicyWalkForward,
  type WalkForwardResult,
} from '../engine/backtest/index.ts';
import { POLICY_NAMES } from '../engine/policies/index.ts';
import type { CommandContext } from './command.ts';
import { UserError } from './errors.ts';
import type { Clock, EquityChartInput } from './ports.ts';
import { dates as dates_ } from '../engine/index.ts';
import { NOT_ADVICE, type Reply, type ReplyAttachment } from './reply.ts';
import type { BacktestRequest, BacktestService } from './services.ts';

export type LoadedDays = BacktestDay[] | { days: BacktestDay[]; notes?: string[] };

export interface BacktestServiceOptions {
  /** The joined SPX/VIX history (src/market/history-files.ts createHistoryLoader); no days = none yet. */
  loadHistory: () => Promise<LoadedDays>;
  /** Defaults to the context's clock. */
  clock?: Clock;
  /** A progress line is sent once the run has taken this long (default 2,000 ms). */
  progressAfterMs?: number;
}

/** What a trader reads: the history is missing and who can load it (the how is the operator's, in the log). */
export const NO_HISTORY =
  'This bot has no SPX/VIX history loaded yet, so it cannot replay the rules; the operator can load it.';
const OPERATOR_HINT =
  'run `npm run cli -- data sync` on the host (or set MARKET_DATA_DIR to a folder with the history files)';
const MAX_NOTES = 4;

/** Lets the event loop run between policies (other chats keep being answered). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createBacktestService(options: BacktestServiceOptions): BacktestService {
  const progressAfterMs = options.progressAfterMs ?? 2000;
  // The prepared history is reused while the loader hands back the same days.
  let prepared: {
    days: BacktestDay[];
    history: PreparedHistory;
    cache: ReturnType<typeof createEntryCache>;
    walkForward?: WalkForwardResult;
  } | null = null;

  return {
    async run(request: BacktestRequest, context: CommandContext): Promise<Reply> {
      const clock = options.clock ?? context.clock;
      const started = clock.now();
      let told = false;
      const tell = async (text: string) => {
        if (told || !context.progress || clock.now() - started < progressAfterMs) return;
        told = true;
        await context.progress(text);
      };

      const loaded = await options.loadHistory();
      const days = Array.isArray(loaded) ? loaded : loaded.days;
      const notes = Array.isArray(loaded) ? [] : (loaded.notes ?? []);
      if (!days.length) {
        // The loader's note names files and flags: it is for the operator's log, not the chat.
        context.logger.warn({ notes, hint: OPERATOR_HINT }, 'backtest asked for, but no history is loaded');
        throw new UserError('unavailable', NO_HISTORY);
      }
      await tell(`Read ${days.length.toLocaleString('en-US')} days of SPX and VIX history; replaying the policies…`);
      if (prepared?.days !== days) prepared = { days, history: prepareHistory(days), cache: createEntryCache() };

      const defaults = {
        rate: context.defaults.rate,
        dividendYield: context.defaults.dividendYield,
        skewBeta: context.defaults.skewBeta,
      };
      if (request.walkForward) {
        // The same history gives the same evidence: computed once, then served from memory.
        if (!prepared.walkForward) {
          const history = prepared.history;
          const windows = walkForwardWindows(history.dates[0]!, history.dates[history.length - 1]!);
          const done: PolicyWalkForward[] = [];
          for (const name of POLICY_NAMES) {
            done.push(walkForwardPolicy(history, name, windows, { params: defaults }, prepared.cache));
            await tell(`Walk-forward: ${done.length} of ${POLICY_NAMES.length} policies done…`);
            await breathe();
          }
          prepared.walkForward = assembleWalkForward(history, windows, done, { params: defaults });
        }
        const wf = prepared.walkForward;
        context.logger.info({ from: wf.from, to: wf.to, ms: clock.now() - started }, 'walk-forward served');
        return buildWalkForwardReply(wf, notes, await walkForwardChart(wf, context));
      }
      const policies: BacktestPolicy[] = request.policy === 'all' ? [...CLASSIC_POLICIES] : [request.policy];
      const params = {
        from: request.from,
        to: request.to,
        targetDte: request.dte,
        targetDelta: request.delta,
        wingWidth: request.wings ?? null,
        ...defaults,
      };
      const runs: BacktestResult[] = [];
      try {
        for (const policy of policies) {
          runs.push(runBacktests({ days: prepared.history, policies: [policy], params, entryCache: prepared.cache }));
          await tell(`Replayed ${runs.length} of ${policies.length} policies…`);
          await breathe();
        }
      } catch (error) {
        if (error instanceof BacktestInputError) throw new UserError('invalid-option', `${error.message}.`);
        throw error;
      }
      const result: BacktestResult = { ...runs[0]!, policies: runs.map((run) => run.policies[0]!) };
      context.logger.info({ from: result.from, to: result.to, policies, ms: clock.now() - started }, 'backtest run');
      return buildReply(result, notes, await equityChart(result, context));
    },
  };
}

/** The plain comparison's chart: dollars per condor, with the drawdown panel under the curves. */
export function backtestChartInput(result: BacktestResult): EquityChartInput {
  return {
    title: `Equity per policy, ${result.from} → ${result.to} (dollars per condor, marked to model)`,
    series: equitySeries(result),
    unit: 'dollars',
    drawdown: true,
    footer: `${PAST_RESULTS} ${NOT_ADVICE}`,
  };
}

async function equityChart(result: BacktestResult, context: CommandContext): Promise<ReplyAttachment | null> {
  try {
    const input = backtestChartInput(result);
    const data = await context.charts.equity(input);
    return { filename: 'backtest-equity.png', contentType: 'image/png', data, description: equityDescription(input) };
  } catch (error) {
    context.logger.warn({ error: (error as Error)?.message }, 'backtest chart failed');
    return null;
  }
}

/** What the equity image shows, in words (alt text, console, JSON reply). */
export function equityDescription(input: EquityChartInput): string {
  const what = input.unit === 'risk' ? 'Cumulative return on risk (× max loss)' : 'Cumulative P/L in dollars';
  const dates = input.series.flatMap((one) => one.points.map((p) => p.date)).sort();
  const span = dates.length ? ` from ${dates[0]} to ${dates.at(-1)}` : '';
  const parts = [`${what} of ${input.series.map((one) => one.label).join(', ')}${span}`];
  if (input.drawdown !== false) parts.push('drawdown panel');
  const periods = (input.periods ?? []).filter((p) => dates_.isIsoDate(p.from) && dates_.isIsoDate(p.to)).length;
  if (periods) parts.push(`${periods} out-of-sample period${periods === 1 ? '' : 's'} shaded`);
  return parts.join('; ');
}

/** The reply: claim beside the result, the table, the chart, method and data notes, footers. */
export function buildReply(result: BacktestResult, notes: readonly string[], chart: ReplyAttachment | null): Reply {
  const claim = readClaim(result);
  const lines = [`Claim under test: "${CLAIM_UNDER_TEST}".`];
  if (claim) {
    const difference = claim.differencePoints;
    lines.push(
      `Measured: cp − delta win rate = ${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(1)} points (± ` +
        `${(2 * claim.standardErrorPoints).toFixed(1)}).`,
      claim.sentence,
    );
  } else {
    lines.push('Measured: not in this run; it needs both cp and delta (policy=all).');
  }
  const tone =
    claim === null
      ? 'neutral'
      : claim.verdict === 'supported' || claim.verdict === 'larger'
        ? 'good'
        : claim.verdict === 'no-data'
          ? 'neutral'
          : 'warn';
  const policies = result.policies.map(
    ({ equity: _equity, campaignList: _campaigns, events: _events, ...figures }) => figures,
  );
  return {
    title:
      `Backtest ${result.params.underlying} ${result.from} → ${result.to}: ` +
      `${result.policies.map((p) => p.policy).join(' vs ')}`,
    visibility: 'caller',
    tone,
    lines,
    table: resultTable(result.policies),
    footer: [
      methodLine(result),
      ...notes.slice(0, MAX_NOTES),
      ...(notes.length > MAX_NOTES
        ? [`…and ${notes.length - MAX_NOTES} more data notes (npm run cli -- backtest shows them all).`]
        : []),
      ...(chart ? [] : ['The equity chart could not be drawn here.']),
      PAST_RESULTS,
      NOT_ADVICE,
    ],
    ...(chart ? { attachments: [chart] } : {}),
    data: { from: result.from, to: result.to, days: result.days, params: result.params, claim, policies },
  };
}

/**
 * The walk-forward chart: only out-of-sample days are plotted, as cumulative return on risk (1 = one
 * campaign's max loss, comparable across index levels), the drawdown panel under it, and each two-year
 * test window shaded and labelled with its years so the seams between windows can be read.
 */
export function walkForwardChartInput(result: WalkForwardResult): EquityChartInput {
  const first = result.windows[0]?.testFrom ?? result.from;
  return {
    title: `Out-of-sample return on risk per policy, ${first} → ${result.to}`,
    series: walkForwardSeries(result),
    unit: 'risk',
    drawdown: true,
    periods: result.windows.map((window) => ({
      from: window.testFrom,
      to: window.testTo,
      label: windowYears(window.testFrom, window.testTo),
    })),
    footer:
      `Each shaded window is tested with parameters chosen on the 8 years before it. ${PAST_RESULTS} ` +
      `${NOT_ADVICE}`,
  };
}

/** "1998–99", "2024–26": the years a test window covers. */
function windowYears(from: string, to: string): string {
  const [a, b] = [from.slice(0, 4), to.slice(0, 4)];
  return a === b ? a : `${a}–${b.slice(2)}`;
}

/** "Out-of-sample return on risk 1998–2026 of …; drawdown panel; 14 test windows shaded". */
export function walkForwardDescription(input: EquityChartInput): string {
  const dates = input.series.flatMap((one) => one.points.map((p) => p.date)).sort();
  const years = dates.length ? ` ${dates[0]!.slice(0, 4)}–${dates.at(-1)!.slice(0, 4)}` : '';
  const windows = input.periods?.length ?? 0;
  return [
    `Out-of-sample cumulative return on risk (× max loss)${years} of ` +
      `${input.series.map((one) => one.label).join(', ')}`,
    ...(input.drawdown !== false ? ['drawdown panel'] : []),
    ...(windows ? [`${windows} test window${windows === 1 ? '' : 's'} shaded`] : []),
  ].join('; ');
}

async function walkForwardChart(result: WalkForwardResult, context: CommandContext): Promise<ReplyAttachment | null> {
  try {
    const input = walkForwardChartInput(result);
    const data = await context.charts.equity(input);
    return {
      filename: 'backtest-walk-forward.png',
      contentType: 'image/png',
      data,
      description: walkForwardDescription(input),
    };
  } catch (error) {
    context.logger.warn({ error: (error as Error)?.message }, 'walk-forward chart failed');
    return null;
  }
}

/** The walk-forward reply: the claim, the recommendation, the out-of-sample table, the chart, the method. */
export function buildWalkForwardReply(
  result: WalkForwardResult,
  notes: readonly string[],
  chart: ReplyAttachment | null,
): Reply {
  const delta = result.policies.find((p) => p.policy === 'delta');
  const cps = result.policies.filter((p) => p.policy === 'cp' || p.policy.startsWith('cp-'));
  const beat = delta
    ? cps.filter((p) => (p.outOfSample.sortino ?? -Infinity) > (delta.outOfSample.sortino ?? -Infinity))
    : [];
  const beaters = beat.length ? `${beat.map((p) => p.policy).join(', ')} beat` : 'no cp policy beats';
  return {
    title: `Walk-forward backtest SPX ${result.from} → ${result.to}: ${result.policies.length} policies, out of sample`,
    visibility: 'caller',
    tone: 'neutral',
    lines: [
      `Claim under test: "${CLAIM_UNDER_TEST}".`,
      `Out of sample, with costs: ${beaters} the static 50-delta rule on Sortino.`,
      recommendationLine(result),
    ],
    table: walkForwardTable(result),
    footer: [
      walkForwardMethodLine(result),
      ...notes.slice(0, MAX_NOTES),
      ...(chart ? [] : ['The chart could not be drawn here.']),
      'Black-Scholes on VIX, no real option quotes: see docs/evidence.md for the caveats.',
      PAST_RESULTS,
      NOT_ADVICE,
    ],
    ...(chart ? { attachments: [chart] } : {}),
    data: {
      recommendedPolicy: result.recommendedPolicy,
      criterion: result.criterion,
      policies: result.policies.map(({ curve: _curve, ...figures }) => figures),
    },
  };
}
