// A delayed-quotes SPX chain (the feed's keys, via chainJson) whose calls and puts are priced by
// Black-Scholes-Merton at a known rate and dividend yield and quoted a fixed half-spread either
// side, in cents: what put-call parity should read back. Made-up numbers, never market data.
import { optionPrice } from '../../src/engine/index.ts';
import { MS_PER_YEAR } from '../../src/engine/dates.ts';
import { settlementInstant } from '../../src/market/calendar.ts';
import { chainJson, type ChainRow } from './cboe-fixtures.ts';
import { FIXTURE, LAST_TRADE, LAST_TRADE_MS } from './cboe-market.ts';

export interface ParitySeries {
  expiry: string;
  root: 'SPX' | 'SPXW';
}

/** Expiries around the fixed clock of cboe-market.ts (Wed 2026-11-18): 2, 30, 43 and 72 days. */
export const PARITY_SERIES: readonly ParitySeries[] = [
  { expiry: '2026-11-20', root: 'SPXW' },
  { expiry: '2026-12-18', root: 'SPX' },
  { expiry: '2026-12-31', root: 'SPXW' },
  { expiry: '2027-01-29', root: 'SPXW' },
];

export interface ParityChainOptions {
  rate?: number;
  dividendYield?: number;
  vol?: number;
  halfSpread?: number;
  /** Points added to one call's bid and ask: `${expiry}|${strike}` → shift. */
  callShift?: Record<string, number>;
  series?: readonly ParitySeries[];
}

const cents = (value: number) => Math.round(value * 100) / 100;

/** OCC symbol: root + YYMMDD + C/P + strike × 1000 in 8 digits. */
export const occ = (root: string, expiry: string, type: 'C' | 'P', strike: number) =>
  `${root}${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8, 10)}` +
  `${type}${String(strike * 1000).padStart(8, '0')}`;

export function parityChainRows(options: ParityChainOptions = {}): ChainRow[] {
  const { rate = 0.043, dividendYield = 0.0135, vol = 0.16, halfSpread = 0.3, callShift = {} } = options;
  const spot = FIXTURE.SPX;
  const rows: ChainRow[] = [];
  for (const { expiry, root } of options.series ?? PARITY_SERIES) {
    const settlementMs = settlementInstant(expiry, root === 'SPX' ? 'AM' : 'PM');
    const years = (settlementMs - LAST_TRADE_MS) / MS_PER_YEAR;
    for (let strike = 5000; strike <= 6600; strike += 25) {
      for (const type of ['C', 'P'] as const) {
        const price =
          optionPrice(type === 'C' ? 'call' : 'put', spot, strike, years, vol, rate, dividendYield) +
          (type === 'C' ? (callShift[`${expiry}|${strike}`] ?? 0) : 0);
        rows.push({
          option: occ(root, expiry, type, strike),
          iv: vol,
          bid: cents(Math.max(0.05, price - halfSpread)),
          ask: cents(Math.max(0.1, price + halfSpread)),
        });
      }
    }
  }
  return rows;
}

/** The /options/_SPX.json body of such a chain, stamped at cboe-market.ts's LAST_TRADE. */
export function parityChainJson(options: ParityChainOptions = {}): string {
  return chainJson({ spot: FIXTURE.SPX, lastTradeTime: LAST_TRADE, rows: parityChainRows(options) });
}
