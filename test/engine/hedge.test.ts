// ALVH, the adaptive layered VIX hedge (docs/engine.md, "ALVH" and "Hedges sized to the position"):
// layer triggers on the vol loss as a share of max loss, budgets and the cost cap, sizing never
// past max loss, the VIX future (quoted or estimated), strikes, vol-of-vol, the VIX expiry calendar.
import { describe, expect, it } from 'vitest';
import {
  createEntrySnapshot,
  dates,
  estimateVixFuture,
  evaluatePosition,
  sizeHedgeLayer,
  UNDERLYINGS,
  vixProxy,
  type Condor,
  hedgeSummary,
  proposeHedge,
  vixExpiryForMonth,
  vixExpiryOnOrAfter,
  type HedgeInput,
} from '../../src/engine/index.ts';
import { HEDGE_REFERENCE } from './reference/references.ts';
import { marketAt, relativeError } from './helpers.ts';
import { ENTRY_MARKET, MODEL, SETTLEMENT, EXPIRY, regimeAt } from './fixtures.ts';

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
    volLoss: 0,
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

// An independent Black-76 call (Abramowitz & Stegun 26.2.17 for N(x), |error| < 7.5e-8): the
// engine's own black76 is checked against mpmath elsewhere; this one only re-derives the sizes.
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return x >= 0 ? 1 - tail : tail;
}
function black76Call(forward: number, strike: number, years: number, vol: number, rate: number): number {
  const sd = vol * Math.sqrt(years);
  const d1 = (Math.log(forward / strike) + (sd * sd) / 2) / sd;
  return Math.exp(-rate * years) * (forward * normalCdf(d1) - strike * normalCdf(d1 - sd));
}

const MAX_LOSS = 3580;
/** A vol loss of `share` × max loss, a hair above it so that share ≥ trigger whatever the rounding. */
const lossOf = (share: number) => share * MAX_LOSS + 1e-6;

