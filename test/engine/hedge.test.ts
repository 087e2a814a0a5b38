// ALVH, the adaptive layered VIX hedge (ENGINE.md §7): layer triggers and budgets, sizing, the
// VIX future (quoted or estimated), strikes, vol-of-vol, and the VIX expiry calendar.
import { describe, expect, it } from 'vitest';
import {
  dates,
  estimateVixFuture,
  hedgeSummary,
  proposeHedge,
  vixExpiryForMonth,
  vixExpiryOnOrAfter,
  type HedgeInput,
} from '../../src/engine/index.ts';
import { HEDGE_REFERENCE } from './reference/references.ts';
import { relativeError } from './helpers.ts';

// NYSE full-day closures of 2024–2027 that fall on the dates the VIX rule can touch.
const HOLIDAYS = new Set([
  '2024-01-01',
  '2024-01-15',
  '2024-02-19',
  '2024-03-29',
  '2024-05-27',
  '2024-06-19',
  '2024-07-04',
  '2024-09-02',
  '2024-11-28',
  '2024-12-25',
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-04-03',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-03-26',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-11-25',
  '2027-12-24',
]);
const isHoliday = (date: string) => HOLIDAYS.has(date);

/** The HEDGE_REFERENCE set-up: VIX 22 on 2026-04-01, condor expiring 2026-05-15, max loss $3,580. */
function input(patch: Partial<HedgeInput> = {}): HedgeInput {
  return {
    premiumBreach: 0,
    threshold: 0.18,
    activeLayers: [],
    condorMaxLoss: 3580,
    condorExpiry: '2026-05-15',
    valuationDate: '2026-04-01',
    vix: 22,
    regime: 'elevated',
    rate: 0.04,
    isHoliday,
    ...patch,
  };
}

describe('layers', () => {
  it.each([
    [0.1799, []],
    [0.18, [1]], //       1T
    [0.3599, [1]],
    [0.36, [1, 2]], //    2T
    [0.54, [1, 2, 3]], // 3T
    [2, [1, 2, 3]], //    never more than maxLayers
  ])('b_x = %d with T = 0.18 proposes layers %j', (premiumBreach, layers) => {
    expect(proposeHedge(input({ premiumBreach })).proposed.map((q) => q.layer)).toEqual(layers);
  });

  it('budgets 10%, 12.5% and 15% of the condor max loss', () => {
    const { layers } = proposeHedge(input());
    expect(layers.map((q) => q.budgetShare)).toEqual([0.1, 0.125, 0.15]);
    // $3,580 × 10% = $358; × 12.5% = $447.50; × 15% = $537.
    expect(layers.map((q) => q.budget)).toEqual([358, 447.5, 537]);
    expect(layers.map((q) => q.trigger)).toEqual([0.18, 0.36, 0.54]);
  });

  it('sizes contracts = floor(budget / (debit × 100)), with cost, payoff at the short strike and coverage', () => {
    const { layers, spreadWidth } = proposeHedge(input({ condorMaxLoss: 35_800 }));
    const debit = layers[0]!.debit;
    for (const quote of layers) {
      const contracts = Math.floor(quote.budget / (debit * 100));
      expect(quote.contracts).toBe(contracts);
      expect(quote.cost).toBeCloseTo(contracts * debit * 100, 9);
      expect(quote.cost).toBeLessThanOrEqual(quote.budget);
      expect(quote.payoffAtShortStrike).toBe(contracts * spreadWidth * 100);
      expect(quote.coverage).toBeCloseTo(quote.payoffAtShortStrike / 35_800, 12);
      expect(quote.note).toBeNull();
    }
    expect(layers[0]!.contracts).toBeGreaterThan(0);
  });

  it('never proposes a layer that is already active', () => {
    const hedge = proposeHedge(input({ premiumBreach: 0.6, activeLayers: [1, 3] }));
    expect(hedge.proposed.map((q) => q.layer)).toEqual([2]);
    expect(hedge.layers.map((q) => q.status)).toEqual(['active', 'proposed', 'active']);
    expect(proposeHedge(input({ premiumBreach: 0.6, activeLayers: [1, 2, 3] })).proposed).toEqual([]);
  });

  it('explains zero contracts: the budget buys less than one spread', () => {
    const { layers } = proposeHedge(input({ premiumBreach: 0.2, condorMaxLoss: 500 }));
    const debit = layers[0]!.debit;
    const first = layers[0]!;
    expect(debit * 100).toBeGreaterThan(50); // one spread costs more than the $50 budget
    expect(first.contracts).toBe(0);
    expect(first.status).toBe('proposed');
    expect(first.note).toContain('$50');
    expect(first.note).toContain('less than one spread');
    expect(first.note).toContain(`$${Math.round(debit * 100)}`);
  });

  it('explains zero contracts when the spread is worthless (valued on the VIX expiry itself, future below the long strike)', () => {
    const { layers } = proposeHedge(
      input({ premiumBreach: 0.2, valuationDate: '2026-05-19', condorExpiry: '2026-05-19' }),
    );
    expect(layers[0]!.debit).toBe(0);
    expect(layers[0]!.contracts).toBe(0);
    expect(layers[0]!.note).toMatch(/no value/);
  });

  it('follows a configured number of layers and budgets', () => {
    const hedge = proposeHedge(input({ premiumBreach: 1, maxLayers: 2, layerBudgets: [0.05, 0.2] }));
    expect(hedge.layers.map((q) => q.budget)).toEqual([179, 716]);
    expect(hedge.proposed.length).toBe(2);
  });
});

