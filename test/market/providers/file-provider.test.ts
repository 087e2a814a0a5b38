// MARKET_DATA=file: quotes.json, else the latest rows of the history CSVs; clear errors, then demo.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMarket } from '../../../src/market/index.ts';
import { parseAsOf } from '../../../src/market/file-provider.ts';
import { createStore, type SqliteStore } from '../../../src/store/index.ts';
import { cboeCloseCsv, cboeOhlcCsv, fredCsv, recordingLogger } from '../../support/cboe-fixtures.ts';
import { vixHistoryBars } from '../../support/cboe-market.ts';
import { tempDir } from '../../support/cleanup.ts';

const ny = (text: string) => Date.parse(`${text}-05:00`);
let dir: string;
let store: SqliteStore;
let now: number;
let logger: ReturnType<typeof recordingLogger>;

beforeEach(() => {
  dir = tempDir('condor-file-');
  store = createStore({ path: ':memory:' });
  now = ny('2026-11-20T16:30:00');
  logger = recordingLogger();
});
afterEach(async () => {
  await store.close();
});

const market = () =>
  createMarket({
    kind: 'file',
    clock: { now: () => now },
    logger,
    store,
    rate: 0.04,
    dividendYield: 0.013,
    cboeBaseUrl: 'http://127.0.0.1:9',
    dataDir: dir,
    staleAfterMinutes: 30,
  });
const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);

