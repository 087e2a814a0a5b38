// Issue 12 §1–§3 through the real app (demo market, fixed clock, temp SQLite): the trading-time
// clock on expiry day, settlement at intrinsic value, a mark bounded to [0, widest wing], AM
// settlement, the refusals, and metrics from the condor's own payoff. Every expectation is
// recomputed here with a small Black-Scholes of the test's own on the clock counted by hand.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { normCdf } from '../../src/engine/index.ts';
import type { StoredPosition } from '../../src/app/ports.ts';
import { demoClose } from '../../src/market/demo.ts';
import { settlementPriceFor } from '../../src/app/positions.ts';
import type { MarketView } from '../../src/app/market-view.ts';
import { createCalendar } from '../../src/market/calendar-port.ts';
import { dataOf, errorLine, fixedClock, makeApp } from '../support/app.ts';

const ny = (text: string) => DateTime.fromISO(text, { zone: 'America/New_York' }).toMillis();
const HOUR = 3_600_000;
/** 5,615.50: what a trader reads, computed apart from the app's formatter. */
const twoDecimals = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const R = 0.04;
const Q = 0.013;

/** Black-Scholes with variance time tv and calendar time td, written out independently of the engine. */
function bs(type: 'call' | 'put', spot: number, strike: number, vol: number, tv: number, td: number): number {
  const forward = spot * Math.exp((R - Q) * td);
  const discount = Math.exp(-R * td);
  const s = vol * Math.sqrt(tv);
  const d1 = Math.log(forward / strike) / s + s / 2;
  const d2 = d1 - s;
  return type === 'call'
    ? discount * (forward * normCdf(d1) - strike * normCdf(d2))
    : discount * (strike * normCdf(-d2) - forward * normCdf(-d1));
}

/** P(S_T > level) under the same lognormal. */
function above(spot: number, level: number, vol: number, tv: number, td: number): number {
  const s = vol * Math.sqrt(tv);
  return normCdf((Math.log((spot * Math.exp((R - Q) * td)) / level) - (s * s) / 2) / s);
}

describe('§1 the trading-time clock on expiry day', () => {
  it('a 0DTE condor at 10:00 New York is marked on 6 of 6.5 session hours: about 10.5 and PoP about 77%', async () => {
    // Monday 2026-11-23, a regular session: 360 of 390 minutes left, 6 hours of calendar time.
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const data = dataOf(
      await t.run('/condor eval 5900 5950 6050 6100 2026-11-23 credit=20 spot=6000 vix=16'),
      'condor eval',
    );
    const e = data.evaluation;
    const tv = 360 / 390 / 252;
    const td = (6 * HOUR) / (365 * 24 * HOUR);
    expect(e.varianceYears).toBeCloseTo(tv, 15);
    expect(e.discountYears).toBeCloseTo(td, 15);
    expect([e.rate, e.dividendYield]).toEqual([R, Q]);
    const vol = (k: number) => e.legs.find((leg) => leg.strike === k)!.vol;
    const mark =
      bs('put', 6000, 5950, vol(5950), tv, td) -
      bs('put', 6000, 5900, vol(5900), tv, td) +
      bs('call', 6000, 6050, vol(6050), tv, td) -
      bs('call', 6000, 6100, vol(6100), tv, td);
    expect(e.mark).toBeCloseTo(mark, 9);
    expect(e.mark).toBeGreaterThan(10);
    expect(e.mark).toBeLessThan(11);
    // Break-evens 5930 and 6070; the vol there is between the legs' (all equal under a flat proxy).
    const pop = above(6000, 5930, vol(5950), tv, td) - above(6000, 6070, vol(6050), tv, td);
    expect(vol(5950)).toBe(vol(6050));
    expect(e.probabilityOfProfit).toBeCloseTo(pop, 9);
    expect(e.probabilityOfProfit).toBeGreaterThan(0.75);
    expect(e.probabilityOfProfit).toBeLessThan(0.79);
  });

  it('theta is the change to the same time next trading day: at 10:00 on expiry day, all the time value', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const e = dataOf(
      await t.run('/condor eval 5900 5950 6050 6100 2026-11-23 credit=20 spot=6000 vix=16'),
      'condor eval',
    ).evaluation;
    // By Tuesday 10:00 the condor has settled at 6000, between the shorts: worth 0, so the short gains its mark.
    expect(e.greeks.thetaPerDay).toBeCloseTo(e.mark * 100, 6);
  });
});

