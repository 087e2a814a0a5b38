// /condor eval and /condor suggest through runLine on the real app (demo market, fixed clock,
// temp SQLite), and the condor rules as /condor eval and /position add refuse them.
import { describe, expect, it } from 'vitest';
import { evaluateCondor, UNDERLYINGS, vixProxy, type MarketState } from '../../src/engine/index.ts';
import { clockAt, settlementInstant } from '../../src/market/calendar.ts';
import { demoClose } from '../../src/market/demo.ts';
import { ALICE, dataOf, errorLine, HOLIDAY, makeApp, MONDAY_10_NY, SATURDAY, TODAY } from '../support/app.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const STRIKES = { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 };

/** The market the demo provider shows on the test's Monday, as the engine's input. */
function demoState(overrides: Partial<MarketState> = {}): MarketState {
  const close = demoClose(TODAY);
  return {
    spot: close.spx,
    rate: 0.04,
    dividendYield: 0.013,
    vol: vixProxy(close.vix, 0),
    valuationMs: MONDAY_10_NY,
    valuationDate: TODAY,
    ...overrides,
  };
}

describe('/condor eval', () => {
  it('with a credit and a date expiry: the engine numbers, a PNG chart and the DEMO label', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 5615 5665 6335 6385 2027-01-08 credit=14.2 qty=2');
    expect(reply.error).toBeUndefined();
    const data = dataOf(reply, 'condor eval');
    expect(data.condor).toMatchObject({
      underlying: 'SPX',
      strikes: STRIKES,
      expiry: '2027-01-08',
      quantity: 2,
      credit: 14.2,
    });
    expect(data.creditIsModel).toBe(false);
    const e = data.evaluation;
    expect(e.maxProfit).toBeCloseTo(14.2 * 100 * 2, 9);
    expect(e.maxLoss).toBeCloseTo((50 - 14.2) * 100 * 2, 9);
    expect(e.breakEvenLow).toBeCloseTo(5650.8, 9);
    expect(e.breakEvenHigh).toBeCloseTo(6349.2, 9);
    expect(e.dte).toBe(46);
    expect(data.market.spot).toBe(demoClose(TODAY).spx);
    expect(data.market.vix).toBe(demoClose(TODAY).vix);
    // The same numbers as the engine gives for the same market.
    const engine = evaluateCondor({
      condor: { underlying: UNDERLYINGS.SPX, strikes: STRIKES, expiry: '2027-01-08', quantity: 2, credit: 14.2 },
      market: demoState(),
      settlementMs: settlementInstant('2027-01-08', 'PM'),
      clock: clockAt(MONDAY_10_NY, '2027-01-08', 'PM'),
    });
    expect(e.probabilityOfProfit).toBeCloseTo(engine.probabilityOfProfit, 12);
    expect(e.greeks.thetaPerDay).toBeCloseTo(engine.greeks.thetaPerDay, 9);
    expect(data.baselineK).toBeCloseTo(14.2 * (5997.75 - 5650.8), 6);
    // What the trader reads.
    expect(reply.title).toBe('SPX 5,615/5,665/6,335/6,385 · 2027-01-08 (46 DTE)');
    expect(reply.fields?.find((f) => f.label === 'Max profit')?.value).toBe('$2,840');
    expect(reply.fields?.find((f) => f.label === 'Max loss')?.value).toBe('$7,160');
    expect(reply.fields?.find((f) => f.label === 'Break-evens')?.value).toBe('5,650.80 – 6,349.20');
    expect(reply.table?.rows).toHaveLength(4);
    expect(reply.footer).toContain('DEMO DATA: synthetic market, not real prices.');
    expect(reply.attachments).toHaveLength(1);
    expect(reply.attachments![0]!.contentType).toBe('image/png');
    expect(reply.attachments![0]!.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('without a credit: the model value is the credit and the mark equals it', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 5615 5665 6335 6385 45');
    const data = dataOf(reply, 'condor eval');
    expect(data.creditIsModel).toBe(true);
    expect(data.condor.credit).toBeGreaterThan(5);
    expect(data.condor.credit).toBeLessThan(50);
    expect(data.evaluation.mark).toBeCloseTo(data.condor.credit, 9);
    expect(data.evaluation.unrealizedPl).toBeCloseTo(0, 6);
    expect(reply.lines?.[0]).toContain('the model value: no fill given');
  });

  it('a DTE picks the listed expiry nearest it, a date is taken as given', async () => {
    const t = makeApp();
    const byDte = dataOf(await t.run('/condor eval 5615 5665 6335 6385 45 credit=14.2'), 'condor eval');
    expect(byDte.condor.expiry).toBe('2027-01-07');
    expect(byDte.evaluation.dte).toBe(45);
    for (const spelling of ['45d', '45dte', '45 days', 'expiry=45']) {
      const line = spelling.includes('=')
        ? `/condor eval 5615 5665 6335 6385 ${spelling} credit=14.2`
        : `/condor eval 5615 5665 6335 6385 "${spelling}" credit=14.2`;
      expect((await t.run(line)).data, spelling).toMatchObject({ condor: { expiry: '2027-01-07' } });
    }
    const byDate = dataOf(await t.run('/condor eval 5615 5665 6335 6385 2026-12-18 credit=10'), 'condor eval');
    expect(byDate.condor.expiry).toBe('2026-12-18');
    expect(byDate.evaluation.dte).toBe(25);
  });

  it('what-if spot and vix replace the market and are labelled', async () => {
    const t = makeApp();
    const base = dataOf(await t.run('/condor eval 5615 5665 6335 6385 45 credit=14.2'), 'condor eval');
    const reply = await t.run('/condor eval 5615 5665 6335 6385 45 credit=14.2 spot=5700 vix=25');
    const data = dataOf(reply, 'condor eval');
    expect(data.market).toMatchObject({ spot: 5700, vix: 25 });
    expect(data.evaluation.atmVol).toBeCloseTo(0.25, 12);
    expect(data.evaluation.probabilityOfProfit).toBeLessThan(base.evaluation.probabilityOfProfit);
    expect(reply.footer).toContain('What-if: spot 5,700.00, VIX 25.00 (given, not market).');
  });

  it('xsp: a tenth of SPX as spot, 1-point strikes, dollars per 100', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 561 566 633 638 45 credit=1.42 underlying=xsp');
    expect(reply.error).toBeUndefined();
    const data = dataOf(reply, 'condor eval');
    expect(data.condor.underlying).toBe('XSP');
    expect(data.market.spot).toBeCloseTo(demoClose(TODAY).spx / 10, 9);
    expect(data.evaluation.maxProfit).toBeCloseTo(142, 9);
    expect(data.evaluation.maxLoss).toBeCloseTo((5 - 1.42) * 100, 9);
    expect(reply.title.startsWith('XSP 561/566/633/638')).toBe(true);
  });

  it('spy needs an explicit spot', async () => {
    const t = makeApp();
    const refused = await t.run('/condor eval 540 545 615 620 45 credit=1.2 underlying=spy');
    expect(errorLine(refused)).toContain('spot');
    expect(errorLine(refused)).toMatch(/e\.g\. spot=/);
    const ok = await t.run('/condor eval 540 545 615 620 45 credit=1.2 underlying=spy spot=580');
    expect(dataOf(ok, 'condor eval').market.spot).toBe(580);
  });

  it('writes nothing to the database', async () => {
    const t = makeApp();
    await t.run('/condor eval 5615 5665 6335 6385 45', ALICE.console); // creates the user on first sight
    const before = t.rowCounts();
    await t.run('/condor eval 5615 5665 6335 6385 45 credit=14.2', ALICE.console);
    expect(t.rowCounts()).toEqual(before);
  });
});

