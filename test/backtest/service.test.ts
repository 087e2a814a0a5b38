// The /backtest chat service: a Reply with the table, the equity chart, the claim beside the
// result and both footers; progress for long runs; one clear line when there is no history.
import { describe, expect, it } from 'vitest';
import { createBacktestService } from '../../src/app/backtest-service.ts';
import type { CommandContext } from '../../src/app/command.ts';
import { UserError } from '../../src/app/errors.ts';
import type { EquityChartInput } from '../../src/app/ports.ts';
import { walkForwardWindows } from '../../src/engine/backtest/index.ts';
import { POLICY_NAMES } from '../../src/engine/policies/index.ts';
import { lcg, path } from '../engine/backtest/paths.ts';

function market(count: number, start = '2019-01-07') {
  const random = lcg(5);
  let spx = 3000;
  let vix = 18;
  return path(
    start,
    () => (spx = Math.round(spx * (1 + (random() - 0.5) * 0.03) * 100) / 100),
    () => (vix = Math.round(Math.min(60, Math.max(10, vix * (1 + (random() - 0.5) * 0.15))) * 100) / 100),
    count,
  );
}

function fakeContext(options: { step?: number; chartFails?: boolean } = {}) {
  let now = 0;
  const progress: string[] = [];
  const charts: EquityChartInput[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child() {
      return logger;
    },
  };
  const context = {
    clock: { now: () => (now += options.step ?? 0) },
    logger,
    defaults: {
      rate: 0.04,
      dividendYield: 0.013,
      skewBeta: 0,
      underlying: 'SPX',
      summaryTime: '09:45',
      summaryTimeZone: 'America/New_York',
    },
    charts: {
      payoff: async () => Buffer.from(''),
      equity: async (input: EquityChartInput) => {
        if (options.chartFails) throw new Error('no canvas');
        charts.push(input);
        return Buffer.from('PNG');
      },
    },
    progress: async (text: string) => {
      progress.push(text);
    },
  } as unknown as CommandContext;
  return { context, progress, charts };
}

