// The rate and dividend yield the delayed SPX chain implies (put-call parity on its bid/ask), served
// by the loopback CBOE: they price every snapshot while the chain is fresh, labelled; stale or
// implausible, the configured ones price, and the reply says why.
import { afterEach, describe, expect, it } from 'vitest';
import { ratesLine } from '../../../src/app/market-view.ts';
import { MS_PER_YEAR } from '../../../src/engine/dates.ts';
import { settlementInstant } from '../../../src/market/calendar.ts';
import { parseCboeChain } from '../../../src/market/parsers/cboe-chain.ts';
import { chainJson } from '../../support/cboe-fixtures.ts';
import { chainPath } from '../../support/cboe-server.ts';
import { FIXTURE, LAST_TRADE, LAST_TRADE_MS, harness, quoteRoutes, type Harness } from '../../support/cboe-market.ts';
import { occ, parityChainJson } from '../../support/parity-chain.ts';

let h: Harness;
afterEach(async () => h?.close());

const MINUTE = 60_000;
const withChain = (body = parityChainJson()) => harness({ ...quoteRoutes(), [chainPath]: body });

/** The fixture's mid of one contract, read from the raw JSON (not through the parser). */
function mid(body: string, symbol: string): number {
  const rows = (JSON.parse(body) as { data: { options: { option: string; bid: number; ask: number }[] } }).data.options;
  const row = rows.find((r) => r.option === symbol)!;
  return (row.bid + row.ask) / 2;
}

describe('chain-implied r and q', () => {
  it('one box spread from the fixture mids gives the rate the chain prices with, by hand', async () => {
    const body = parityChainJson();
    h = await withChain(body);
    const snapshot = await h.market().snapshot({ chain: true });
    // The pricing expiry is the one nearest 45 days at least 14 out: 2026-12-31 SPXW, 43 days.
    expect(snapshot.ratesFrom).toEqual({ from: 'chain', asOfMs: LAST_TRADE_MS, expiry: '2026-12-31' });

    // By hand: the 5,300/6,300 box = (C − P at 5,300) − (C − P at 6,300) = D × 1,000 points,
    // and r = −ln(D) / T on the calendar clock to the 16:00 settlement.
    const synthetic = (strike: number) =>
      mid(body, occ('SPXW', '2026-12-31', 'C', strike)) - mid(body, occ('SPXW', '2026-12-31', 'P', strike));
    const box = synthetic(5300) - synthetic(6300);
    const years = (Date.parse('2026-12-31T21:00:00Z') - LAST_TRADE_MS) / (365 * 86_400_000);
    const boxRate = Math.log(1000 / box) / years;
    // Cents of rounding on four mids move one box's rate by at most 0.02 / 1,000 / T ≈ 0.0002.
    expect(Math.abs(snapshot.rate - boxRate)).toBeLessThan(4e-4);
    // The fit over all strike pairs lands on the rate the fixture was priced at (4.3%, q 1.35%).
    expect(snapshot.rate).toBeCloseTo(0.043, 3);
    expect(snapshot.dividendYield).toBeCloseTo(0.0135, 3);
    // The independent clock agrees with the market's (settlement instant from the calendar).
    expect(years).toBeCloseTo((settlementInstant('2026-12-31', 'PM') - LAST_TRADE_MS) / MS_PER_YEAR, 12);
    expect(ratesLine(snapshot)).toBe(
      `r ${(snapshot.rate * 100).toFixed(2)}%, q ${(snapshot.dividendYield * 100).toFixed(2)}% ` +
        'implied by the SPX chain at 10:44 ET (delayed).',
    );
    expect(ratesLine(snapshot)).toMatch(/^r 4\.3\d%, q 1\.3\d% implied/);
  });

  it('every snapshot prices with them while the chain is fresh, then falls back to the configured ones', async () => {
    h = await withChain();
    const market = h.market();
    const first = await market.snapshot({ chain: true });
    // A command that does not ask for the chain (/condor suggest, the summaries) prices alike.
    const plain = await market.snapshot();
    expect(plain.chain).toBeNull();
    expect([plain.rate, plain.dividendYield, plain.ratesFrom]).toEqual([
      first.rate,
      first.dividendYield,
      first.ratesFrom,
    ]);
    // In market hours the chain (as of 10:44) is stale past 30 minutes: 11:20 is too late.
    h.clock.advance(20 * MINUTE);
    const later = await market.snapshot();
    expect(later).toMatchObject({ rate: 0.04, dividendYield: 0.013 });
    expect(later.ratesFrom).toBeUndefined();
    expect(ratesLine(later)).toBeNull();
  });

  it('an implausible implied rate is not used: the configured ones price, and the reply says why', async () => {
    h = await withChain(parityChainJson({ rate: 0.25 }));
    const snapshot = await h.market().snapshot({ chain: true });
    expect(snapshot).toMatchObject({ rate: 0.04, dividendYield: 0.013 });
    expect(snapshot.chain!.parity!.implied!.rate).toBeCloseTo(0.25, 3);
    expect(ratesLine(snapshot)).toBe(
      "Configured r 4.00%, q 1.30% used: the chain's implied r 25.00% outside -1% to 15%.",
    );
    expect(
      h.logger.entries.some((e) => e.level === 'warn' && /chain-implied rates refused/.test(String(e.message))),
    ).toBe(true);
  });

  it('a chain too thin to read (two strikes a side) leaves the configured rates', async () => {
    const rows = ['C', 'P'].flatMap((type) =>
      [5800, 5825].map((strike) => ({
        option: occ('SPXW', '2026-12-31', type as 'C' | 'P', strike),
        iv: 0.15,
        bid: 50,
        ask: 51,
      })),
    );
    h = await withChain(chainJson({ spot: FIXTURE.SPX, lastTradeTime: LAST_TRADE, rows }));
    const snapshot = await h.market().snapshot({ chain: true });
    expect(snapshot.chain!.parity).toEqual({ asOfMs: LAST_TRADE_MS, spot: FIXTURE.SPX, expiries: [], implied: null });
    expect(snapshot).toMatchObject({ rate: 0.04, dividendYield: 0.013 });
  });
});