describe('the VIX call spread', () => {
  it('estimates F = 19.5 + (VIX − 19.5) e^{−5τ} when no future is quoted, and labels it an estimate', () => {
    const hedge = proposeHedge(input());
    expect(hedge.vixExpiry).toBe('2026-05-19');
    expect(hedge.yearsToExpiry).toBe(48 / 365);
    expect(hedge.future).toBeCloseTo(19.5 + 2.5 * Math.exp(-5 * (48 / 365)), 13);
    expect(relativeError(hedge.future, Number(HEDGE_REFERENCE.future))).toBeLessThan(1e-14);
    expect(hedge.futureIsEstimate).toBe(true);
    expect(estimateVixFuture(30, 0)).toBe(30);
    expect(estimateVixFuture(30, 10)).toBeCloseTo(19.5, 12);
    expect(estimateVixFuture(12, 0.25)).toBeCloseTo(19.5 - 7.5 * Math.exp(-1.25), 13);
  });

  it('uses a quoted future for the right expiry instead (not an estimate), and ignores one for another expiry', () => {
    const quoted = proposeHedge(input({ vixFuture: { expiry: '2026-05-19', price: 23.4 } }));
    expect(quoted.future).toBe(23.4);
    expect(quoted.futureIsEstimate).toBe(false);
    expect(hedgeSummary(quoted)).not.toMatch(/estimated/);
    const wrongExpiry = proposeHedge(input({ vixFuture: { expiry: '2026-06-17', price: 23.4 } }));
    expect(wrongExpiry.futureIsEstimate).toBe(true);
    expect(wrongExpiry.future).toBeCloseTo(Number(HEDGE_REFERENCE.future), 12);
  });

  it('prices the spread with Black-76 at the mpmath value: long 21 / short 26 on F = 20.795', () => {
    const hedge = proposeHedge(input({ premiumBreach: 0.2 }));
    expect(hedge.layers[0]!.longStrike).toBe(HEDGE_REFERENCE.longStrike);
    expect(hedge.layers[0]!.shortStrike).toBe(HEDGE_REFERENCE.shortStrike);
    expect(relativeError(hedge.layers[0]!.debit, Number(HEDGE_REFERENCE.debit))).toBeLessThan(1e-12);
    expect(hedgeSummary(hedge)).toContain('estimated VIX future');
  });

  it('rounds the future up to a whole point for the long strike, and the short is 5 above (10 when extreme)', () => {
    const at = (price: number, regime: HedgeInput['regime'] = 'normal') =>
      proposeHedge(input({ regime, vixFuture: { expiry: '2026-05-19', price } })).layers[0]!;
    expect(at(21)).toMatchObject({ longStrike: 21, shortStrike: 26 });
    expect(at(21.01)).toMatchObject({ longStrike: 22, shortStrike: 27 });
    expect(at(21.99)).toMatchObject({ longStrike: 22, shortStrike: 27 });
    expect(at(21.01, 'extreme')).toMatchObject({ longStrike: 22, shortStrike: 32 });
  });

  it('takes σᵥ = VVIX/100 when known, else 0.90', () => {
    expect(proposeHedge(input({ vvix: 110 }))).toMatchObject({ volOfVol: 1.1, volOfVolSource: 'vvix' });
    expect(proposeHedge(input())).toMatchObject({ volOfVol: 0.9, volOfVolSource: 'default' });
    expect(proposeHedge(input({ vvix: null }))).toMatchObject({ volOfVol: 0.9, volOfVolSource: 'default' });
    // More vol-of-vol, a dearer out-of-the-money spread.
    expect(proposeHedge(input({ vvix: 120 })).layers[0]!.debit).toBeGreaterThan(
      proposeHedge(input({ vvix: 80 })).layers[0]!.debit,
    );
  });
});

