// `npm run cli -- backtest [--from] [--to] [--policy cp|delta|hold|all] [--spx FILE]... [--vix FILE]
// [--json] [--dte] [--delta] [--wings] ...`: replays the policies over SPX and VIX history and prints
// the table, the claim under test beside what the data says, and the data quirks handled.
// Exit codes: 0 done, 2 bad usage or no history (one line on stderr), 1 a fault.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { backtestChartInput, walkForwardChartInput } from '../app/backtest-service.ts';
import type { Logger } from '../app/ports.ts';
import { NOT_ADVICE } from '../app/reply.ts';
import type { Config } from '../config.ts';
import {
  BACKTEST_POLICIES,
  BacktestInputError,
  CLASSIC_POLICIES,
  prepareHistory,
  recommendationLine,
  walkForward,
  walkForwardMethodLine,
  walkForwardTable,
  type WalkForwardResult,
  methodLine,
  PAST_RESULTS,
  CLAIM_UNDER_TEST,
  readClaim,
  resultTable,
  runBacktests,
  type BacktestParams,
  type BacktestPolicy,
  type BacktestResult,
} from '../engine/backtest/index.ts';
import { isIsoDate } from '../engine/dates.ts';
import { loadHistory } from '../market/history-files.ts';
import { tableLines } from '../render/table.ts';

export const BACKTEST_USAGE = `Usage: npm run cli -- backtest [options]
  --from YYYY-MM-DD        first day (default: the start of the history)
  --to YYYY-MM-DD          last day (default: the end of the history)
  --policy all|NAME        all (cp, delta, hold) or one of ${BACKTEST_POLICIES.join(', ')}
  --spx FILE               SPX closes (repeatable: files are merged, FRED preferred where they overlap)
  --vix FILE               VIX closes (also --vix3m FILE, --vvix FILE)
  --data-dir DIR           where \`data sync\` put the history (default MARKET_DATA_DIR)
  --dte N                  target days to expiry (default 45)
  --delta X                short strike |delta| (default 0.16)
  --wings N                wing width in points near SPX 5,000, scaled to spot (default 50)
  --profit-target X|off    (default 0.5)     --stop-loss X   (default 2: loss of 2 × credit)
  --delta-trigger X        the static rule's roll trigger (default 0.50)
  --skew B                 skew slope β of the VIX proxy (default SKEW_BETA)
  --commission D           dollars per contract per leg (default 1.00)
  --slippage P             points per leg (default 0.05)
  --expiries daily|weekly  which trading days count as expiries (default daily)
  --chart FILE.png         also draw the equity curves
  --walk-forward           choose each policy's parameters on 8 years, test on the next 2, rolling;
                           every policy; the out-of-sample table and the recommended policy
  --json                   the full result as JSON (with --walk-forward: recommendedPolicy)`;

export interface BacktestCliDeps {
  config: Pick<Config, 'MARKET_DATA_DIR' | 'RISK_FREE_RATE' | 'DIVIDEND_YIELD' | 'SKEW_BETA'>;
  logger: Logger;
  out: { write(text: string): unknown };
  /** Where the one-line refusals go (default stderr). */
  err?: { write(text: string): unknown };
  /** Elapsed-time source for the "took" line (default performance.now). */
  now?: () => number;
}

class CliUsageError extends Error {}

function numberOption(
  name: string,
  text: string | undefined,
  low: number,
  high: number,
  integer = false,
): number | undefined {
  if (text === undefined) return undefined;
  const value = /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < low || value > high || (integer && !Number.isInteger(value))) {
    throw new CliUsageError(
      `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${low} to ${high}; got ${text} (e.g. ` +
        `--${name} ${integer ? Math.round((low + high) / 2) : low})`,
    );
  }
  return value;
}

