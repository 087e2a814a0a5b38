// /market, and the commands whose service is not in this setup (/backtest, /signal).
import { describe, expect, it } from 'vitest';
import type { BacktestRequest } from '../../src/app/services.ts';
import { demoClose } from '../../src/market/demo.ts';
import { ALICE, dataOf, errorLine, fixedClock, inDiscordChannel, makeApp, replyText, TODAY } from '../support/app.ts';

describe('/market', () => {
  it("shows the demo market's SPX, VIX, percentile, regime, term structure and threshold, to the channel", async () => {
    const t = makeApp();
    const reply = await t.run('/market', inDiscordChannel(ALICE.discord, false));
    const { snapshot, regime, events } = dataOf(reply, 'market', 'snapshot');
    const close = demoClose(TODAY);
    expect(reply.visibility).toBe('channel');
    expect(reply.title).toBe(`Market · ${TODAY}`);
    expect(snapshot.spot).toMatchObject({ value: close.spx, source: 'demo' });
    expect(snapshot.vix).toMatchObject({ value: close.vix, source: 'demo' });
    expect(snapshot.demo).toBe(true);
    expect(snapshot.vixHistory.length).toBeGreaterThanOrEqual(252);
    expect(regime.percentile).toBeGreaterThanOrEqual(0);
    expect(regime.percentile).toBeLessThanOrEqual(100);
    expect(regime.threshold).toBeGreaterThanOrEqual(0.15);
    expect(regime.threshold).toBeLessThanOrEqual(0.2);
    expect(regime.termStructure).toBe('contango');
    expect(events).toEqual([]);
    const field = (label: string) => reply.fields?.find((f) => f.label === label)?.value;
    expect(field('SPX')).toMatch(/^5,997\.75 \([+-]\d+\.\d\d%\)$/);
    expect(field('VIX')).toMatch(/^15\.49/);
    expect(field('Regime')).toBe(regime.regime);
    expect(field('Threshold T')).toBe(`${(regime.threshold * 100).toFixed(1)}%`);
    expect(field('Next 3 trading days')).toBe('no FOMC, CPI or PPI');
    expect(reply.footer).toEqual([
      'DEMO DATA: synthetic market, not real prices.',
      'Data: demo, as of under a minute ago.',
      'Educational tool, not investment advice.',
    ]);
  });

  it('lists the FOMC and CPI in the next three trading days (today included)', async () => {
    const t = makeApp({ clock: fixedClock(Date.UTC(2026, 11, 8, 15)) });
    const reply = await t.run('/market');
    const events = dataOf(reply, 'market', 'snapshot').events;
    expect(events.map((e) => [e.date, e.kind])).toEqual([
      ['2026-12-09', 'FOMC'],
      ['2026-12-10', 'CPI'],
    ]);
    expect(reply.fields?.find((f) => f.label === 'Next 3 trading days')?.value).toContain('2026-12-09 FOMC');
  });

  it("on a holiday shows the last trading day's close", async () => {
    const t = makeApp({ clock: fixedClock(Date.UTC(2026, 10, 26, 15)) });
    const { snapshot } = dataOf(await t.run('/market'), 'market', 'snapshot');
    expect(snapshot.spot.value).toBe(demoClose('2026-11-25').spx);
  });

  it("the threshold follows the caller's own band", async () => {
    const t = makeApp();
    await t.run('/settings thresholds=30-40');
    const mine = dataOf(await t.run('/market'), 'market', 'snapshot').regime.threshold;
    expect(mine).toBeGreaterThanOrEqual(0.3);
    expect(mine).toBeLessThanOrEqual(0.4);
  });
});

describe('commands whose service is missing answer "not available"', () => {
  it('/backtest', async () => {
    const t = makeApp({ services: {} });
    const before = t.rowCounts();
    const reply = await t.run('/backtest from=2008-01-02 to=2012-12-31 policy=all');
    expect(reply.error).toEqual({ kind: 'user', identifier: 'unavailable' });
    expect(errorLine(reply)).toMatch(/^This bot has no SPX\/VIX history loaded yet.*the operator can load it\.$/);
    expect(errorLine(reply)).not.toMatch(/npm|--spx|FILE/);
    expect(t.rowCounts().positions).toBe(before.positions);
  });

  it('/signal', async () => {
    const t = makeApp({ services: {} });
    const reply = await t.run('/signal');
    expect(reply.error).toEqual({ kind: 'user', identifier: 'unavailable' });
    expect(errorLine(reply)).toBe('Daily summaries are not available in this setup.');
  });

  it("/signal with the summary service buildApp wires in: today's channel summary on demand", async () => {
    const t = makeApp();
    const reply = await t.run('/signal', inDiscordChannel(ALICE.discord, false));
    expect(reply.error).toBeUndefined();
    expect(reply.visibility).toBe('channel');
    expect(reply.title).toBe(`Daily signal · ${TODAY}`);
    expect(replyText(reply)).toContain('SPX 5,997.75');
    expect(reply.footer).toContain('DEMO DATA: synthetic market, not real prices.');
  });

  it('with services injected, /backtest passes the parsed request and /signal the summary', async () => {
    const requests: BacktestRequest[] = [];
    const t = makeApp({
      services: {
        backtests: { run: async (request) => (requests.push(request), { title: 'Backtest', visibility: 'caller' }) },
        summaries: {
          channelSummary: async (context) => ({
            title: `Summary for ${context.caller.displayName}`,
            visibility: 'channel',
          }),
        },
      },
    });
    expect((await t.run('/backtest from=2008-01-02 to=2012-12-31 dte=30 delta=0.1 wings=25')).title).toBe('Backtest');
    expect((await t.run('/backtest')).title).toBe('Backtest');
    expect(requests).toEqual([
      // A range: that one comparison. Nothing: the walk-forward evidence that chose the default.
      { from: '2008-01-02', to: '2012-12-31', policy: 'all', walkForward: false, dte: 30, delta: 0.1, wings: 25 },
      {
        from: undefined,
        to: undefined,
        policy: 'all',
        walkForward: true,
        dte: undefined,
        delta: undefined,
        wings: undefined,
      },
    ]);
    expect((await t.run('/signal')).title).toBe('Summary for Alice');
    const reversed = await t.run('/backtest from=2012-01-03 to=2008-01-02');
    expect(errorLine(reversed)).toBe(
      'Option from 2012-01-03 must be before to 2008-01-02; e.g. from=2000-01-03 to=2010-12-31.',
    );
    expect(requests).toHaveLength(2);
  });
});