describe('the VIX expiry calendar', () => {
  // Cboe's rule: the Wednesday 30 days before the third Friday of the following month (the SPX
  // monthly expiry); when that Friday is a holiday, 30 days before the business day before it;
  // when the Wednesday is a holiday, the business day before. Every date below is worked by hand
  // from that rule and the NYSE holiday list (no network here to fetch Cboe's page; the 2026 list
  // is the one Cboe publishes as far as we know, May 19 being the Tuesday before Juneteenth).
  it.each([
    [2026, 1, '2026-01-21'], // Feb 20 − 30
    [2026, 2, '2026-02-18'], // Mar 20 − 30
    [2026, 3, '2026-03-18'], // Apr 17 − 30
    [2026, 4, '2026-04-15'], // May 15 − 30
    [2026, 5, '2026-05-19'], // Jun 19 is Juneteenth: Thu Jun 18 − 30 = Tue May 19
    [2026, 6, '2026-06-17'], // Jul 17 − 30
    [2026, 7, '2026-07-22'], // Aug 21 − 30
    [2026, 8, '2026-08-19'], // Sep 18 − 30
    [2026, 9, '2026-09-16'], // Oct 16 − 30
    [2026, 10, '2026-10-21'], // Nov 20 − 30
    [2026, 11, '2026-11-18'], // Dec 18 − 30
    [2026, 12, '2026-12-16'], // Jan 15 2027 − 30
    [2024, 6, '2024-06-18'], // Jul 19 − 30 = Wed Jun 19, Juneteenth: Tuesday Jun 18
  ])('VIX expiry of %d-%d is %s', (year, month, want) => {
    expect(vixExpiryForMonth(year, month, isHoliday)).toBe(want);
  });

  it('puts every 2026 VIX expiry on a Wednesday except May (Tuesday)', () => {
    for (let month = 1; month <= 12; month++) {
      const expiry = vixExpiryForMonth(2026, month, isHoliday);
      expect(dates.weekday(expiry), expiry).toBe(month === 5 ? 2 : 3);
    }
  });

  it('picks the first VIX expiry on or after the condor expiry', () => {
    expect(vixExpiryOnOrAfter('2026-05-15', isHoliday)).toBe('2026-05-19');
    expect(vixExpiryOnOrAfter('2026-05-19', isHoliday)).toBe('2026-05-19');
    expect(vixExpiryOnOrAfter('2026-05-20', isHoliday)).toBe('2026-06-17');
    expect(vixExpiryOnOrAfter('2026-04-01', isHoliday)).toBe('2026-04-15');
    expect(vixExpiryOnOrAfter('2026-12-17', isHoliday)).toBe('2027-01-20');
    // Without the holiday calendar the May expiry would be the (wrong) Wednesday May 20.
    expect(vixExpiryOnOrAfter('2026-05-15', () => false)).toBe('2026-05-20');
    expect(proposeHedge(input()).vixExpiry).toBe('2026-05-19');
  });
});