describe('§2 settlement and a bounded mark', () => {
  it('at and after settlement the value is the intrinsic value exactly, whatever the fill was', async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const model = dataOf(await t.run('/condor eval 5615 5665 6335 6385 2026-12-18 spot=6000 vix=16'), 'condor eval')
      .condor.credit;
    const credit = Math.round(model * 1.13 * 100) / 100; // a fill 13% above the model
    const added = dataOf(
      await t.run(`/position add 5615 5665 6335 6385 2026-12-18 credit=${credit} spot=6000 vix=16`),
      'position add',
    );
    const id = added.position.id;
    clock.set(ny('2026-12-18T16:30')); // after the PM settlement
    const show = dataOf(await t.run(`/position show ${id} spot=5500 vix=16`), 'position show', 'evaluation');
    // Settled at 5500, below the long put: the put spread is worth its full 50 points, no calibration.
    expect(show.evaluation.invariant.premiumReserve).toBe(50);
    expect(show.evaluation.unrealizedPl).toBeCloseTo(-(50 - credit) * 100, 9);
    expect(show.evaluation.action).toBe('CLOSE');
  });

  it('a fill the model cannot explain: recorded with a one-line warning, the mark kept in [0, wing]', async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const reply = await t.run('/position add 5000 5050 7000 7050 2026-11-23 credit=14.2 spot=6000 vix=16');
    const warning = reply.lines?.find((line) => line.includes('cannot explain'));
    expect(warning).toMatch(/^The model cannot explain this fill: 14\.20 against a model value of/);
    const id = dataOf(reply, 'position add').position.id;
    for (const spot of [4900, 5025, 6000, 7025, 7100]) {
      const show = dataOf(await t.run(`/position show ${id} spot=${spot} vix=16`), 'position show', 'evaluation');
      const x = show.evaluation.invariant.premiumReserve;
      expect(x, `spot ${spot}`).toBeGreaterThanOrEqual(0);
      expect(x, `spot ${spot}`).toBeLessThanOrEqual(50);
      expect(show.evaluation.unrealizedPl).toBeGreaterThanOrEqual(-(50 - 14.2) * 100 - 1e-9);
      expect(show.evaluation.unrealizedPl).toBeLessThanOrEqual(14.2 * 100 + 1e-9);
    }
  });

  it('a fill near the model keeps its difference on time value only, fading to nothing at settlement', async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const added = dataOf(
      await t.run('/position add 5615 5665 6335 6385 2026-12-18 credit=16 spot=6000 vix=16'),
      'position add',
    );
    const entry = added.position.entry;
    // Time-value factor: (C − intrinsic) / (model − intrinsic), intrinsic 0 with spot between the shorts.
    const factor = 16 / entry.modelMark;
    const show = dataOf(
      await t.run(`/position show ${added.position.id} spot=5650 vix=16`),
      'position show',
      'evaluation',
    );
    // At 5650 the put spread has 15 points of intrinsic value: x = 15 + factor × (model − 15).
    const model = show.evaluation.invariant.modelMark;
    expect(show.evaluation.invariant.premiumReserve).toBeCloseTo(15 + factor * (model - 15), 9);
  });
});