describe('the backtest service', () => {
  const days = market(400);

  it('answers with the table of the three policies, the chart, the claim and the footers', async () => {
    const service = createBacktestService({
      loadHistory: async () => ({ days, notes: ['400 trading days, 2019-01-07 to 2020-07-17.'] }),
    });
    const { context, progress, charts } = fakeContext();
    const reply = await service.run({ policy: 'all' }, context);
    expect(reply.title).toBe('Backtest SPX 2019-01-07 → 2020-07-17: cp vs delta vs hold');
    expect(reply.table!.rows.map((row) => row[0])).toEqual(['cp (invariant)', 'delta (static 50Δ)', 'hold']);
    expect(reply.lines![0]).toBe(
      'Claim under test: "constant-product rebalancing improves win rate by about 8–12 points ' +
        'over a static 50-delta rule".',
    );
    expect(reply.lines![1]).toMatch(/^Measured: cp − delta win rate = [+−]\d+\.\d points/);
    expect(reply.attachments![0]).toMatchObject({ filename: 'backtest-equity.png', contentType: 'image/png' });
    expect(charts[0]!.series.map((s) => s.label)).toEqual(['cp (invariant)', 'delta (static 50Δ)', 'hold']);
    expect(charts[0]!.series[0]!.points).toHaveLength(400);
    expect(reply.footer).toContain('400 trading days, 2019-01-07 to 2020-07-17.');
    expect(reply.footer!.slice(-2)).toEqual([
      'Past results do not predict future ones.',
      'Educational tool, not investment advice.',
    ]);
    expect(progress).toEqual([]); // a quick run says nothing in between
    const data = reply.data as { policies: Record<string, unknown>[] };
    expect(Object.keys(data.policies[0]!)).not.toContain('equity');
  });

  it('passes the options through (dates, DTE, short delta, wings) and the operator defaults', async () => {
    const service = createBacktestService({ loadHistory: async () => days });
    const { context } = fakeContext();
    const reply = await service.run(
      { policy: 'delta', from: '2019-03-01', to: '2020-03-31', dte: 30, delta: 0.2, wings: 100 },
      context,
    );
    const data = reply.data as { from: string; to: string; params: Record<string, unknown> };
    expect([data.from, data.to]).toEqual(['2019-03-01', '2020-03-31']);
    expect(data.params).toMatchObject({
      targetDte: 30,
      targetDelta: 0.2,
      wingWidthAtReference: 100,
      rate: 0.04,
      dividendYield: 0.013,
    });
    expect(reply.table!.rows).toHaveLength(1);
    expect(reply.lines![1]).toBe('Measured: not in this run; it needs both cp and delta (policy=all).');
  });

  it('tells the user it is still working once a run takes more than a few seconds', async () => {
    const service = createBacktestService({ loadHistory: async () => days, progressAfterMs: 2000 });
    // Each clock reading moves 2.5 s: already past the limit when the history is read.
    const slow = fakeContext({ step: 2500 });
    await service.run({ policy: 'all' }, slow.context);
    expect(slow.progress).toEqual(['Read 400 days of SPX and VIX history; replaying the policies…']);
    // 1.5 s a reading: the first checkpoint past 2 s is after the first policy; one line only.
    const slower = fakeContext({ step: 1500 });
    await service.run({ policy: 'all' }, slower.context);
    expect(slower.progress).toEqual(['Replayed 1 of 3 policies…']);
  });

  it('without history: the trader reads it is missing and can ask for it; the how goes to the log', async () => {
    const { context } = fakeContext();
    const warned: unknown[] = [];
    context.logger.warn = (fields: unknown) => void warned.push(fields);
    const noDays = createBacktestService({ loadHistory: async () => [] }).run({ policy: 'all' }, context);
    await expect(noDays).rejects.toThrow(UserError);
    await expect(noDays).rejects.toThrow('This bot has no SPX/VIX history loaded yet');
    const note = 'No SPX history in ./data/market: run `npm run cli -- data sync` or pass --spx FILE --vix FILE.';
    const withNote = createBacktestService({ loadHistory: async () => ({ days: [], notes: [note] }) }).run(
      { policy: 'all' },
      context,
    );
    await expect(withNote).rejects.toThrow('the operator can load it');
    await withNote.catch((error: Error) => {
      expect(error.message).not.toMatch(/--spx|npm run|FILE|data\/market/);
    });
    expect(JSON.stringify(warned)).toContain('pass --spx FILE');
  });

  it('a range with no trading day is the user’s mistake, said in one line', async () => {
    const { context } = fakeContext();
    const run = createBacktestService({ loadHistory: async () => days }).run(
      { policy: 'all', from: '2030-01-02' },
      context,
    );
    await expect(run).rejects.toThrow(UserError);
    await expect(
      createBacktestService({ loadHistory: async () => days }).run({ policy: 'all', from: '2030-01-02' }, context),
    ).rejects.toThrow(/no trading day between 2030-01-02/);
  });

  it('still answers when the chart cannot be drawn', async () => {
    const { context } = fakeContext({ chartFails: true });
    const reply = await createBacktestService({ loadHistory: async () => days }).run({ policy: 'all' }, context);
    expect(reply.attachments).toBeUndefined();
    expect(reply.footer).toContain('The equity chart could not be drawn here.');
  });
});

describe('the walk-forward reply', () => {
  // 2010-01-04 to mid-2021: trains on 2010–17 and 2012–19, tests 2018–19 and 2020 on (two windows).
  const days = market(3000, '2010-01-04');

  it('plots out-of-sample return on risk with the drawdown panel, the test windows shaded, and says so', async () => {
    const service = createBacktestService({ loadHistory: async () => days });
    const { context, charts } = fakeContext();
    const reply = await service.run({ policy: 'all', walkForward: true }, context);
    const windows = walkForwardWindows(days[0]!.date, days.at(-1)!.date);
    expect(windows.length).toBe(2);
    const input = charts[0]!;
    expect(input.unit).toBe('risk');
    expect(input.drawdown).toBe(true);
    expect(input.periods!.map(({ from, to }) => ({ from, to }))).toEqual(
      windows.map((w) => ({ from: w.testFrom, to: w.testTo })),
    );
    expect(input.periods!.map((p) => p.label)).toEqual(['2018–19', `2020–${days.at(-1)!.date.slice(2, 4)}`]);
    // Only out-of-sample days are plotted: nothing before the first test window.
    const plotted = input.series.flatMap((s) => s.points.map((p) => p.date)).sort();
    expect(plotted[0]! >= windows[0]!.testFrom).toBe(true);
    expect(input.series.length).toBe(POLICY_NAMES.length);
    const attachment = reply.attachments![0]!;
    expect(attachment.filename).toBe('backtest-walk-forward.png');
    expect(attachment.description).toMatch(
      /^Out-of-sample cumulative return on risk \(× max loss\) 2018–2021 of .+; drawdown panel; 2 test windows shaded$/,
    );
  });
});