describe('/condor suggest', () => {
  it('the model condor for today: 16-delta shorts, 50-point wings, the nearest listed expiry to 45 DTE', async () => {
    const t = makeApp();
    const reply = await t.run('/condor suggest');
    expect(reply.error).toBeUndefined();
    const model = dataOf(reply, 'condor suggest').model;
    expect(model.condor.expiry).toBe('2027-01-07');
    expect(model.wingWidth).toBe(50);
    expect(model.condor.strikes.shortPut - model.condor.strikes.longPut).toBe(50);
    expect(model.condor.strikes.longCall - model.condor.strikes.shortCall).toBe(50);
    expect(Math.abs(model.shortPutDelta)).toBeGreaterThan(0.12);
    expect(Math.abs(model.shortPutDelta)).toBeLessThan(0.2);
    expect(Math.abs(model.shortCallDelta)).toBeGreaterThan(0.12);
    expect(Math.abs(model.shortCallDelta)).toBeLessThan(0.2);
    expect(model.condor.strikes.shortPut).toBeLessThan(5997.75);
    expect(model.condor.strikes.shortCall).toBeGreaterThan(5997.75);
    expect(model.condor.credit).toBeGreaterThan(0);
    expect(reply.footer).toContain('DEMO DATA: synthetic market, not real prices.');
  });

  it('dte, delta and wings change the model', async () => {
    const t = makeApp();
    const reply = await t.run('/condor suggest dte=30 delta=0.10 wings=25');
    const model = dataOf(reply, 'condor suggest').model;
    expect(model.wingWidth).toBe(25);
    expect(model.targetDelta).toBe(0.1);
    expect(model.condor.strikes.shortPut - model.condor.strikes.longPut).toBe(25);
    expect(Math.abs(model.shortPutDelta)).toBeLessThan(0.13);
    const dte = (Date.parse(model.condor.expiry) - Date.parse(TODAY)) / 86_400_000;
    expect(Math.abs(dte - 30)).toBeLessThanOrEqual(3);
  });
});