describe('§2 AM settlement and the refusals', () => {
  it('settlement=am settles at the 09:30 open: the day before it has no expiry-day session', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-12-17T10:00')) });
    const am = dataOf(
      await t.run('/condor eval 5615 5665 6335 6385 2026-12-18 credit=5 spot=6000 vix=16 settlement=am'),
      'condor eval',
    );
    expect(am.condor.settlement).toBe('AM');
    expect(am.condor.settlementMs).toBe(ny('2026-12-18T09:30'));
    expect(am.evaluation.varianceYears).toBeCloseTo(360 / 390 / 252, 15);
    const pm = dataOf(
      await t.run('/condor eval 5615 5665 6335 6385 2026-12-18 credit=5 spot=6000 vix=16'),
      'condor eval',
    );
    expect(pm.evaluation.varianceYears).toBeCloseTo((360 / 390 + 1) / 252, 15);
  });

  it('/position add stores AM settlement at the open', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const added = dataOf(
      await t.run('/position add 5615 5665 6335 6385 2026-12-18 credit=14 settlement=am'),
      'position add',
    );
    expect(added.position.settlement).toBe('AM');
    expect(added.position.settlementMs).toBe(ny('2026-12-18T09:30'));
    const rows = t.rows('positions') as Array<{ settlement: string; settlement_ms: number }>;
    expect(rows.map((row) => [row.settlement, row.settlement_ms])).toEqual([['AM', ny('2026-12-18T09:30')]]);
  });

  it('refuses, with one line, an expiry that has settled, and an AM expiry after its open', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T16:30')) });
    expect(errorLine(await t.run('/condor eval 5615 5665 6335 6385 2026-11-23 credit=5'))).toMatch(
      /^Expiry 2026-11-23 \(PM\) settled at the close New York.*expiry=2026-11-24\.$/,
    );
    const morning = makeApp({ clock: fixedClock(ny('2026-12-18T10:00')) });
    expect(errorLine(await morning.run('/position add 5615 5665 6335 6385 2026-12-18 credit=5 settlement=am'))).toMatch(
      /settled at the 09:30 open/,
    );
  });

  it('refuses opened= before 1990 or after expiry, strikes beyond 10× spot or 1,000,000, a negative k₀', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const line = (command: string) => t.run(command).then(errorLine);
    expect(
      await line('/position add 5615 5665 6335 6385 2026-12-18 credit=5 opened=1989-12-29 spot=350 vix=20'),
    ).toMatch(/before 1990-01-01/);
    expect(
      await line('/position add 5615 5665 6335 6385 2026-11-19 credit=5 opened=2026-11-20 spot=6000 vix=16'),
    ).toMatch(/opened 2026-11-20 is after the expiry 2026-11-19/);
    expect(await line('/condor eval 5615 5665 6335 60005 2026-12-18 credit=5 spot=6000')).toMatch(
      /10× spot.*60,005 is above 60,000/,
    );
    expect(await line('/condor eval 990000 995000 1000000 1000005 2026-12-18 credit=5 spot=999000')).toMatch(
      /1,000,005 is above 1,000,000/,
    );
    expect(await line('/position add 5615 5665 6335 6385 2026-12-18 credit=14.2 spot=5600 vix=16')).toMatch(
      /baseline k₀ = credit × cushion is .*below 0/,
    );
    expect(t.rowCounts().positions).toBe(0);
  });
});

describe("§3 metrics from the condor's own payoff", () => {
  it('a credit above the narrower wing: no loss on that side, one break-even, PoP = P(S_T below it)', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const reply = await t.run('/condor eval 5995 6000 6300 6400 2027-01-08 credit=17 spot=6000 vix=16');
    const e = dataOf(reply, 'condor eval').evaluation;
    // Below 5995 the payoff is 17 − 5 = +12: no lower break-even. Above: 6300 + 17 = 6317.
    expect(e.breakEvenLow).toBeNull();
    expect(e.breakEvenHigh).toBe(6317);
    expect(e.maxLoss).toBeCloseTo((100 - 17) * 100, 9);
    const vol = e.legs.find((leg) => leg.strike === 6300)!.vol;
    expect(e.legs.find((leg) => leg.strike === 6400)!.vol).toBe(vol); // flat between: the vol at 6317 is this one
    const pop = 1 - above(6000, 6317, vol, e.varianceYears, e.discountYears);
    expect(e.probabilityOfProfit).toBeCloseTo(pop, 9);
    expect(e.probabilityOfProfit).toBeGreaterThan(0.75);
    expect(reply.fields?.find((f) => f.label === 'Break-evens')?.value).toBe('6,317.00 (no loss below it)');
    // The cushion is to the one break-even there is.
    expect(e.cushion).toBeCloseTo(317, 9);
  });

  it('the same condor as a position is not told to close while in profit', async () => {
    const t = makeApp({ clock: fixedClock(ny('2026-11-23T10:00')) });
    const id = dataOf(
      await t.run('/position add 5995 6000 6300 6400 2027-01-08 credit=17 spot=6000 vix=16'),
      'position add',
    ).position.id;
    const show = dataOf(await t.run(`/position show ${id} spot=5990 vix=16`), 'position show', 'evaluation');
    expect(show.evaluation.unrealizedPl).toBeGreaterThan(0);
    expect(show.evaluation.action).not.toBe('CLOSE');
  });
});

