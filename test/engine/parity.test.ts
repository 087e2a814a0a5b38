// Put-call parity on a chain: a chain priced by Black-Scholes-Merton at a known rate and dividend
// yield, quoted with a bid/ask around the model, gives those back; a strike quoted off parity by
// more than its spread is flagged, the others are not ("none beyond the spread" on a clean chain).
import { describe, expect, it } from 'vitest';
import { optionPrice } from '../../src/engine/index.ts';
import { chainParity, type ParityQuote } from '../../src/engine/parity.ts';

const SPOT = 6000;
const YEARS = 45 / 365;
const RATE = 0.043;
const YIELD = 0.0135;
const VOL = 0.16;

function chain(halfSpread = 0.25, shift: Record<number, number> = {}) {
  const calls: ParityQuote[] = [];
  const puts: ParityQuote[] = [];
  for (let strike = 5000; strike <= 7000; strike += 25) {
    const c = optionPrice('call', SPOT, strike, YEARS, VOL, RATE, YIELD) + (shift[strike] ?? 0);
    const p = optionPrice('put', SPOT, strike, YEARS, VOL, RATE, YIELD);
    calls.push({ strike, bid: Math.max(0.05, c - halfSpread), ask: c + halfSpread });
    puts.push({ strike, bid: Math.max(0.05, p - halfSpread), ask: p + halfSpread });
  }
  return { spot: SPOT, years: YEARS, calls, puts };
}

describe('chainParity', () => {
  it('recovers the rate and dividend yield of a chain priced at them, with nothing beyond the spread', () => {
    const reading = chainParity(chain())!;
    expect(reading.rate).toBeCloseTo(RATE, 6);
    expect(reading.dividendYield).toBeCloseTo(YIELD, 6);
    // By hand: F = S·e^((r − q)·T) = 6000·e^(0.0295·45/365).
    expect(reading.forward).toBeCloseTo(6000 * Math.exp((0.043 - 0.0135) * (45 / 365)), 4);
    expect(reading.discount).toBeCloseTo(Math.exp(-0.043 * (45 / 365)), 9);
    expect(reading.strikesUsed).toBe(49); // 5,400 to 6,600 in steps of 25
    expect(reading.beyondSpread).toEqual([]);
  });

  it('one odd quote inside the band neither moves the reading nor flags its neighbours', () => {
    const clean = chainParity(chain())!;
    const reading = chainParity(chain(0.25, { 6500: 1.5 }))!;
    // A single least-squares line would tilt (r moves by several bp); the refit reads the chain.
    expect(reading.rate).toBeCloseTo(RATE, 5);
    expect(reading.dividendYield).toBeCloseTo(YIELD, 5);
    expect(reading.strikesUsed).toBe(clean.strikesUsed - 1);
    expect(reading.beyondSpread.map((d) => d.strike)).toEqual([6500]);
    expect(reading.beyondSpread[0]!.sell - reading.beyondSpread[0]!.parity).toBeCloseTo(1.0, 4);
  });

  it('flags a strike whose call is quoted 1.5 points off parity with a 0.5-point spread', () => {
    const reading = chainParity(chain(0.25, { 6800: 1.5 }))!;
    expect(reading.beyondSpread.map((d) => d.strike)).toEqual([6800]);
    const [flagged] = reading.beyondSpread;
    // Parity is 1.5 below the quotes' mid; selling the synthetic brings mid − 0.5: 1.0 beyond.
    expect(flagged!.beyondSpread).toBeCloseTo(1.0, 6);
    expect(flagged!.sell - flagged!.parity).toBeCloseTo(1.0, 6);
    // Far from the money, the fit is untouched.
    expect(reading.rate).toBeCloseTo(RATE, 6);
  });

  it('needs three two-sided strikes near the money and time to expiry', () => {
    const { calls, puts } = chain();
    expect(chainParity({ spot: SPOT, years: 0, calls, puts })).toBeNull();
    expect(chainParity({ spot: SPOT, years: YEARS, calls: calls.slice(0, 10), puts })).toBeNull();
    const oneSided = puts.map((p) => ({ ...p, bid: 0 }));
    expect(chainParity({ spot: SPOT, years: YEARS, calls, puts: oneSided })).toBeNull();
  });
});
