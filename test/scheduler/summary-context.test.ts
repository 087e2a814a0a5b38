// Market context in the channel summary and /market: the day after FOMC, CPI or PPI said beside the
// threshold, and SPX RSI(14) / MACD(12, 26, 9) from the daily closes with their date. The closes are
// a ramp (+1 a day), whose indicators are known by hand: RSI 100 (no losses), MACD 7 = (26 − 12) / 2.
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/context.ts';
import { runLine } from '../../src/app/context.ts';
import type { DailyClose, MarketPort } from '../../src/app/ports.ts';
import { gatherChannel, marketForSummaries } from '../../src/scheduler/gather.ts';
import { previousTradingDay } from '../../src/market/calendar.ts';
import { ALICE } from '../support/app.ts';
import { fixedMarket, ny, vixHistory, type FixedMarketValues } from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';

const CALM: FixedMarketValues = {
  spx: 6000,
  spxPrevious: 5990,
  vix: 12.5,
  vixPrevious: 12.8,
  vix3m: 13.4,
  history: vixHistory(12, 24, 12.8),
};

/** `count` trading-day closes before `date`, rising by 1 point a day. */
function ramp(date: string, count: number): DailyClose[] {
  const closes: DailyClose[] = [];
  let day = previousTradingDay(date);
  for (let i = 0; i < count; i++) {
    closes.unshift({ date: day, close: 5999 - i });
    day = previousTradingDay(day);
  }
  return closes;
}

function depsOn(date: string, closes: DailyClose[] | undefined): AppDeps {
  const t = schedulerApp(ny(date, '09:45'));
  const fixed = fixedMarket(CALM, t.clock);
  const market: MarketPort = {
    snapshot: async (options) => ({ ...(await fixed.snapshot(options)), ...(closes ? { spxCloses: closes } : {}) }),
  };
  return { ...t.deps, market };
}

async function summaryLines(date: string, closes?: DailyClose[]): Promise<string[]> {
  const deps = depsOn(date, closes);
  const view = await marketForSummaries(deps);
  return (await gatherChannel(deps, null, view, 'morning', false)).reply.lines!;
}

const regimeLine = (lines: string[]) => lines.find((l) => l.startsWith('Regime '))!;

describe('the day after a release, beside the threshold', () => {
  it('the day after the FOMC of 2026-12-09, and after the CPI of 2026-12-10', async () => {
    expect(regimeLine(await summaryLines('2026-12-10'))).toMatch(
      /Threshold T \d+\.\d%\. Day after FOMC \(2026-12-09\): breaches of T deserve extra attention\.$/,
    );
    expect(regimeLine(await summaryLines('2026-12-11'))).toMatch(/\. Day after CPI \(2026-12-10\): breaches/);
  });

  it('says nothing on other days (the FOMC day itself, a plain Monday)', async () => {
    for (const date of ['2026-12-09', '2026-11-23'])
      expect(regimeLine(await summaryLines(date))).not.toMatch(/Day after/);
  });

  it('/market says it in the threshold field', async () => {
    const deps = depsOn('2026-12-10', undefined);
    const { reply } = await runLine(deps, ALICE.console, '/market');
    const field = reply.fields!.find((f) => f.label === 'Threshold T')!;
    expect(field.value).toMatch(/^\d+\.\d% · Day after FOMC \(2026-12-09\): breaches of T deserve extra attention\.$/);
  });
});

describe('SPX RSI and MACD from the daily closes', () => {
  it('the summary reads them beside the regime, dated by the last close', async () => {
    const closes = ramp('2026-11-23', 60);
    const lines = await summaryLines('2026-11-23', closes);
    expect(closes.at(-1)!.date).toBe('2026-11-20');
    expect(lines[2]).toBe('SPX RSI(14) 100.0 · MACD(12,26,9) 7.0, signal 7.0 (closes to 2026-11-20).');
  });

  it('the summary leaves the line out when no closes are kept', async () => {
    expect((await summaryLines('2026-11-23')).some((l) => l.includes('RSI'))).toBe(false);
  });

  it('/market shows them, says when too few closes are kept, and gives the numbers in data', async () => {
    const { reply } = await runLine(depsOn('2026-11-23', ramp('2026-11-23', 60)), ALICE.console, '/market');
    expect(reply.lines).toContain('SPX RSI(14) 100.0 · MACD(12,26,9) 7.0, signal 7.0 (closes to 2026-11-20).');
    const data = reply.data as { indicators: { asOf: string; rsi: { value: number }; macd: { macd: number } } };
    expect(data.indicators.asOf).toBe('2026-11-20');
    expect(data.indicators.macd.macd).toBeCloseTo(7, 9);

    const few = await runLine(depsOn('2026-11-23', ramp('2026-11-23', 20)), ALICE.console, '/market');
    expect(few.reply.lines).toContain('SPX RSI(14) 100.0 · MACD unknown (34 closes needed) (closes to 2026-11-20).');
    const none = await runLine(depsOn('2026-11-23', undefined), ALICE.console, '/market');
    expect(none.reply.lines).toContain('SPX RSI and MACD unknown: no SPX daily closes kept yet.');
  });
});