describe("§2 an expired position settles at its expiry's settlement price", () => {
  it("PM: the SPX close of the expiry day (the next day, the quote's previous close), not the spot now", async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const id = dataOf(await t.run('/position add 5615 5665 6335 6385 2026-11-23 credit=5'), 'position add').position.id;
    clock.set(ny('2026-11-24T11:00'));
    const reply = await t.run(`/position show ${id}`);
    const show = dataOf(reply, 'position show', 'evaluation');
    const close = demoClose('2026-11-23').spx;
    expect(demoClose('2026-11-24').spx).not.toBe(close); // the current spot would give another value
    expect(reply.lines).toContain(`Warning: Settled at the SPX close of 2026-11-23: ${twoDecimals(close)}.`);
    // Intrinsic value at that close, exactly.
    const intrinsic =
      Math.max(5665 - close, 0) - Math.max(5615 - close, 0) + Math.max(close - 6335, 0) - Math.max(close - 6385, 0);
    expect(show.evaluation.invariant.premiumReserve).toBe(intrinsic);
  });

  it('PM, days later: the close of the expiry day from the daily closes the bot keeps', async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const id = dataOf(await t.run('/position add 5615 5665 6335 6385 2026-11-23 credit=5'), 'position add').position.id;
    clock.set(ny('2026-12-01T11:00'));
    const reply = await t.run(`/position show ${id}`);
    const close = demoClose('2026-11-23').spx;
    expect([demoClose('2026-12-01').spx, demoClose('2026-11-30').spx]).not.toContain(close);
    expect(reply.lines).toContain(`Warning: Settled at the SPX close of 2026-11-23: ${twoDecimals(close)}.`);
    expect(reply.lines?.join('\n')).not.toContain('is not known here');
    const intrinsic =
      Math.max(5665 - close, 0) - Math.max(5615 - close, 0) + Math.max(close - 6335, 0) - Math.max(close - 6385, 0);
    expect(dataOf(reply, 'position show', 'evaluation').evaluation.invariant.premiumReserve).toBe(intrinsic);
  });

  it('AM: the opening print is not in the market data, so it says so and asks for /position close', async () => {
    const clock = fixedClock(ny('2026-11-23T10:00'));
    const t = makeApp({ clock });
    const id = dataOf(
      await t.run('/position add 5615 5665 6335 6385 2026-12-18 credit=14 settlement=am'),
      'position add',
    ).position.id;
    clock.set(ny('2026-12-21T11:00'));
    const reply = await t.run(`/position show ${id}`);
    expect(reply.lines?.[0]).toBe(
      'Expired 2026-12-18 (AM): its settlement price, the SPX opening print of that day, is not known here; ' +
        `record what it settled for with /position close ${id} <debit>.`,
    );
    expect(reply.buttons ?? []).toHaveLength(0); // no "Record close at" a made-up debit
  });
});

describe('§2 AM settlement at the opening print', () => {
  // Only what settlementPriceFor reads: the spot quote (with its open) and the opening prints kept.
  const view = (asOf: string, open: number | null, kept: { date: string; close: number }[]) =>
    ({
      spotGiven: false,
      snapshot: { spot: { value: 6010, asOfMs: ny(asOf), source: 'cboe', open }, spxOpens: kept },
    }) as unknown as MarketView;
  const am = { settlement: 'AM', expiry: '2026-12-18' } as StoredPosition;
  const calendar = createCalendar();

  it("settles at that day's open from the quote, labelled as the open, not at the spot", () => {
    expect(settlementPriceFor(am, view('2026-12-18T10:00', 5987.25, []), calendar)).toEqual({
      price: 5987.25,
      label: 'the SPX opening print of 2026-12-18 (the open, not the official SOQ)',
    });
  });

  it('days later, from the opening prints the cache kept; unknown without them', () => {
    const kept = [{ date: '2026-12-18', close: 5987.25 }];
    expect(settlementPriceFor(am, view('2026-12-21T11:00', 6001, kept), calendar)?.price).toBe(5987.25);
    expect(settlementPriceFor(am, view('2026-12-21T11:00', 6001, []), calendar)).toBeNull();
  });
});
