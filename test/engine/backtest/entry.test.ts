// The backtest's fast entry (a bisection over the strike grid) must find modelCondor's condor:
// the same strikes, the same credit, the same entry snapshot as createEntrySnapshot stores.
import { describe, expect, it } from 'vitest';
import {
  condorMark,
  createEntrySnapshot,
  dates,
  modelCondor,
  UNDERLYINGS,
  vixProxy,
  type Condor,
  type MarketState,
} from '../../../src/engine/index.ts';
import { modelEntry, wingWidthFor } from '../../../src/engine/backtest/index.ts';
import { condorMark4, entrySnapshotOf } from '../../../src/engine/backtest/entry.ts';
import { TRADING_DAYS_PER_YEAR, type ValuationClock } from '../../../src/engine/clock.ts';
import { R, Q } from './paths.ts';

const legs = (v: { longPut: number; shortPut: number; shortCall: number; longCall: number }) =>
  [v.longPut, v.shortPut, v.shortCall, v.longCall] as const;

const DAY = 86_400_000;

function both(spot: number, vix: number, dte: number, targetDelta: number, skewBeta: number) {
  const underlying = UNDERLYINGS.SPX;
  const market: MarketState = {
    spot,
    rate: R,
    dividendYield: Q,
    vol: vixProxy(vix, skewBeta),
    valuationMs: 0,
    valuationDate: '1970-01-01',
  };
  const expiry = dates.fromDayNumber(dte);
  const years = dte / 365;
  // Two different clocks, so a mix-up of variance and discount time shows: five sessions a week.
  const varianceYears = Math.round((dte * 5) / 7) / TRADING_DAYS_PER_YEAR;
  const clock: ValuationClock = {
    varianceYears,
    discountYears: years,
    sessions: varianceYears * TRADING_DAYS_PER_YEAR,
    settlementMs: dte * DAY,
    nextTradingDay: { varianceYears, discountYears: years },
  };
  const wingWidth = wingWidthFor(underlying, null, spot);
  const model = modelCondor({ underlying, market, expiry, settlementMs: dte * DAY, clock, targetDelta, wingWidth });
  const fast = modelEntry(
    { spot, atmVol: vix / 100, skewBeta, rate: R, dividendYield: Q, years, varianceYears },
    underlying,
    targetDelta,
    wingWidth,
  );
  return { model, fast, market, expiry, years, varianceYears, clock };
}

describe('modelEntry finds modelCondor’s condor', () => {
  const cases: [number, number, number, number, number][] = [];
  for (const spot of [295.46, 1234.5, 2873.2, 4999.99, 6800])
    for (const vix of [9.14, 16, 35, 82.69])
      for (const dte of [7, 30, 45, 60])
        for (const [delta, beta] of [
          [0.16, 0],
          [0.1, 0],
          [0.3, 0],
          [0.16, 0.5],
          [0.16, 1.5],
        ] as const)
          cases.push([spot, vix, dte, delta, beta]);

  it(`same strikes and credit over ${cases.length} markets (spot, VIX, DTE, |delta|, skew β)`, () => {
    for (const [spot, vix, dte, delta, beta] of cases) {
      const { model, fast } = both(spot, vix, dte, delta, beta);
      const label = `spot ${spot} vix ${vix} dte ${dte} delta ${delta} beta ${beta}`;
      expect(fast, label).not.toBeNull();
      const s = model.condor.strikes;
      expect(fast!.strikes, label).toEqual([s.longPut, s.shortPut, s.shortCall, s.longCall]);
      expect(Math.abs(fast!.modelCredit - model.condor.credit), label).toBeLessThan(
        1e-12 * Math.max(1, model.condor.credit),
      );
    }
  });

  it('stores the entry snapshot createEntrySnapshot would', () => {
    for (const [spot, vix, dte, beta] of [
      [5000, 16, 45, 0],
      [350, 25, 44, 0.8],
      [2100, 40, 30, 0],
    ] as const) {
      const { fast, market, expiry, years, varianceYears, clock } = both(spot, vix, dte, 0.16, beta);
      const credit = fast!.modelCredit - 0.2;
      const [longPut, shortPut, shortCall, longCall] = fast!.strikes;
      const condor: Condor = {
        underlying: UNDERLYINGS.SPX,
        strikes: { longPut, shortPut, shortCall, longCall },
        expiry,
        quantity: 1,
        credit,
      };
      const want = createEntrySnapshot({ condor, market, settlementMs: dte * DAY, clock, vix });
      const got = entrySnapshotOf(
        '1970-01-01',
        0,
        { spot, atmVol: vix / 100, skewBeta: beta, rate: R, dividendYield: Q, years, varianceYears },
        fast!.strikes,
        fast!.legVols,
        fast!.forward,
        fast!.modelCredit,
        credit,
        vix,
      );
      for (const key of Object.keys(want) as (keyof typeof want)[]) {
        const a = want[key];
        const b = got[key];
        if (typeof a === 'number') expect(b as number, key).toBeCloseTo(a, 9);
        else if (key === 'legVols')
          for (const role of Object.keys(a as object))
            expect((b as Record<string, number>)[role], role).toBeCloseTo((a as Record<string, number>)[role]!, 12);
        else expect(b, key).toEqual(a);
      }
    }
  });

  it('marks a condor to the bit as condorMark does (optionPrice per leg)', () => {
    for (const spot of [300, 2500, 4980.5, 6100])
      for (const vol of [0.09, 0.2, 0.8])
        for (const [years, varianceYears] of [
          [1 / 365, 1 / 252],
          [3 / 365, 1 / 252],
          [45 / 365, 31 / 252],
          [0, 0],
        ]) {
          const k = [0.9, 0.95, 1.04, 1.09].map((f) => Math.round((spot * f) / 5) * 5) as [
            number,
            number,
            number,
            number,
          ];
          const strikes = { longPut: k[0], shortPut: k[1], shortCall: k[2], longCall: k[3] };
          const vols = { longPut: vol * 1.1, shortPut: vol, shortCall: vol * 0.95, longCall: vol * 0.9 };
          const mark = condorMark4(...k, spot, years!, ...legs(vols), R, Q, varianceYears!);
          expect(mark).toBe(
            condorMark(strikes, spot, { varianceYears: varianceYears!, discountYears: years! }, vols, R, Q),
          );
        }
  });

  it('scales the wings with spot far from 5,000 and keeps 50 points near it', () => {
    expect(wingWidthFor(UNDERLYINGS.SPX, null, 5000)).toBe(50);
    expect(wingWidthFor(UNDERLYINGS.SPX, null, 350)).toBe(5);
    expect(wingWidthFor(UNDERLYINGS.SPX, null, 1500)).toBe(15);
    expect(wingWidthFor(UNDERLYINGS.SPX, 100, 5000)).toBe(100);
    expect(wingWidthFor(UNDERLYINGS.SPX, 100, 1500)).toBe(30);
  });
});
