import { readFileSync } from 'node:fs';
import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCboeQuote, parseWallClock } from '../../src/market/parsers/cboe-quote.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('parseCboeQuote on the format samples', () => {
  it('reads the VIX quote: spot, change, New York trade time, UTC publication time', () => {
    expect(parseCboeQuote(fixture('cboe_delayed_quotes_quotes__VIX.json'))).toEqual({
      ok: true,
      value: {
        symbol: 'VIX',
        spot: 17.16,
        spotField: 'current_price',
        prevClose: 16.35,
        change: 0.81,
        changePercent: 4.9541,
        open: 16.19,
        high: 18.79,
        low: 16.04,
        iv30: null, // the VIX file carries 0.0: no iv30
        asOf: utc('2024-11-20T21:14:59'), // 16:14:59 EST
        publishedAt: utc('2024-11-21T01:52:51'),
      },
    });
  });

  it('reads the SPX header of the options file, with iv30 in percent', () => {
    const quote = parseCboeQuote(fixture('cboe_delayed_quotes_options__SPX.json'));
    expect(quote.ok && quote.value).toMatchObject({ symbol: 'SPX', spot: 5917.1099, prevClose: 5916.98, iv30: 13.373 });
  });

  it('accepts a space instead of the T in last_trade_time', () => {
    const spaced = fixture('cboe_delayed_quotes_quotes__VIX.json').replace(
      '"2024-11-20T16:14:59"',
      '"2024-11-20 16:14:59"',
    );
    const quote = parseCboeQuote(spaced);
    expect(quote.ok && quote.value.asOf).toBe(utc('2024-11-20T21:14:59'));
  });

  it('accepts JSON that is already parsed', () => {
    const quote = parseCboeQuote(JSON.parse(fixture('cboe_delayed_quotes_quotes__VIX.json')));
    expect(quote.ok && quote.value.spot).toBe(17.16);
  });
});

describe('New York trade times on the DST nights, whatever the season the code runs in', () => {
  // Luxon alone guesses an ambiguous wall time's offset from the current date (Settings.now):
  // run in December it read 01:30:15 on the fall-back night as EST, in July as EDT.
  const seasons = ['2026-12-03T15:00:00', '2027-07-01T12:00:00'];
  function inEachSeason(check: (runAt: string) => void) {
    const real = Settings.now;
    try {
      for (const runAt of seasons) {
        Settings.now = () => utc(runAt);
        check(runAt);
      }
    } finally {
      Settings.now = real;
    }
  }

  it('a trade in the repeated 01:00–02:00 hour of 2026-11-01 is its first occurrence (EDT)', () => {
    inEachSeason((runAt) => {
      const quote = parseCboeQuote(fixture('cboe_quote_fall_back_night.json'));
      expect(quote.ok && quote.value.asOf, `run at ${runAt}Z`).toBe(utc('2026-11-01T05:30:15')); // 01:30:15 EDT
      expect(quote.ok && quote.value.publishedAt, `run at ${runAt}Z`).toBe(utc('2026-11-01T05:45:15'));
    });
  });

  it('either side of the repeated hour, and in the spring-forward gap (the first minute after it)', () => {
    inEachSeason((runAt) => {
      const newYork = (text: string) => parseWallClock(text, 'America/New_York');
      const why = `run at ${runAt}Z`;
      expect(newYork('2026-11-01T00:59:59'), why).toBe(utc('2026-11-01T04:59:59')); // EDT
      expect(newYork('2026-11-01 02:00:00'), why).toBe(utc('2026-11-01T07:00:00')); // EST
      expect(newYork('2027-03-14T02:30:15'), why).toBe(utc('2027-03-14T07:00:15')); // 03:00:15 EDT
    });
  });

  it('refuses what no clock shows: a 30 February, hour 25, minute 61, second 60', () => {
    for (const text of ['2026-02-30T10:00:00', '2026-11-02T25:00:00', '2026-11-02T10:61:00', '2026-11-02T10:00:60'])
      expect(parseWallClock(text, 'America/New_York'), text).toBeNull();
    expect(parseWallClock('2024-11-21 01:52:51', 'UTC')).toBe(utc('2024-11-21T01:52:51'));
  });
});

describe('spot fallbacks', () => {
  it('falls back to close when current_price is NaN (Python writes bare NaN)', () => {
    const quote = parseCboeQuote(fixture('cboe_quote_close_fallback.json'));
    expect(quote.ok && quote.value).toMatchObject({
      spot: 20.42,
      spotField: 'close',
      asOf: utc('2026-03-09T14:04:59'),
    });
  });

  it('falls back to prev_day_close when current_price is 0 and close is null', () => {
    const quote = parseCboeQuote(fixture('cboe_quote_prev_close_only.json'));
    expect(quote.ok && quote.value).toMatchObject({ spot: 6845.5, spotField: 'prev_day_close', iv30: 12.1 });
  });

  it('leaves a "NaN" inside a string alone', () => {
    const body = fixture('cboe_quote_close_fallback.json').replace('"^VIX"', '"^NaN Index"');
    const quote = parseCboeQuote(body);
    expect(quote.ok && quote.value.symbol).toBe('NaN Index');
  });
});

describe('failure modes, each one line', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an HTML page', fixture('cboe_quote_html.txt'), /^CBOE quote: got an HTML page instead of JSON/],
    ['truncated JSON', fixture('cboe_quote_truncated.json'), /^CBOE quote: malformed JSON \(/],
    [
      'NaN, zero and negative prices',
      fixture('cboe_quote_nan_prices.json'),
      /^CBOE quote: no usable price \(current_price 'NaN', close 0, prev_day_close -1\)$/,
    ],
    ['no data object', fixture('cboe_quote_no_data.json'), /^CBOE quote: data: missing or not an object$/],
    ['an empty body', '  \n', /^CBOE quote: empty response$/],
    ['a JSON array', '[1,2]', /^CBOE quote: /],
    [
      'a bad envelope timestamp',
      fixture('cboe_delayed_quotes_quotes__VIX.json').replace('2024-11-21 01:52:51', 'yesterday'),
      /timestamp 'yesterday'/,
    ],
    [
      'an impossible trade time',
      fixture('cboe_delayed_quotes_quotes__VIX.json').replace('2024-11-20T16:14:59', '2024-11-31T16:14:59'),
      /last_trade_time '2024-11-31T16:14:59'/,
    ],
    [
      'a null trade time',
      fixture('cboe_delayed_quotes_quotes__VIX.json').replace('"2024-11-20T16:14:59"', 'null'),
      /last_trade_time is null/,
    ],
    [
      'prices as strings',
      fixture('cboe_quote_prev_close_only.json').replace('6845.5', '"6845.5"'),
      /no usable price \(current_price 0, close null, prev_day_close '6845.5'\)/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, body, message) => {
    const quote = parseCboeQuote(body);
    expect(quote.ok).toBe(false);
    if (!quote.ok) {
      expect(quote.error).toMatch(message);
      expect(quote.error).not.toContain('\n');
    }
  });
});