describe('layers', () => {
  it.each([
    [0.1799, []],
    [0.18, [1]], //       1T of max loss
    [0.3599, [1]],
    [0.36, [1, 2]], //    2T
    [0.54, [1, 2, 3]], // 3T
    [2, [1, 2, 3]], //    never more than maxLayers
    [-0.5, []], //        vol has fallen
  ])('a vol loss of %d × max loss with T = 0.18 proposes layers %j', (share, layers) => {
    const hedge = proposeHedge(input({ volLoss: lossOf(share) }));
    expect(hedge.proposed.map((q) => q.layer)).toEqual(layers);
    expect(hedge.volLossShare).toBeCloseTo(share, 9);
  });

  it('budgets 10%, 2.5% and 2.5% of the condor max loss: the total cost is capped at 15%', () => {
    const hedge = proposeHedge(input());
    expect(hedge.layers.map((q) => q.budgetShare)).toEqual([0.1, 0.025, 0.025]);
    // $3,580 × 10% = $358; × 2.5% = $89.50; cap $537 = 15%.
    expect(hedge.layers.map((q) => q.budget)).toEqual([358, 89.5, 89.5]);
    expect(hedge.costCap).toBeCloseTo(537, 9);
    expect(hedge.layers.map((q) => q.trigger)).toEqual([0.18, 0.36, 0.54]);
  });

  it('sizes the docs example by hand: 2 spreads of 21/26 at 1.49 for $299, paying $1,000 = 27.9% of max loss', () => {
    const hedge = proposeHedge(input({ volLoss: lossOf(0.6) }));
    const years = 48 / 365;
    const future = 19.5 + 2.5 * Math.exp(-5 * years);
    const debit = black76Call(future, 21, years, 0.9, 0.04) - black76Call(future, 26, years, 0.9, 0.04);
    expect(debit).toBeCloseTo(1.4949, 4);
    const [first, second, third] = hedge.layers;
    expect(first!.debit).toBeCloseTo(debit, 5);
    expect(first).toMatchObject({ contracts: 2, payoffAtUpperStrike: 1000, limitedBy: 'budget', note: null });
    expect(first!.cost).toBeCloseTo(2 * debit * 100, 3);
    expect(first!.coverage).toBeCloseTo(1000 / 3580, 12);
    // $89.50 buys no $149.49 spread.
    for (const quote of [second!, third!]) {
      expect(quote.contracts).toBe(0);
      expect(quote.note).toBe('the 2.5% budget ($90) buys less than one spread at $149');
    }
  });

  it('sizes contracts = min(floor(budget / (debit × 100)), what max loss leaves), with cost, payoff, coverage', () => {
    const maxLoss = 35_800;
    const { layers, spreadWidth } = proposeHedge(input({ condorMaxLoss: maxLoss, volLoss: 1e9 }));
    const debit = layers[0]!.debit;
    let covered = 0;
    for (const quote of layers) {
      const contracts = Math.min(
        Math.floor(quote.budget / (debit * 100)),
        Math.floor((maxLoss - covered) / (spreadWidth * 100)),
      );
      covered += contracts * spreadWidth * 100;
      expect(quote.contracts).toBe(contracts);
      expect(quote.cost).toBeCloseTo(contracts * debit * 100, 9);
      expect(quote.cost).toBeLessThanOrEqual(quote.budget);
      expect(quote.payoffAtUpperStrike).toBe(contracts * spreadWidth * 100);
      expect(quote.coverage).toBeCloseTo(quote.payoffAtUpperStrike / maxLoss, 12);
      expect(quote.note).toBeNull();
    }
    expect(layers[0]!.contracts).toBe(23); // floor(3,580 / 149.49)
  });

  it('never pays more than max loss: held layers and lower layers leave the room', () => {
    // $3,300 of the $3,580 already held: room for $280, less than one 5-point spread ($500).
    const capped = proposeHedge(
      input({ volLoss: lossOf(1), activeLayers: [1], heldPayoff: 3300, layerBudgets: [0.1, 0.5, 0.5] }),
    );
    expect(capped.proposed.map((q) => q.layer)).toEqual([2, 3]);
    expect(capped.proposed.map((q) => q.contracts)).toEqual([0, 0]);
    expect(capped.proposed[0]!.limitedBy).toBe('max loss');
    expect(capped.proposed[0]!.note).toBe('the layers below it already pay as much as the condor can lose');
    // A near-expiry spread is cheap (high leverage): the budget alone would cover more than max loss.
    const cheap = proposeHedge(
      input({ volLoss: lossOf(1), valuationDate: '2026-05-15', layerBudgets: [0.3, 0.3, 0.3] }),
    );
    const spreadCost = cheap.layers[0]!.debit * 100;
    expect((0.3 * MAX_LOSS) / spreadCost).toBeGreaterThan(MAX_LOSS / 500); // budget buys > max loss of payoff
    expect(cheap.layers[0]!.contracts).toBe(Math.floor(MAX_LOSS / 500)); // 7 spreads = $3,500
    expect(cheap.layers[0]!.limitedBy).toBe('max loss');
    expect(cheap.layers.slice(1).map((q) => q.contracts)).toEqual([0, 0]);
  });

  it('keeps every proposal inside both caps: cost ≤ 15% of max loss, payoff at the upper strikes ≤ max loss', () => {
    for (const vix of [9.5, 14, 22, 35, 80])
      for (const days of [1, 5, 20, 60])
        for (const vvix of [null, 70, 150])
          for (const maxLoss of [400, 3580, 25_000, 250_000])
            for (const held of [0, 0.5, 0.99]) {
              const hedge = proposeHedge(
                input({
                  volLoss: maxLoss,
                  vix,
                  vvix,
                  condorMaxLoss: maxLoss,
                  activeLayers: held ? [1] : [],
                  heldPayoff: held * maxLoss,
                  valuationDate: dates.addDays('2026-05-15', -days),
                }),
              );
              const label = `vix ${vix} days ${days} vvix ${vvix} maxLoss ${maxLoss} held ${held}`;
              const cost = hedge.proposed.reduce((sum, q) => sum + q.cost, 0);
              const payoff = hedge.proposed.reduce((sum, q) => sum + q.payoffAtUpperStrike, 0);
              expect(cost, label).toBeLessThanOrEqual(0.15 * maxLoss + 1e-9);
              expect(payoff + held * maxLoss, label).toBeLessThanOrEqual(maxLoss + 1e-9);
            }
  });

  it('sizeHedgeLayer is the one rule: budget-bound, max-loss-bound, and zero for a worthless spread', () => {
    const base = {
      debit: 1.5,
      longStrike: 21,
      shortStrike: 26,
      budget: 1000,
      coveredAlready: 0,
      condorMaxLoss: 10_000,
    };
    expect(sizeHedgeLayer(base)).toEqual({
      contracts: 6, // floor(1,000 / 150)
      cost: 900,
      payoffAtUpperStrike: 3000,
      coverage: 0.3,
      limitedBy: 'budget',
    });
    expect(sizeHedgeLayer({ ...base, coveredAlready: 8000 })).toMatchObject({ contracts: 4, limitedBy: 'max loss' });
    expect(sizeHedgeLayer({ ...base, coveredAlready: 12_000 })).toMatchObject({ contracts: 0 });
    expect(sizeHedgeLayer({ ...base, debit: 0 })).toMatchObject({ contracts: 0, cost: 0 });
  });

  it('never proposes a layer that is already active', () => {
    const hedge = proposeHedge(input({ volLoss: lossOf(0.6), activeLayers: [1, 3] }));
    expect(hedge.proposed.map((q) => q.layer)).toEqual([2]);
    expect(hedge.layers.map((q) => q.status)).toEqual(['active', 'proposed', 'active']);
    expect(proposeHedge(input({ volLoss: lossOf(0.6), activeLayers: [1, 2, 3] })).proposed).toEqual([]);
  });

  it('explains zero contracts: the budget buys less than one spread', () => {
    const { layers } = proposeHedge(input({ volLoss: 100, condorMaxLoss: 500 }));
    const debit = layers[0]!.debit;
    const first = layers[0]!;
    expect(debit * 100).toBeGreaterThan(50); // one spread costs more than the $50 budget
    expect(first.contracts).toBe(0);
    expect(first.status).toBe('proposed');
    expect(first.note).toContain('$50');
    expect(first.note).toContain('less than one spread');
    expect(first.note).toContain(`$${Math.round(debit * 100)}`);
  });

  it('explains zero contracts for a worthless spread (valued on the VIX expiry, future below the long strike)', () => {
    const { layers } = proposeHedge(
      input({ volLoss: lossOf(0.2), valuationDate: '2026-05-19', condorExpiry: '2026-05-19' }),
    );
    expect(layers[0]!.debit).toBe(0);
    expect(layers[0]!.contracts).toBe(0);
    expect(layers[0]!.note).toMatch(/no value/);
  });

  it('follows a configured number of layers and budgets', () => {
    const hedge = proposeHedge(input({ volLoss: lossOf(1), maxLayers: 2, layerBudgets: [0.05, 0.2] }));
    expect(hedge.layers.map((q) => q.budget)).toEqual([179, 716]);
    expect(hedge.costCap).toBeCloseTo(895, 9);
    expect(hedge.proposed.length).toBe(2);
  });
});

