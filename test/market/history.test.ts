import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumber, fromDayNumber } from '../../src/engine/dates.ts';
import {
  parseDailyHistory,
  parseHistoryCsv,
  parseStooqCsv,
  parseStooqQuote,
  parseYahooChart,
  type DailySeries,
} from '../../src/market/parsers/history.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const series = (result: ReturnType<typeof parseDailyHistory>): DailySeries => {
  if (!result.ok) throw new Error(result.error);
  return result.value;
};
const closes = (s: DailySeries) => s.bars.map((b) => b.close);
const dates = (s: DailySeries) => s.bars.map((b) => b.date);

// The SPX closes of 2024-11-18..22, which every SPX sample carries in its own format.
const SPX_WEEK = [5893.62, 5916.98, 5917.11, 5948.71, 5969.34];
const WEEK = ['2024-11-18', '2024-11-19', '2024-11-20', '2024-11-21', '2024-11-22'];

describe('every format sample', () => {
  it.each([
    'cboe_us_indices_daily_prices__SPX_History.csv',
    'stooq_q_d_l__spx_d.csv',
    'yahoo_v7_download__GSPC_legacy.csv',
    'yahoo_v8_chart__GSPC_1d.json',
  ])('%s gives the same SPX week, rounded to cents', (name) => {
    const parsed = series(parseDailyHistory(fixture(name)));
    expect(dates(parsed)).toEqual(WEEK);
    expect(closes(parsed)).toEqual(SPX_WEEK);
  });

  it('CBOE VIX OHLC with MM/DD/YYYY dates', () => {
    const vix = series(parseDailyHistory(fixture('cboe_us_indices_daily_prices__VIX_History.csv')));
    expect(vix.bars).toHaveLength(8);
    expect(vix.bars[0]).toEqual({ date: '1990-01-02', open: 17.24, high: 17.24, low: 17.24, close: 17.24 });
    expect(vix.bars.at(-1)).toEqual({ date: '2024-11-22', open: 16.67, high: 17.56, low: 15.24, close: 15.24 });
    expect(series(parseDailyHistory(fixture('cboe_us_indices_daily_prices__VIX3M_History.csv'))).bars[2]).toEqual({
      date: '2009-09-22',
      open: 25.97,
      high: 26.21,
      low: 25.65,
      close: 25.69,
    });
  });

  it('close-only CBOE files take the last column', () => {
    const vvix = series(parseDailyHistory(fixture('cboe_us_indices_daily_prices__VVIX_History.csv')));
    expect(vvix.bars.at(-1)).toEqual({ date: '2024-11-22', close: 91.76 });
    expect(closes(series(parseDailyHistory(fixture('cboe_skew_history.csv'))))).toEqual([151.93, 153.01, 150.29]);
  });

  it('FRED current (empty) and legacy (.) layouts agree and drop the holiday', () => {
    const current = series(parseDailyHistory(fixture('fred_fredgraph_csv__VIXCLS.csv')));
    const legacy = series(parseDailyHistory(fixture('fred_fredgraph_csv__VIXCLS_legacy.csv')));
    expect(legacy).toEqual(current);
    expect(dates(current)).not.toContain('2016-02-15');
    expect(current.report).toMatchObject({ rows: 6, missingValue: 1 });
    const sp500 = series(parseDailyHistory(fixture('fred_fredgraph_csv__SP500.csv')));
    expect(sp500.bars).toHaveLength(7);
    expect(dates(sp500)).not.toContain('2024-11-28');
    expect(dates(series(parseDailyHistory(fixture('fred_sp500_mourning.csv'))))).not.toContain('2025-01-09');
  });

  it('ISO-date files of shared/data: float64 closes to cents, VIX holiday rows kept for the join', () => {
    expect(closes(series(parseDailyHistory(fixture('spx_close_float64.csv'))))).toEqual([359.69, 358.76, 355.67]);
    expect(dates(series(parseDailyHistory(fixture('vix_daily_iso.csv'))))).toContain('2025-07-04');
  });

  it('Stooq JSON quote: one bar', () => {
    expect(series(parseStooqQuote(fixture('stooq_q_l__spx_json.json'))).bars).toEqual([
      { date: '2024-11-22', open: 5944.36, high: 5972.9, low: 5944.36, close: 5969.34 },
    ]);
    expect(series(parseDailyHistory(fixture('stooq_q_l__spx_json.json'))).bars).toHaveLength(1);
  });
});