describe('the chain parser keeps bid/ask per strike for parity', () => {
  it('pairs each strike’s call and put, keeping a row whose IV is the feed’s nonsense', () => {
    const rows = [
      { option: 'SPXW261231C05000000', iv: 4.1223, bid: 820.5, ask: 824.5 },
      { option: 'SPXW261231P05000000', iv: 0.31, bid: 3.1, ask: 3.3 },
      { option: 'SPXW261231C05800000', iv: 0.15, bid: 120.1, ask: 120.9 },
      { option: 'SPXW261231P05800000', iv: null, bid: 98.2, ask: 99.0 },
      // Crossed: no book for 6,000.
      { option: 'SPXW261231C06000000', iv: 0.13, bid: 30, ask: 29 },
      { option: 'SPXW261231P06000000', iv: 0.14, bid: 200, ask: 201 },
      // A call alone.
      { option: 'SPXW261231C06100000', iv: 0.12, bid: 12, ask: 12.6 },
    ];
    const parsed = parseCboeChain(chainJson({ spot: FIXTURE.SPX, lastTradeTime: LAST_TRADE, rows }));
    if (!parsed.ok) throw new Error(parsed.error);
    const series = parsed.value.expiries.find((e) => e.expiry === '2026-12-31' && e.root === 'SPXW')!;
    expect(series.book).toEqual([
      { strike: 5000, callBid: 820.5, callAsk: 824.5, putBid: 3.1, putAsk: 3.3 },
      { strike: 5800, callBid: 120.1, callAsk: 120.9, putBid: 98.2, putAsk: 99.0 },
    ]);
    // The vols still drop the nonsense IV rows.
    expect(series.calls.map((c) => c.strike)).toEqual([5800, 6100]);
    expect(series.puts.map((p) => p.strike)).toEqual([5000, 6000]);
  });
});