describe('hedges sized to the position (issue 12 §5)', () => {
  /** A condor on the fixture's market (SPX 5,800, VIX 16, 45 days), filled at `credit`, `quantity` lots. */
  function position(strikes: Condor['strikes'], credit: number, quantity = 1) {
    const condor: Condor = { underlying: UNDERLYINGS.SPX, strikes, expiry: EXPIRY, quantity, credit };
    const entry = createEntrySnapshot({ condor, market: ENTRY_MARKET, settlementMs: SETTLEMENT, vix: 16 });
    return (vix: number) =>
      evaluatePosition({
        position: { condor, entry, settlementMs: SETTLEMENT, activeHedgeLayers: [] },
        market: { ...marketAt('2026-03-31', 5800, vix), vol: vixProxy(vix) },
        regime: regimeAt(vix),
      });
  }

  it('a 2.50-credit condor does not fire the hedge on a 2-point VIX rise (today: all three layers, 12 spreads)', () => {
    const cheap = position({ longPut: 5150, shortPut: 5200, shortCall: 6400, longCall: 6450 }, 2.5);
    const evaluation = cheap(18);
    // b_x on the credit explodes: (x − x̃)/2.50 = 58% ≥ 3T.
    expect(evaluation.invariant.premiumBreach).toBeGreaterThan(0.54);
    // On max loss it is small: the vol loss is a few percent of the $4,750 it can lose.
    const volLoss = (evaluation.invariant.premiumReserve - evaluation.invariant.premiumIfVolUnchanged) * 100;
    expect(evaluation.condor.maxLoss).toBeCloseTo(4750, 9);
    expect(evaluation.hedge.volLossShare).toBeCloseTo(volLoss / 4750, 12);
    expect(evaluation.hedge.volLossShare).toBeLessThan(0.05);
    expect(evaluation.hedge.proposed).toEqual([]);
    expect(evaluation.action).toBe('HOLD');
  });

  it('a standard 3-lot never buys more than 15% of max loss, nor protection above its max loss, at any VIX', () => {
    const threeLot = position(MODEL.condor.strikes, MODEL.condor.credit, 3);
    for (const vix of [18, 20, 22, 25, 30, 40, 60]) {
      const { hedge, condor } = threeLot(vix);
      const cost = hedge.proposed.reduce((sum, q) => sum + q.cost, 0);
      const payoff = hedge.proposed.reduce((sum, q) => sum + q.payoffAtUpperStrike, 0);
      expect(cost, `VIX ${vix}`).toBeLessThanOrEqual(0.15 * condor.maxLoss);
      expect(payoff, `VIX ${vix}`).toBeLessThanOrEqual(condor.maxLoss);
    }
    // At VIX 60 all three layers have fired; their coverage adds up to well under 100%.
    const { hedge } = threeLot(60);
    expect(hedge.proposed.map((q) => q.layer)).toEqual([1, 2, 3]);
    expect(hedge.proposed.reduce((sum, q) => sum + q.coverage, 0)).toBeLessThan(1);
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
    const hedge = proposeHedge(input({ volLoss: lossOf(0.2) }));
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