function dateOption(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!isIsoDate(text))
    throw new CliUsageError(`--${name} must be a date YYYY-MM-DD; got ${text} (e.g. --${name} 2008-01-02)`);
  return text;
}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      policy: { type: 'string' },
      spx: { type: 'string', multiple: true },
      vix: { type: 'string' },
      vix3m: { type: 'string' },
      vvix: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      dte: { type: 'string' },
      delta: { type: 'string' },
      wings: { type: 'string' },
      'profit-target': { type: 'string' },
      'stop-loss': { type: 'string' },
      'delta-trigger': { type: 'string' },
      skew: { type: 'string' },
      commission: { type: 'string' },
      slippage: { type: 'string' },
      expiries: { type: 'string' },
      chart: { type: 'string' },
      'walk-forward': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length)
    throw new CliUsageError(`backtest takes options only; got ${positionals.join(' ')} (see --help)`);
  const policy = values.policy ?? 'all';
  if (policy !== 'all' && !(BACKTEST_POLICIES as readonly string[]).includes(policy))
    throw new CliUsageError(
      `--policy must be all or one of ${BACKTEST_POLICIES.join(', ')}; got ${policy} (e.g. --policy cp)`,
    );
  const expiries = values.expiries ?? 'daily';
  if (expiries !== 'daily' && expiries !== 'weekly' && expiries !== 'monthly')
    throw new CliUsageError(`--expiries must be daily, weekly or monthly; got ${expiries}`);
  const from = dateOption('from', values.from);
  const to = dateOption('to', values.to);
  if (from && to && from >= to) throw new CliUsageError(`--from ${from} must be before --to ${to}`);
  const profitText = values['profit-target'];
  const params: Partial<BacktestParams> = {
    from,
    to,
    expiryRule: expiries,
    targetDte: numberOption('dte', values.dte, 1, 365, true),
    targetDelta: numberOption('delta', values.delta, 0.01, 0.49),
    wingWidth: numberOption('wings', values.wings, 1, 1000) ?? null,
    profitTarget:
      profitText === 'off' || profitText === 'none' ? null : numberOption('profit-target', profitText, 0.01, 1),
    stopLoss: numberOption('stop-loss', values['stop-loss'], 0.1, 100),
    deltaTrigger: numberOption('delta-trigger', values['delta-trigger'], 0.05, 1),
    skewBeta: numberOption('skew', values.skew, 0, 5),
    commissionPerContract: numberOption('commission', values.commission, 0, 100),
    slippagePerLeg: numberOption('slippage', values.slippage, 0, 10),
  };
  return { values, policy: policy as BacktestPolicy | 'all', params };
}

/** The text report: table, claim and reading, method, data notes, footers. */
export function formatReport(result: BacktestResult, notes: readonly string[], seconds: number | null): string {
  const lines: string[] = [];
  lines.push(
    `Backtest ${result.params.underlying} ${result.from} → ${result.to} (${result.days.toLocaleString('en-US')} ` +
      `trading days)`,
    '',
  );
  lines.push(...tableLines(resultTable(result.policies)), '');
  lines.push(`Claim under test: "${CLAIM_UNDER_TEST}".`);
  const claim = readClaim(result);
  if (claim) {
    const difference = claim.differencePoints;
    lines.push(
      `Measured: cp − delta win rate = ${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(1)} points (± ` +
        `${(2 * claim.standardErrorPoints).toFixed(1)} at two standard errors).`,
    );
    lines.push(`Verdict: ${claim.sentence}`);
  } else {
    lines.push('Measured: not in this run (it needs cp and delta: --policy all).');
  }
  lines.push('', `Method: ${methodLine(result)}`);
  if (notes.length) lines.push('Data:', ...notes.map((note) => `  - ${note}`));
  if (seconds !== null) lines.push(`Ran in ${seconds.toFixed(2)} s.`);
  lines.push('', PAST_RESULTS, NOT_ADVICE);
  return `${lines.join('\n')}\n`;
}

/** The walk-forward report: the out-of-sample table, the recommendation, the claim, the method. */
export function formatWalkForward(result: WalkForwardResult, notes: readonly string[], seconds: number | null): string {
  const lines = [
    `Walk-forward backtest ${result.from} → ${result.to}: out-of-sample figures, in-sample beside them`,
    '',
    ...tableLines(walkForwardTable(result)),
    '',
    recommendationLine(result),
    `Claim under test: "${CLAIM_UNDER_TEST}".`,
    ...cpAgainstDelta(result),
    '',
    `Method: ${walkForwardMethodLine(result)}`,
  ];
  if (notes.length) lines.push('Data:', ...notes.map((note) => `  - ${note}`));
  if (seconds !== null) lines.push(`Ran in ${seconds.toFixed(2)} s.`);
  lines.push('', PAST_RESULTS, NOT_ADVICE);
  return `${lines.join('\n')}\n`;
}

