// What the store benchmarks write (bench/store.ts, store-ports.ts, store-engines.ts): one entry
// snapshot, positions built from an index, one hedge layer, and a temp folder. The snapshot's
// doubles have full mantissas, as quotes and solved vols do, so parsing it costs what it costs in use.
// bench/run.ts runs bench/*.ts only: this folder is not a benchmark.
import type { EntrySnapshot } from '../../src/engine/index.ts';
import type { HedgeLayerRecord, NewPosition } from '../../src/app/ports.ts';

export { makeTempDir } from '../../test/support/temp-dir.ts';

/** Monday 2026-01-05, 09:30 New York: the first position's opening. */
const OPENED_MS = 1_767_623_400_000;

export const benchEntry: EntrySnapshot = {
  openedMs: OPENED_MS,
  openedDate: '2026-01-05',
  spot: 5987.123456789012,
  legVols: {
    longPut: 0.2345678901234567,
    shortPut: 0.1987654321098765,
    shortCall: 0.1234567890123456,
    longCall: 0.1111111111111111,
  },
  legVolSources: { longPut: 'chain', shortPut: 'chain', shortCall: 'chain', longCall: 'chain' },
  atmVol: 0.1499999999999999,
  vix: 16.73,
  credit: 14.2,
  years: 0.0958904109589041,
  rate: 0.0425,
  dividendYield: 0.013,
  cushion: 31.4,
  baselineK: 445.88,
  modelMark: 13.987654321,
  calibration: 1.0151,
  expectedMove: 175.3,
  shortPutMoves: 1.8,
  shortCallMoves: 2.1,
};

/** The i-th position: one a minute from OPENED_MS, 1 to 5 contracts, a note on every third. */
export const benchPosition = (i: number): NewPosition => ({
  underlying: 'SPX',
  strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
  expiry: '2027-01-08',
  settlement: 'PM',
  settlementMs: 1_799_442_000_000,
  quantity: 1 + (i % 5),
  credit: 14.2,
  note: i % 3 ? null : `fill ${i}`,
  openedMs: OPENED_MS + i * 60_000,
  entry: benchEntry,
  entrySource: 'cboe',
});

export const benchHedgeLayer: HedgeLayerRecord = {
  layer: 1,
  vixExpiry: '2026-02-18',
  longStrike: 25,
  shortStrike: 35,
  debit: 0.85,
  contracts: 3,
  adoptedMs: 1,
};
