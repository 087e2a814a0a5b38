// The SPX daily closes the market keeps for RSI and MACD: the history files (CBOE's SPX_History.csv,
// FRED's SP500 for the days CBOE lacks), then the closes the quote cache collected after them.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cboeCloseCsv, fredCsv } from '../../support/cboe-fixtures.ts';
import { harness, PREVIOUS, vixHistoryBars, type Harness } from '../../support/cboe-market.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const QUOTE_DAY_MS = Date.parse('2026-11-18T16:00:00Z'); // the harness's quote day, 2026-11-18

describe('SPX daily closes in the snapshot', () => {
  it('come from SPX_History.csv before the quote day, FRED filling the days CBOE lacks', async () => {
    h = await harness();
    const bars = vixHistoryBars(QUOTE_DAY_MS, 40).map((bar, i) => ({ date: bar.date, close: 5000 + i }));
    writeFileSync(path.join(h.dataDir, 'SPX_History.csv'), cboeCloseCsv('SPX', bars.slice(0, 30)));
    writeFileSync(
      path.join(h.dataDir, 'fred_SP500.csv'),
      fredCsv(
        'SP500',
        bars.map((bar) => ({ date: bar.date, close: bar.close + 0.5 })),
      ),
    );
    const { spxCloses } = await h.market().snapshot();
    expect(spxCloses).toHaveLength(40);
    expect(spxCloses![0]).toEqual({ date: bars[0]!.date, close: 5000 }); // CBOE's where it has the day
    expect(spxCloses!.at(-1)).toEqual({ date: '2026-11-17', close: 5039.5 }); // FRED's after CBOE ends
  });

  it('without files, the cache keeps each quote day and the previous close', async () => {
    h = await harness();
    const first = await h.market().snapshot();
    expect(first.spxCloses).toEqual([{ date: '2026-11-17', close: PREVIOUS.SPX }]);
  });
});