/** Whether any cp policy beats the static 50-delta rule out of sample, on win rate and on Sortino. */
export function cpAgainstDelta(result: WalkForwardResult): string[] {
  const delta = result.policies.find((p) => p.policy === 'delta');
  if (!delta) return [];
  const cps = result.policies.filter((p) => p.policy === 'cp' || p.policy.startsWith('cp-'));
  const beatWin = cps.filter((p) => p.outOfSample.winRate > delta.outOfSample.winRate).map((p) => p.policy);
  const beatSortino = cps
    .filter((p) => (p.outOfSample.sortino ?? -Infinity) > (delta.outOfSample.sortino ?? -Infinity))
    .map((p) => p.policy);
  return [
    `Out of sample, with costs, cp policies beating the static 50-delta rule on win rate: ` +
      `${beatWin.join(', ') || 'none'}; on Sortino: ${beatSortino.join(', ') || 'none'}.`,
  ];
}

export async function backtestCli(args: string[], deps: BacktestCliDeps): Promise<number> {
  const err = deps.err ?? process.stderr;
  const now = deps.now ?? (() => performance.now());
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      err.write(`${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const { values, policy, params } = parsed;
  if (values.help) {
    deps.out.write(`${BACKTEST_USAGE}\n`);
    return 0;
  }
  const loaded = await loadHistory({
    dataDir: values['data-dir'] ?? deps.config.MARKET_DATA_DIR,
    ...(values.spx ? { spx: values.spx } : {}),
    ...(values.vix ? { vix: values.vix } : {}),
    ...(values.vix3m ? { vix3m: values.vix3m } : {}),
    ...(values.vvix ? { vvix: values.vvix } : {}),
  });
  if (!loaded.ok) {
    err.write(`${loaded.error}\n`);
    return 2;
  }
  const policies: BacktestPolicy[] = policy === 'all' ? [...CLASSIC_POLICIES] : [policy];
  const started = now();
  if (values['walk-forward']) {
    let wf: WalkForwardResult;
    try {
      wf = walkForward(prepareHistory(loaded.value.days), {
        params: {
          rate: deps.config.RISK_FREE_RATE,
          dividendYield: deps.config.DIVIDEND_YIELD,
          skewBeta: deps.config.SKEW_BETA,
          ...params,
          from: undefined,
          to: undefined,
        },
        ...(policy === 'all' ? {} : { policies }),
      });
    } catch (error) {
      if (error instanceof BacktestInputError) {
        err.write(`${error.message}\n`);
        return 2;
      }
      throw error;
    }
    const seconds = (now() - started) / 1000;
    if (values.chart) {
      const { equityCurvePng } = await import('../render/charts.ts');
      const png = await equityCurvePng(walkForwardChartInput(wf));
      await writeFile(values.chart, png);
    }
    if (values.json) {
      const report = {
        recommendedPolicy: wf.recommendedPolicy,
        criterion: wf.criterion,
        claimUnderTest: CLAIM_UNDER_TEST,
        walkForward: wf,
        data: { notes: loaded.value.notes, sources: loaded.value.sources },
        footer: [PAST_RESULTS, NOT_ADVICE],
      };
      deps.out.write(`${JSON.stringify(report)}\n`);
    } else {
      deps.out.write(formatWalkForward(wf, loaded.value.notes, seconds));
      if (values.chart) deps.out.write(`Chart: ${values.chart}\n`);
    }
    return 0;
  }
  let result: BacktestResult;
  try {
    result = runBacktests({
      days: loaded.value.days,
      policies,
      params: {
        rate: deps.config.RISK_FREE_RATE,
        dividendYield: deps.config.DIVIDEND_YIELD,
        skewBeta: deps.config.SKEW_BETA,
        ...params,
      },
    });
  } catch (error) {
    if (error instanceof BacktestInputError) {
      err.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const seconds = (now() - started) / 1000;
  deps.logger.debug({ seconds, days: result.days, policies }, 'backtest done');
  if (values.chart) {
    const { equityCurvePng } = await import('../render/charts.ts');
    const png = await equityCurvePng(backtestChartInput(result));
    await writeFile(values.chart, png);
  }
  if (values.json) {
    const claim = readClaim(result);
    const data = { notes: loaded.value.notes, report: loaded.value.report, sources: loaded.value.sources };
    const report = { claimUnderTest: CLAIM_UNDER_TEST, claim, result, data, footer: [PAST_RESULTS, NOT_ADVICE] };
    deps.out.write(`${JSON.stringify(report)}\n`);
  } else {
    deps.out.write(formatReport(result, loaded.value.notes, seconds));
    if (values.chart) deps.out.write(`Equity chart: ${values.chart}\n`);
  }
  return 0;
}
