// Staleness with a fixed clock (in hours, after hours, weekends, holidays), the VIX history for
// the percentile (files, then the cache's daily closes), and the fallback chain on a fake source.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuoteCache } from '../../../src/app/ports.ts';
import {
  createFallbackMarket,
  dailyCloseKey,
  type MarketSymbol,
  type QuoteSource,
  type SourceQuote,
} from '../../../src/market/fallback.ts';
import type { BudgetTimer } from '../../../src/market/answer-budget.ts';
import { HttpError } from '../../../src/market/http.ts';
import { createStore } from '../../../src/store/index.ts';
import { cboeOhlcCsv, quoteJson, recordingLogger } from '../../support/cboe-fixtures.ts';
import { quotePath } from '../../support/cboe-server.ts';
import { FIXTURE, harness, PREVIOUS, quoteRoutes, vixHistoryBars, type Harness } from '../../support/cboe-market.ts';
import { tempDir } from '../../support/cleanup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An instant from New York wall-clock text (EST dates in November; EDT in summer is not used here). */
const ny = (text: string) => Date.parse(`${text}-05:00`);

describe('staleness on the CBOE provider, fixed clock', () => {
  const cases: Array<[string, string, string, boolean, number?]> = [
    ['in hours, 15 min old (the usual delay)', '2026-11-18T11:00:00', '2026-11-18T10:44:59', false],
    ['in hours, 40 min old', '2026-11-18T11:00:00', '2026-11-18T10:20:00', true],
    ['in hours, STALE_AFTER_MINUTES=10 and 15 min old', '2026-11-18T11:00:00', '2026-11-18T10:44:59', true, 10],
    ['after hours, the 16:14 print', '2026-11-18T20:00:00', '2026-11-18T16:14:59', false],
    ['after hours, the previous day', '2026-11-18T20:00:00', '2026-11-17T16:14:59', true],
    ['pre-market, the previous close', '2026-11-18T08:00:00', '2026-11-17T16:14:59', false],
    ['weekend, Friday close', '2026-11-21T12:00:00', '2026-11-20T16:14:59', false],
    ['weekend, Thursday close', '2026-11-21T12:00:00', '2026-11-19T16:14:59', true],
    ['Thanksgiving, Wednesday close', '2026-11-26T12:00:00', '2026-11-25T16:14:59', false],
    ['day after Thanksgiving after the 13:00 close', '2026-11-27T15:00:00', '2026-11-27T13:14:59', false],
    ['day after Thanksgiving after the 13:00 close, morning print', '2026-11-27T15:00:00', '2026-11-27T11:00:00', true],
  ];
  for (const [what, now, lastTrade, stale, limit] of cases) {
    it(`${what}: ${stale ? 'STALE' : 'fresh'}`, async () => {
      h = await harness(quoteRoutes(lastTrade), ny(now));
      const snapshot = await h.market(limit ? { staleAfterMinutes: limit } : {}).snapshot();
      expect(snapshot.asOfMs).toBe(ny(lastTrade));
      expect(snapshot.stale).toBe(stale);
    });
  }

  it('a cached quote keeps its own as-of time: fresh over the weekend, stale by Monday 10:30', async () => {
    h = await harness(quoteRoutes('2026-11-20T16:14:59'), ny('2026-11-20T20:00:00'));
    await h.market().snapshot();
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) h.server.serve(quotePath(symbol), { status: 500 });
    h.clock.set(ny('2026-11-22T12:00:00'));
    const weekend = await h.market().snapshot();
    expect(weekend).toMatchObject({ stale: false, demo: false });
    expect(weekend.notes).toContain(
      'CBOE unreachable (HTTP 500 Internal Server Error): cached quotes from 43 h 45 min ago.',
    );
    h.clock.set(ny('2026-11-23T10:30:00'));
    const monday = await h.market().snapshot();
    expect(monday.stale).toBe(true);
    expect(monday.notes).toContain('CBOE unreachable (HTTP 500 Internal Server Error): cached quotes from 2 d ago.');
  });
});