describe('hand-made edge cases', () => {
  it('sorts, de-duplicates (last wins), drops empty, NaN and unreadable rows, counts open outside high-low', () => {
    const vix = series(parseHistoryCsv(fixture('cboe_vix_history_edge.csv')));
    expect(dates(vix)).toEqual(['2024-11-25', '2024-11-26', '2024-11-27', '2024-11-28', '2024-11-29', '2024-12-02']);
    expect(vix.bars.find((b) => b.date === '2024-11-29')!.open).toBe(14.05);
    expect(vix.bars.at(-1)).toEqual({ date: '2024-12-02', open: 18.5, high: 14.4, low: 13.2, close: 13.34 });
    expect(vix.report).toEqual({ rows: 10, missingValue: 2, malformed: 1, duplicates: 1, openOutsideRange: 1 });
  });

  it('Yahoo: nulls are dropped, a null open just leaves the open out', () => {
    const chart = JSON.parse(fixture('yahoo_v8_chart__GSPC_1d.json'));
    chart.chart.result[0].indicators.quote[0].close[2] = null;
    chart.chart.result[0].indicators.quote[0].open[1] = null;
    const parsed = series(parseYahooChart(chart));
    expect(dates(parsed)).toEqual(['2024-11-18', '2024-11-19', '2024-11-21', '2024-11-22']);
    expect(parsed.bars[1]).toEqual({ date: '2024-11-19', high: 5923.51, low: 5855.29, close: 5916.98 });
    expect(parsed.report.missingValue).toBe(1);
  });

  it('Yahoo: a summer bar stamped 09:30 EDT keeps its New York date', () => {
    const chart = JSON.parse(fixture('yahoo_v8_chart__GSPC_1d.json'));
    chart.chart.result[0].timestamp = [
      Date.UTC(2024, 6, 1, 13, 30) / 1000,
      1732199400,
      1732285800,
      1732285800 + 3 * 86400,
      1732285800 + 4 * 86400,
    ];
    expect(dates(series(parseYahooChart(chart)))[0]).toBe('2024-07-01');
  });
});

describe('failures, each one line', () => {
  it.each([
    [
      'Stooq HTML proof-of-work page',
      () => parseStooqCsv(fixture('stooq_html.txt')),
      /^Stooq CSV: the body does not start with 'Date,'/,
    ],
    ['an HTML page anywhere', () => parseDailyHistory(fixture('stooq_html.txt')), /HTML page/],
    [
      'an HTML page given as CSV',
      () => parseHistoryCsv(fixture('cboe_quote_html.txt')),
      /^history CSV: got an HTML page/,
    ],
    [
      'Yahoo chart.error',
      () => parseDailyHistory(fixture('yahoo_v8_chart_error.json')),
      /^Yahoo chart: Not Found: No data found, symbol may be delisted$/,
    ],
    [
      'Yahoo v7 forbidden',
      () => parseDailyHistory(fixture('yahoo_v7_forbidden.json')),
      /^Yahoo: User is unable to access this feature/,
    ],
    ['malformed JSON', () => parseDailyHistory('{"chart": {"result": [}'), /^history JSON: malformed JSON/],
    ['malformed Yahoo text', () => parseYahooChart('{"chart":'), /^Yahoo chart: malformed JSON/],
    ['an unknown JSON', () => parseDailyHistory('{"data": []}'), /neither a Yahoo chart nor a Stooq quote/],
    ['an unknown header', () => parseHistoryCsv('time,price\n1,2\n'), /unrecognised header 'time,price'/],
    ['an empty file', () => parseHistoryCsv(''), /empty file/],
    ['a header only', () => parseHistoryCsv('DATE,VVIX\n'), /no rows with a value \(0 rows read\)/],
    [
      'all values missing',
      () => parseHistoryCsv('observation_date,VIXCLS\n2016-02-15,\n2016-02-16,.\n'),
      /no rows with a value \(2 rows read\)/,
    ],
    [
      'mostly unreadable rows',
      () => parseHistoryCsv('DATE,CLOSE\n1/2/90,1\nx,2\n2024-01-02,abc\n2024-01-03,5\n'),
      /3 of 4 rows unreadable/,
    ],
    ['a Stooq quote without symbols', () => parseStooqQuote('{"symbols":[]}'), /^Stooq quote: symbols: /],
  ])('rejects %s', (_name, run, message) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error).not.toContain('\n');
    }
  });
});

describe('any CSV the parser is given', () => {
  const day = fc.integer({ min: dayNumber(1990, 1, 1), max: dayNumber(2030, 12, 31) }).map(fromDayNumber);
  const row = fc.record({ date: day, close: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100) });

  it('comes out ascending, one bar per date, the last row of a date winning, in either date style', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.boolean(), (rows, usStyle) => {
        const text =
          (usStyle ? 'DATE,CLOSE\n' : 'Date,Close\n') +
          rows
            .map((r) => {
              const date = usStyle ? `${r.date.slice(5, 7)}/${r.date.slice(8)}/${r.date.slice(0, 4)}` : r.date;
              return `${date},${r.close.toFixed(6)}`;
            })
            .join('\n');
        const parsed = series(parseHistoryCsv(text));
        const expected = new Map(rows.map((r) => [r.date, r.close]));
        expect(parsed.bars).toEqual(
          [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, close]) => ({ date, close })),
        );
        expect(parsed.report.duplicates).toBe(rows.length - expected.size);
      }),
    );
  });
});
