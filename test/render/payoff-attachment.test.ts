// The payoff chart as /condor eval and /position show build it: the curves' inputs (today's curve is
// the mark the text shows, a T+N date half-way to expiry, the ±1σ band), the attachment's
// description, and the PNG's size — on the real app (demo market, fixed clock, temp SQLite).
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/app/context.ts';
import type { PayoffChartInput } from '../../src/app/ports.ts';
import type { Reply } from '../../src/app/reply.ts';
import { payoffChartPng } from '../../src/render/charts.ts';
import { addDays, daysBetween } from '../../src/engine/dates.ts';
import { laterInstant, payoffDescription } from '../../commands/support/payoff.ts';
import { ALICE, dataOf, makeApp, TODAY, type TestApp } from '../support/app.ts';

/** Runs a line with a charts port that keeps each payoff input (and still draws the real PNG). */
async function runCapturing(t: TestApp, line: string): Promise<{ reply: Reply; inputs: PayoffChartInput[] }> {
  const inputs: PayoffChartInput[] = [];
  const deps = {
    ...t.deps,
    charts: {
      ...t.deps.charts,
      payoff: (input: PayoffChartInput) => (inputs.push(input), payoffChartPng(input)),
    },
  };
  const { reply } = await runLine(deps, ALICE.console, line);
  return { reply, inputs };
}

const pointAt = (input: PayoffChartInput, spot: number) => {
  const point = input.points.find((p) => p.spot === spot);
  expect(point, `a curve point at spot ${spot}`).toBeDefined();
  return point!;
};

describe('the payoff chart of /position show', () => {
  it("draws today's P/L at spot as the text's P/L (the calibrated mark), at any what-if spot", async () => {
    const t = makeApp();
    // A fill well above the model, so the calibrated mark and the raw model mark differ a lot.
    const id = await t.addPosition('/position add 5615 5665 6335 6385 45 credit=14.2');
    for (const spot of [5800, 6000]) {
      const { reply, inputs } = await runCapturing(t, `/position show ${id} spot=${spot}`);
      expect(reply.error).toBeUndefined();
      const data = dataOf(reply, 'position show', 'evaluation');
      const input = inputs[0]!;
      expect(input.spot).toBe(spot);
      expect(pointAt(input, spot).profitToday).toBeCloseTo(data.evaluation.unrealizedPl, 6);
      // What the chart drew before: the raw model mark, which is not what the text says.
      const rawModelPl = (14.2 - data.evaluation.invariant.modelMark) * 100;
      expect(Math.abs(rawModelPl - data.evaluation.unrealizedPl)).toBeGreaterThan(50);
    }
  });
});

describe('the payoff chart of /condor eval', () => {
  it('has a T+N curve half-way to expiry, the ±1σ move, PoP and round ends; its description says so', async () => {
    const t = makeApp();
    const { reply, inputs } = await runCapturing(t, '/condor eval 5615 5665 6335 6385 2027-01-08 credit=14.2');
    expect(reply.error).toBeUndefined();
    const evaluation = dataOf(reply, 'condor eval').evaluation;
    const input = inputs[0]!;
    expect(input.expectedMove).toBe(evaluation.expectedMove);
    expect(input.probabilityOfProfit).toBe(evaluation.probabilityOfProfit);
    expect(input.strikes).toEqual([5615, 5665, 6335, 6385]);
    // Half of the 46 days from Monday 2026-11-23 is 2026-12-16, a Wednesday and a trading day.
    expect(daysBetween(TODAY, '2027-01-08')).toBe(46);
    expect(input.laterDate).toBe(addDays(TODAY, 23));
    expect(input.points.every((p) => Number.isFinite(p.profitLater))).toBe(true);
    // Time decay: at spot, the later curve is nearer max profit than today's (spot is between the shorts).
    const atSpot = pointAt(input, input.spot);
    expect(atSpot.profitLater!).toBeGreaterThan(atSpot.profitToday!);
    expect(atSpot.profitLater!).toBeLessThan(input.maxProfit!);

    const attachment = reply.attachments?.[0];
    const pop = Math.round(evaluation.probabilityOfProfit * 100);
    expect(attachment?.description).toBe(
      `SPX 5,615/5,665/6,335/6,385 2027-01-08 x1: P/L at expiry, today and on 2026-12-16; ±1σ/±2σ band; PoP ${pop}%`,
    );
    const png = attachment!.data;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 560]);
    expect(png.length).toBeGreaterThan(20_000); // curves, bands, labels: far from a blank image
  });

  it('has no T+N curve within two days of expiry, and the description leaves it out', async () => {
    const t = makeApp();
    const { inputs, reply } = await runCapturing(t, `/condor eval 5900 5950 6050 6100 ${addDays(TODAY, 1)}`);
    expect(reply.error).toBeUndefined();
    expect(inputs[0]!.laterDate).toBeUndefined();
    expect(inputs[0]!.points.some((p) => p.profitLater !== undefined)).toBe(false);
    expect(reply.attachments?.[0]?.description).toMatch(/: P\/L at expiry, today; ±1σ\/±2σ band; PoP \d+%$/);
  });
});

describe('laterInstant', () => {
  const calendar = makeApp().deps.calendar;
  it('steps back to a trading day and values at its 16:00 close', () => {
    // 2026-11-23 + 5 = Saturday 2026-11-28 -> Friday 2026-11-27 (the day after Thanksgiving, an early close but open).
    const later = laterInstant(calendar, TODAY, addDays(TODAY, 10));
    expect(later?.valuationDate).toBe('2026-11-27');
    expect(later?.valuationMs).toBe(calendar.newYorkInstant('2026-11-27', '16:00'));
  });

  it('describes an image without a today curve or band by what is there', () => {
    expect(payoffDescription({ title: 'T', points: [{ spot: 1, profitAtExpiry: 1 }], breakEvens: [], spot: 1 })).toBe(
      'T: P/L at expiry',
    );
  });
});