describe('condor rules, each refused with one line naming the rule', () => {
  const cases: { name: string; args: string; pattern: RegExp }[] = [
    {
      name: 'strike order',
      args: '5665 5615 6335 6385 45 credit=14.2',
      pattern: /^Strikes must rise.*\. E\.g\. \/\w+ \w+ 5615 5665 6335 6385/,
    },
    { name: 'calls below puts', args: '6335 6385 5615 5665 45 credit=14.2', pattern: /^Strikes must rise/ },
    {
      name: 'off-grid strike',
      args: '5617 5665 6335 6385 45 credit=14.2',
      pattern: /^SPX strikes are multiples of 5.*5617/,
    },
    {
      name: 'credit equal to the width',
      args: '5615 5665 6335 6385 45 credit=50',
      pattern: /^The credit 50\.00 must be below the widest wing 50/,
    },
    {
      name: 'credit above the width',
      args: '5615 5665 6335 6385 45 credit=60',
      pattern: /^The credit 60\.00 must be below/,
    },
    {
      name: 'quantity not an integer',
      args: '5615 5665 6335 6385 45 credit=14.2 qty=1.5',
      pattern: /^Option qty must be a whole number.*e\.g\. qty=2/,
    },
    {
      name: 'quantity zero',
      args: '5615 5665 6335 6385 45 credit=14.2 qty=0',
      pattern: /^Option qty must be at least 1/,
    },
    {
      name: 'expiry in the past',
      args: '5615 5665 6335 6385 2026-11-20 credit=14.2',
      pattern: /^The expiry 2026-11-20 is in the past.*: e\.g\. expiry=\d{4}-\d\d-\d\d or expiry=45 \(days\)\.$/,
    },
    {
      name: 'expiry on a holiday',
      args: `5615 5665 6335 6385 ${HOLIDAY} credit=14.2`,
      pattern: new RegExp(`expiry ${HOLIDAY} is not a trading day.*e\\.g\\. expiry=2026-11-27`),
    },
    {
      name: 'expiry on a weekend',
      args: `5615 5665 6335 6385 ${SATURDAY} credit=14.2`,
      pattern: new RegExp(`expiry ${SATURDAY} is not a trading day.*e\\.g\\. expiry=2026-11-30`),
    },
  ];

  for (const command of ['condor eval', 'position add']) {
    for (const { name, args, pattern } of cases) {
      it(`/${command}: ${name}`, async () => {
        const t = makeApp();
        await t.run('/settings'); // the user exists before the counts are taken
        const before = t.rowCounts();
        const reply = await t.run(`/${command} ${args}`);
        expect(reply.error?.kind).toBe('user');
        expect(errorLine(reply)).toMatch(pattern);
        expect(errorLine(reply)).not.toContain('\n');
        // The rule's id is for the logs and the JSON reply, not for the trader to read.
        expect(errorLine(reply)).not.toMatch(/Condor rule|strike-order|strike-grid|credit-below-width|expiry-past/);
        expect(t.rowCounts()).toEqual(before);
      });
    }
  }

  it('a past expiry suggests a listed expiry ahead (from the calendar), which is then accepted', async () => {
    const t = makeApp();
    const reply = await t.run('/position add 5615 5665 6335 6385 2020-01-02 credit=14.2');
    expect(reply.error?.identifier).toBe('expiry-past');
    const suggested = /e\.g\. expiry=(\d{4}-\d\d-\d\d)/.exec(errorLine(reply))![1]!;
    expect(suggested).toBe(t.deps.calendar.listedExpiryNearest(TODAY, 45).expiry);
    expect(suggested > TODAY).toBe(true);
    const retried = await t.run(`/position add 5615 5665 6335 6385 ${suggested} credit=14.2`);
    expect(retried.error).toBeUndefined();
  });

  it('a past expiry in days is impossible: 0 DTE is today', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 5950 5960 6040 6050 0 credit=2');
    expect(reply.error).toBeUndefined();
    expect(dataOf(reply, 'condor eval').condor.expiry).toBe(TODAY);
  });
});