describe('quotes.json', () => {
  it('gives SPX, VIX, VIX3M, VVIX with their as-of time and previous closes', async () => {
    write(
      'quotes.json',
      JSON.stringify({
        SPX: 5800.1,
        VIX: 16.2,
        VIX3M: 17.9,
        VVIX: 92,
        asOf: '2026-11-20T16:00:00-05:00',
        previousClose: { SPX: 5790.3, VIX: 15.8 },
      }),
    );
    const snapshot = await market().snapshot();
    const asOfMs = ny('2026-11-20T16:00:00');
    expect(snapshot.spot).toEqual({ value: 5800.1, asOfMs, source: 'file', previousClose: 5790.3 });
    expect(snapshot.vix).toEqual({ value: 16.2, asOfMs, source: 'file', previousClose: 15.8 });
    expect(snapshot.vix3m).toEqual({ value: 17.9, asOfMs, source: 'file', previousClose: null });
    expect(snapshot.vvix?.value).toBe(92);
    expect(snapshot).toMatchObject({ demo: false, stale: false, asOfMs, chain: null });
    // No history file: the percentile is unknown and the notes say so.
    expect(snapshot.notes).toEqual([
      'VIX percentile unknown: 0 daily closes of VIX history, 20 needed (run `npm run cli -- data sync`).',
    ]);
    // The file provider neither fills nor reads the quote cache.
    expect(await store.quotes.get('SPX')).toBeNull();
  });

  it('optional VIX3M and VVIX may be left out; old quotes are STALE', async () => {
    write('quotes.json', JSON.stringify({ SPX: 5800.1, VIX: 16.2, asOf: '2026-11-18T16:00:00-05:00' }));
    const snapshot = await market().snapshot();
    expect(snapshot.vix3m).toBeNull();
    expect(snapshot.vvix).toBeNull();
    expect(snapshot.stale).toBe(true);
    expect(snapshot.notes).toContain('VIX3M, VVIX: not in quotes.json (unknown).');
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  const broken: Array<[string, string, string]> = [
    [
      'a negative price',
      JSON.stringify({ SPX: -1, VIX: 16, asOf: '2026-11-20' }),
      'quotes.json: SPX must be a positive number',
    ],
    ['a missing VIX', JSON.stringify({ SPX: 5800, asOf: '2026-11-20' }), 'quotes.json: VIX is missing'],
    [
      'a price as text',
      JSON.stringify({ SPX: '5800', VIX: 16, asOf: '2026-11-20' }),
      'quotes.json: SPX must be a number',
    ],
    [
      'no asOf',
      JSON.stringify({ SPX: 5800, VIX: 16 }),
      'quotes.json: asOf is missing (e.g. "2026-11-20T16:00:00-05:00")',
    ],
    [
      'a bad asOf',
      JSON.stringify({ SPX: 5800, VIX: 16, asOf: 'yesterday' }),
      "quotes.json: asOf 'yesterday' is not a date-time like 2026-11-20T16:00:00-05:00",
    ],
    ['malformed JSON', '{"SPX": 5800,', 'quotes.json: malformed JSON'],
    [
      'a bad previous close',
      JSON.stringify({ SPX: 5800, VIX: 16, asOf: '2026-11-20', previousClose: { SPX: 0 } }),
      'quotes.json: previousClose.SPX: previousClose must be a positive number',
    ],
  ];
  for (const [what, text, error] of broken) {
    it(`${what}: demo data, labelled with the file's error`, async () => {
      write('quotes.json', text);
      const snapshot = await market().snapshot();
      expect(snapshot.demo).toBe(true);
      expect(snapshot.notes).toHaveLength(1);
      expect(snapshot.notes[0]).toContain(`Market data files unusable (${error}`);
      expect(snapshot.notes[0]).toMatch(/: showing demo data\.$/);
      expect(logger.entries.some((entry) => entry.level === 'warn' && entry.object.fallback === 'demo')).toBe(true);
    });
  }

  it("reads asOf with an offset, in New York time without one, and a bare date as that day's close", () => {
    expect(parseAsOf('2026-11-20T21:00:00Z')).toBe(ny('2026-11-20T16:00:00'));
    expect(parseAsOf('2026-11-20T16:00:00')).toBe(ny('2026-11-20T16:00:00'));
    expect(parseAsOf('2026-11-27')).toBe(ny('2026-11-27T13:00:00')); // early close after Thanksgiving
    expect(parseAsOf('2026-07-01T16:00:00')).toBe(Date.parse('2026-07-01T16:00:00-04:00'));
    expect(parseAsOf('2026-02-30')).toBeNull();
  });

  it('a change to the file is seen on the next snapshot', async () => {
    write('quotes.json', JSON.stringify({ SPX: 5800, VIX: 16, asOf: '2026-11-20T16:00:00-05:00' }));
    const m = market();
    expect((await m.snapshot()).spot.value).toBe(5800);
    write('quotes.json', JSON.stringify({ SPX: 5811.25, VIX: 16, asOf: '2026-11-20T16:00:00-05:00' }));
    expect((await m.snapshot()).spot.value).toBe(5811.25);
  });
});

describe('the history CSVs', () => {
  it('give the latest close of each series (SPX from the newer of CBOE and FRED), stamped at that close', async () => {
    const vix = vixHistoryBars(ny('2026-11-21T12:00:00'), 40); // ends Friday 2026-11-20
    write('VIX_History.csv', cboeOhlcCsv(vix));
    write(
      'VIX3M_History.csv',
      cboeOhlcCsv([
        { date: '2026-11-19', close: 17.5 },
        { date: '2026-11-20', close: 17.9 },
      ]),
    );
    write('VVIX_History.csv', cboeCloseCsv('VVIX', [{ date: '2026-11-20', close: 92 }]));
    write(
      'SPX_History.csv',
      cboeCloseCsv('SPX', [
        { date: '2026-11-18', close: 5750 },
        { date: '2026-11-19', close: 5760 },
      ]),
    );
    write(
      'fred_SP500.csv',
      fredCsv('SP500', [
        { date: '2026-11-19', close: 5760 },
        { date: '2026-11-20', close: 5800.1 },
      ]),
    );
    const snapshot = await market().snapshot();
    const close = ny('2026-11-20T16:00:00');
    expect(snapshot.spot).toEqual({ value: 5800.1, asOfMs: close, source: 'file', previousClose: 5760 });
    expect(snapshot.vix).toEqual({
      value: vix.at(-1)!.close,
      asOfMs: close,
      source: 'file',
      previousClose: vix.at(-2)!.close,
    });
    expect(snapshot.vix3m?.value).toBe(17.9);
    expect(snapshot.vvix).toEqual({ value: 92, asOfMs: close, source: 'file', previousClose: null });
    // The percentile's history stops before the quote's own day.
    expect(snapshot.vixHistory).toEqual(vix.slice(0, -1).map((bar) => bar.close));
    expect(snapshot).toMatchObject({ demo: false, stale: false, notes: [] });
  });

  it('quotes.json wins over the CSVs', async () => {
    write('SPX_History.csv', cboeCloseCsv('SPX', [{ date: '2026-11-20', close: 5750 }]));
    write('VIX_History.csv', cboeOhlcCsv([{ date: '2026-11-20', close: 20 }]));
    write('quotes.json', JSON.stringify({ SPX: 5800, VIX: 16, asOf: '2026-11-20T16:00:00-05:00' }));
    expect((await market().snapshot()).spot.value).toBe(5800);
  });

  it('with no files at all: demo data and a note naming what is missing and where', async () => {
    const snapshot = await market().snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes).toEqual([
      `Market data files unusable (no quotes.json and no SPX_History.csv or fred_SP500.csv in ${dir}): ` +
        'showing demo data.',
    ]);
  });

  it('with SPX but no VIX file: demo data, naming the VIX file', async () => {
    write('SPX_History.csv', cboeCloseCsv('SPX', [{ date: '2026-11-20', close: 5750 }]));
    const snapshot = await market().snapshot();
    expect(snapshot.notes).toEqual([
      `Market data files unusable (no quotes.json and no VIX_History.csv in ${dir}): showing demo data.`,
    ]);
  });

  it('an HTML page saved as a history file is named in the error', async () => {
    write('SPX_History.csv', '<html>Access denied</html>');
    write('VIX_History.csv', cboeOhlcCsv([{ date: '2026-11-20', close: 20 }]));
    const snapshot = await market().snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes[0]).toMatch(/^Market data files unusable \(no quotes\.json and SPX_History\.csv: .* in /);
  });
});