describe('VIX history for the percentile', () => {
  it('comes from VIX_History.csv: the last 252 trading-day closes before the quote day', async () => {
    h = await harness();
    // A holiday row (CBOE's file has some since 2022) and a row for the quote day itself.
    const bars = [...vixHistoryBars(ny('2026-11-18T11:00:00'), 300), { date: '2026-11-18', close: 99 }];
    bars.splice(200, 0, { date: '2026-09-07', close: 77 }); // Labor Day 2026
    writeFileSync(
      path.join(h.dataDir, 'VIX_History.csv'),
      cboeOhlcCsv(bars.sort((a, b) => (a.date < b.date ? -1 : 1))),
    );
    const snapshot = await h.market().snapshot();
    expect(snapshot.vixHistory).toHaveLength(252);
    expect(snapshot.vixHistory).not.toContain(99);
    expect(snapshot.vixHistory).not.toContain(77);
    expect(snapshot.vixHistory).toEqual(
      vixHistoryBars(ny('2026-11-18T11:00:00'), 300)
        .slice(-252)
        .map((bar) => bar.close),
    );
    expect(snapshot.notes).toEqual([]);
  });

  it('on a weekend excludes Friday, the day of the VIX quote', async () => {
    h = await harness(quoteRoutes('2026-11-20T16:14:59'), ny('2026-11-21T12:00:00'), { history: false });
    const bars = vixHistoryBars(ny('2026-11-21T12:00:00'), 30); // ends Friday 2026-11-20
    expect(bars.at(-1)!.date).toBe('2026-11-20');
    writeFileSync(path.join(h.dataDir, 'VIX_History.csv'), cboeOhlcCsv(bars));
    const snapshot = await h.market().snapshot();
    expect(snapshot.vixHistory).toEqual(bars.slice(0, -1).map((bar) => bar.close));
  });

  it('without a file or cached closes: empty, and the notes say the percentile is unknown', async () => {
    h = await harness(quoteRoutes(), undefined, { history: false });
    const snapshot = await h.market().snapshot();
    // The quote itself taught the cache one close: yesterday's (prev_day_close).
    expect(snapshot.vixHistory).toEqual([15.8]);
    expect(snapshot.notes).toEqual([
      'VIX percentile unknown: 1 daily close of VIX history, 20 needed (run `npm run cli -- data sync`).',
    ]);
  });

  it('is completed with the daily closes the cache collected after the file ends', async () => {
    h = await harness(quoteRoutes(), undefined, { history: false });
    const all = vixHistoryBars(ny('2026-11-18T11:00:00'), 100);
    writeFileSync(path.join(h.dataDir, 'VIX_History.csv'), cboeOhlcCsv(all.slice(0, 90)));
    for (const bar of all.slice(90))
      await h.store.quotes.put({
        symbol: dailyCloseKey('VIX', bar.date),
        value: bar.close + 100,
        asOfMs: 0,
        fetchedMs: 0,
        source: 'cboe',
      });
    const snapshot = await h.market().snapshot();
    const expected = [...all.slice(0, 90).map((b) => b.close), ...all.slice(90, 99).map((b) => b.close + 100), 15.8];
    expect(snapshot.vixHistory).toEqual(expected);
    expect(snapshot.notes).toEqual([]);
  });

  it('says when the history file is old and the cache does not fill the gap', async () => {
    h = await harness(quoteRoutes(), undefined, { history: false });
    const bars = vixHistoryBars(ny('2026-11-18T11:00:00'), 100).slice(0, 80);
    writeFileSync(path.join(h.dataDir, 'VIX_History.csv'), cboeOhlcCsv(bars));
    const snapshot = await h.market().snapshot();
    // 80 closes from the file, then a hole, then yesterday's close from the quote's prev_day_close.
    expect(snapshot.vixHistory).toHaveLength(81);
    expect(snapshot.notes).toEqual([
      `VIX history misses 19 of the last 100 trading days (VIX_History.csv ends ${bars.at(-1)!.date}): ` +
        'run `npm run cli -- data sync`.',
    ]);
  });

  it('an unreadable history file is reported, not fatal', async () => {
    h = await harness(quoteRoutes(), undefined, { history: false });
    writeFileSync(path.join(h.dataDir, 'VIX_History.csv'), '<html>blocked</html>');
    const snapshot = await h.market().snapshot();
    expect(snapshot.demo).toBe(false);
    expect(snapshot.notes[0]).toMatch(/^VIX history file unusable \(VIX_History\.csv: /);
  });
});

describe('createFallbackMarket on a fake source', () => {
  const NOW = ny('2026-11-18T11:00:00');
  const live = (value: number): SourceQuote => ({ value, asOfMs: NOW - 15 * 60_000, previousClose: null });

  function fakeSource(answers: Partial<Record<MarketSymbol, SourceQuote | Error>>): QuoteSource {
    return {
      name: 'fake',
      label: 'Fake feed',
      async quote(symbol) {
        const answer = answers[symbol];
        if (!answer) throw new HttpError('status', 'HTTP 404', `http://fake/${symbol}`, 404);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
  }

  function market(source: QuoteSource, quotes: QuoteCache, logger = recordingLogger(), timer?: BudgetTimer) {
    const dataDir = tempDir('condor-market-');
    return {
      logger,
      port: createFallbackMarket({
        source,
        quotes,
        clock: { now: () => NOW },
        ...(timer ? { timer } : {}),
        logger,
        rate: 0.04,
        dividendYield: 0.013,
        staleAfterMinutes: 30,
        dataDir: dataDir,
      }),
    };
  }

  it('live → cache → demo, each labelled; an unknown thrown value still becomes a reason', async () => {
    const store = createStore({ path: ':memory:' });
    await store.quotes.put({ symbol: 'SPX', value: 5700, asOfMs: NOW - 3 * 3_600_000, fetchedMs: 0, source: 'fake' });
    const m = market(
      fakeSource({ SPX: new Error('socket hang up'), VIX: live(17), VIX3M: live(18), VVIX: live(90) }),
      store.quotes,
    );
    const snapshot = await m.port.snapshot();
    expect(snapshot.spot).toMatchObject({ value: 5700, source: 'cache' });
    expect(snapshot.vix).toMatchObject({ value: 17, source: 'fake' });
    expect(snapshot.stale).toBe(true);
    expect(snapshot.notes[0]).toBe('SPX: Fake feed data unusable (socket hang up): cached quote from 3 h ago.');

    const demo = await market(fakeSource({ VIX: live(17) }), createStore({ path: ':memory:' }).quotes).port.snapshot();
    expect(demo.demo).toBe(true);
    expect(demo.notes).toEqual(['Fake feed unreachable (HTTP 404) and no cached quotes: showing demo data.']);
    await store.close();
  });

  it('a broken cache is logged, never thrown', async () => {
    const broken: QuoteCache = {
      put: () => {
        throw new Error('disk full');
      },
      get: () => {
        throw new Error('database closed');
      },
    };
    const m = market(
      fakeSource({ SPX: live(5800), VIX: new HttpError('timeout', 'timeout', 'http://fake/VIX') }),
      broken,
    );
    const snapshot = await m.port.snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes).toEqual(['Fake feed unreachable (timeout) and no cached quotes: showing demo data.']);
    expect(m.logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toContain(
      'market data: quote cache write failed',
    );
  });

  it('answers with demo data as soon as SPX is missing, without waiting for a chain it cannot use', async () => {
    let chainSignal: AbortSignal | undefined;
    let chainAborted: Promise<unknown> | undefined;
    const source: QuoteSource = {
      ...fakeSource({ VIX: live(17), VIX3M: live(18), VVIX: live(90) }),
      // A chain download that never ends unless it is aborted.
      chain: (signal) => {
        chainSignal = signal;
        chainAborted = new Promise((resolve) => signal!.addEventListener('abort', resolve, { once: true }));
        return chainAborted.then(() => Promise.reject(signal!.reason));
      },
    };
    let spendBudget = () => {};
    // The budget runs out only when the test says so: before the change the snapshot waited for it.
    const timer: BudgetTimer = () => new Promise<void>((resolve) => (spendBudget = resolve));
    const store = createStore({ path: ':memory:' });
    const snapshot = await market(source, store.quotes, recordingLogger(), timer).port.snapshot({ chain: true });
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes).toEqual(['Fake feed unreachable (HTTP 404) and no cached quotes: showing demo data.']);
    // The chain request is still bounded by the budget: when it runs out, the download is aborted.
    expect(chainSignal?.aborted).toBe(false);
    spendBudget();
    await chainAborted;
    expect(chainSignal?.aborted).toBe(true);
    await store.close();
  });

  it('a source without a chain says the legs use the VIX proxy', async () => {
    const store = createStore({ path: ':memory:' });
    const m = market(fakeSource({ SPX: live(5800), VIX: live(17), VIX3M: live(18), VVIX: live(90) }), store.quotes);
    const snapshot = await m.port.snapshot({ chain: true });
    expect(snapshot.chain).toBeNull();
    expect(snapshot.notes).toContain('No option chain from Fake feed: leg vols from the VIX proxy.');
    await store.close();
  });
});

it('the fixture quotes parse as the values the tests expect', () => {
  expect(
    JSON.parse(quoteJson('SPX', { price: FIXTURE.SPX, lastTradeTime: '2026-11-18T10:44:59' })).data.current_price,
  ).toBe(FIXTURE.SPX);
});

describe('the SPX opening print (what AM-settled expiries settle on)', () => {
  it("is carried on the day's quote, kept in the cache, and found days later with CBOE down", async () => {
    // The fixture's SPX quote opens at its previous close.
    h = await harness(quoteRoutes('2026-12-18T10:00:00'), ny('2026-12-18T10:05:00'));
    const thatDay = await h.market().snapshot();
    expect(thatDay.spot.open).toBe(PREVIOUS.SPX);
    expect(thatDay.spxOpens).toContainEqual({ date: '2026-12-18', close: PREVIOUS.SPX });
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) h.server.serve(quotePath(symbol), { status: 500 });
    h.clock.set(ny('2026-12-21T11:00:00'));
    const later = await h.market().snapshot();
    expect(later.spxOpens).toContainEqual({ date: '2026-12-18', close: PREVIOUS.SPX });
  });
});
