// The CBOE provider behind createMarket against a loopback server playing CBOE: every failure mode
// becomes a labelled fallback (cache, then demo), never silence and never a crash.
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketSnapshot } from '../../../src/app/ports.ts';
import { chainJson, HTML_CHALLENGE, quoteJson } from '../../support/cboe-fixtures.ts';
import { chainPath, quotePath } from '../../support/cboe-server.ts';
import {
  FIXTURE,
  LAST_TRADE,
  LAST_TRADE_MS,
  NOW,
  PREVIOUS,
  harness,
  quoteRoutes,
  type Harness,
} from '../../support/cboe-market.ts';

let h: Harness;
afterEach(async () => h?.close());

const HOUR = 3_600_000;
const ALL = ['SPX', 'VIX', 'VIX3M', 'VIX3M', 'VVIX'] as const;

/** A first snapshot on a healthy server fills the cache; then the clock moves on. */
async function primeCache(hoursLater: number): Promise<void> {
  await h.market().snapshot();
  h.clock.advance(hoursLater * HOUR);
}

function breakAll(answer: Parameters<Harness['server']['serve']>[1]) {
  for (const symbol of ALL) h.server.serve(quotePath(symbol), answer);
}

const warnings = () => h.logger.entries.filter((entry) => entry.level === 'warn');

describe('CBOE provider: success', () => {
  it('reads SPX, VIX, VIX3M and VVIX, with previous closes, opens and the as-of time', async () => {
    h = await harness();
    const snapshot = await h.market().snapshot();
    // The fixture's quotes open at their previous close.
    expect(snapshot.spot).toEqual({
      value: FIXTURE.SPX,
      asOfMs: LAST_TRADE_MS,
      source: 'cboe',
      previousClose: PREVIOUS.SPX,
      open: PREVIOUS.SPX,
    });
    expect(snapshot.vix).toEqual({
      value: FIXTURE.VIX,
      asOfMs: LAST_TRADE_MS,
      source: 'cboe',
      previousClose: PREVIOUS.VIX,
      open: PREVIOUS.VIX,
    });
    expect(snapshot.vix3m?.value).toBe(FIXTURE.VIX3M);
    expect(snapshot.vvix?.value).toBe(FIXTURE.VVIX);
    expect(snapshot).toMatchObject({
      demo: false,
      stale: false,
      asOfMs: LAST_TRADE_MS,
      chain: null,
      rate: 0.04,
      dividendYield: 0.013,
    });
    expect(warnings()).toEqual([]);
    // No chain asked: the 13.6 MB file is not fetched.
    expect(h.server.count(chainPath)).toBe(0);
  });

  it('stores every quote in the SQLite cache with its as-of time and fetch time', async () => {
    h = await harness();
    await h.market().snapshot();
    expect(await h.store.quotes.get('SPX')).toEqual({
      symbol: 'SPX',
      value: FIXTURE.SPX,
      asOfMs: LAST_TRADE_MS,
      fetchedMs: NOW,
      source: 'cboe',
      extra: { previousClose: PREVIOUS.SPX },
    });
    for (const symbol of ['VIX', 'VIX3M', 'VVIX'] as const)
      expect((await h.store.quotes.get(symbol))?.value).toBe(FIXTURE[symbol]);
    // The VIX day and the previous close, kept as daily closes for the percentile.
    expect((await h.store.quotes.get('VIX@2026-11-18'))?.value).toBe(FIXTURE.VIX);
    expect((await h.store.quotes.get('VIX@2026-11-17'))?.value).toBe(PREVIOUS.VIX);
  });

  it('10 concurrent snapshots make one request per URL', async () => {
    h = await harness();
    const market = h.market();
    const snapshots = await Promise.all(Array.from({ length: 10 }, () => market.snapshot()));
    expect(new Set(snapshots.map((s) => s.spot.value))).toEqual(new Set([FIXTURE.SPX]));
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) expect(h.server.count(quotePath(symbol))).toBe(1);
  });

  it('reuses a quote for a few seconds by default', async () => {
    h = await harness();
    const market = h.market({ cboe: { failureCooldownMs: 0 } });
    await market.snapshot();
    h.clock.advance(5_000);
    await market.snapshot();
    expect(h.server.count(quotePath('SPX'))).toBe(1);
    h.clock.advance(20_000);
    await market.snapshot();
    expect(h.server.count(quotePath('SPX'))).toBe(2);
  });
});

describe('CBOE provider: failures become labelled fallbacks', () => {
  it('500 then success on retry: live data, two requests', async () => {
    h = await harness();
    h.server.script(quotePath('VIX'), { status: 500, body: 'Internal error' });
    const snapshot = await h.market().snapshot();
    expect(snapshot.vix).toMatchObject({ value: FIXTURE.VIX, source: 'cboe' });
    expect(snapshot.notes).toEqual([]);
    expect(h.server.count(quotePath('VIX'))).toBe(2);
    expect(h.sleeps).toHaveLength(1);
  });

  it('404 everywhere with a cache: cached quotes, labelled with the reason and age', async () => {
    h = await harness();
    await primeCache(2);
    breakAll({ status: 404, body: 'Not Found' });
    const snapshot = await h.market().snapshot();
    expect(snapshot.spot).toMatchObject({
      value: FIXTURE.SPX,
      source: 'cache',
      asOfMs: LAST_TRADE_MS,
      previousClose: PREVIOUS.SPX,
    });
    expect(snapshot.demo).toBe(false);
    expect(snapshot.stale).toBe(true);
    expect(snapshot.notes).toContain('CBOE unreachable (HTTP 404 Not Found): cached quotes from 2 h 15 min ago.');
    for (const symbol of ['SPX', 'VIX']) expect(h.server.count(quotePath(symbol))).toBe(2); // 404 is not retried
  });

  it('timeout (no answer at all) with a cache: "CBOE unreachable (timeout): cached quotes from 2 h ago"', async () => {
    h = await harness(quoteRoutes('2026-11-18T11:00:00'), NOW);
    await primeCache(2);
    breakAll({ hang: true });
    const snapshot = await h.market({ httpOptions: { sleep: async () => {}, timeoutMs: 100, retries: 1 } }).snapshot();
    expect(snapshot.notes).toContain('CBOE unreachable (timeout): cached quotes from 2 h ago.');
    expect(snapshot.vix.source).toBe('cache');
    const warning = warnings().find((entry) => entry.object.reason === 'timeout');
    expect(warning?.object).toMatchObject({ fallback: 'cache', source: 'cboe' });
  });

  it('no cache: demo data, loudly labelled, and the log says why', async () => {
    h = await harness();
    breakAll({ status: 503, body: 'down' });
    const snapshot = await h.market().snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.spot.source).toBe('demo');
    expect(snapshot.notes).toEqual([
      'CBOE unreachable (HTTP 503 Service Unavailable) and no cached quotes: showing demo data.',
    ]);
    expect(
      warnings().some(
        (entry) => entry.object.fallback === 'demo' && entry.object.reason === 'HTTP 503 Service Unavailable',
      ),
    ).toBe(true);
  });

  const badBodies: Array<[string, string, string]> = [
    ['an HTML challenge page with 200', HTML_CHALLENGE, 'CBOE data unusable (HTML challenge page)'],
    [
      'malformed JSON',
      '{"timestamp": "2026-11-18 16:00:00", "data": {"symbol": "^VIX", "current_pr',
      'CBOE data unusable (malformed JSON)',
    ],
    [
      'NaN prices',
      quoteJson('VIX', { price: 16.2, lastTradeTime: LAST_TRADE }).replace(
        '"current_price": 16.2',
        '"current_price": NaN',
      ),
      'CBOE data unusable (current_price NaN)',
    ],
    [
      'a negative price',
      quoteJson('VIX', { price: -16.2, prevClose: 15.8, lastTradeTime: LAST_TRADE }),
      'CBOE data unusable (negative current_price -16.2)',
    ],
    [
      'no data at all',
      '{"timestamp": "2026-11-18 16:00:00", "symbol": "_VIX"}',
      'CBOE data unusable (unexpected data)',
    ],
  ];

  for (const [what, body, label] of badBodies) {
    it(`${what}: cached quote when there is one, demo when not, each labelled`, async () => {
      h = await harness();
      await primeCache(1);
      h.server.serve(quotePath('VIX'), { body, contentType: 'application/json' });
      const cached = await h.market().snapshot();
      expect(cached.vix).toMatchObject({ value: FIXTURE.VIX, source: 'cache' });
      expect(cached.spot.source).toBe('cboe');
      expect(cached.notes).toContain(`VIX: ${label}: cached quote from 1 h 15 min ago.`);
      expect(h.server.count(quotePath('VIX'))).toBe(2); // bad bodies are not retried

      h.store.db.prepare("DELETE FROM quotes WHERE symbol = 'VIX'").run();
      const demo = await h.market().snapshot();
      expect(demo.demo).toBe(true);
      expect(demo.notes).toEqual([`${label} and no cached quotes: showing demo data.`]);
      // The log says why, never with the body.
      const logged = JSON.stringify(h.logger.entries);
      expect(logged).not.toContain('SECRET-BODY-MARKER');
      expect(logged).not.toContain('current_pr"');
    });
  }

  it('a quote for another symbol than asked is refused', async () => {
    h = await harness();
    h.server.serve(quotePath('VIX3M'), quoteJson('VIX', { price: 16.2, lastTradeTime: LAST_TRADE }));
    const snapshot = await h.market().snapshot();
    expect(snapshot.vix3m).toBeNull();
    expect(snapshot.notes).toContain(
      'VIX3M: CBOE data unusable (got VIX instead of VIX3M): VIX3M unknown (nothing cached).',
    );
  });

  it('an optional quote failing without cache leaves it unknown and says so; SPX and VIX stay live', async () => {
    h = await harness();
    h.server.serve(quotePath('VVIX'), { status: 404 });
    const snapshot = await h.market().snapshot();
    expect(snapshot.demo).toBe(false);
    expect(snapshot.vvix).toBeNull();
    expect(snapshot.vix3m?.value).toBe(FIXTURE.VIX3M);
    expect(snapshot.notes).toContain('VVIX: CBOE unreachable (HTTP 404 Not Found): VVIX unknown (nothing cached).');
  });

  it('after a failure the source rests for the cool-down and the cache answers at once', async () => {
    h = await harness();
    await primeCache(1);
    breakAll({ status: 500 });
    const market = h.market({ cboe: { failureCooldownMs: 30_000, quoteTtlMs: 0 } });
    await market.snapshot();
    const after = h.server.count(quotePath('SPX'));
    expect(after).toBe(1 + 3); // the priming request, then three attempts
    h.clock.advance(10_000);
    const resting = await market.snapshot();
    expect(h.server.count(quotePath('SPX'))).toBe(after);
    expect(resting.notes[0]).toMatch(
      /^CBOE unreachable \(HTTP 500 Internal Server Error\): cached quotes from 1 h 15 min ago\.$/,
    );
    for (const [path, body] of Object.entries(quoteRoutes())) h.server.serve(path, body);
    h.clock.advance(30_000);
    expect((await market.snapshot()).spot.source).toBe('cboe');
  });
});

describe('CBOE provider: the option chain', () => {
  const expiry = '2026-12-18';
  const rows = [
    { option: 'SPXW261218P05500000', iv: 0.2 },
    { option: 'SPXW261218P05600000', iv: 0.18 },
    { option: 'SPXW261218P05700000', iv: 0.16 },
    { option: 'SPXW261218C05900000', iv: 0.12 },
    { option: 'SPXW261218C06000000', iv: 0.11 },
    { option: 'SPX261218P05600000', iv: 0.5 }, // the AM monthly on the same date: SPXW is read
    { option: 'SPXW261218P05000000', iv: 4.1223 }, // junk, dropped
  ];

  const withChain = (body = chainJson({ spot: FIXTURE.SPX, lastTradeTime: LAST_TRADE, rows })) =>
    harness({ ...quoteRoutes(), [chainPath]: body });

  it('is fetched only when asked, and its vols are interpolated across strikes', async () => {
    h = await withChain();
    const market = h.market();
    await market.snapshot();
    expect(h.server.count(chainPath)).toBe(0);
    const snapshot = await market.snapshot({ chain: true });
    expect(snapshot.chain).not.toBeNull();
    expect(snapshot.chain!.asOfMs).toBe(LAST_TRADE_MS);
    expect(snapshot.chain!.volAt(expiry, 5650, 'put')).toBeCloseTo(0.17, 12);
    expect(snapshot.chain!.volAt(expiry, 5950, 'call')).toBeCloseTo(0.115, 12);
    // Not listed: null, so the engine uses the VIX proxy for that leg.
    expect(snapshot.chain!.volAt(expiry, 5000, 'put')).toBeNull();
    expect(snapshot.chain!.volAt('2026-12-19', 5600, 'put')).toBeNull();
    expect(snapshot.notes).toEqual([]);
  });

  it('is kept in memory for a few minutes and shared by concurrent callers', async () => {
    h = await withChain();
    const market = h.market();
    await Promise.all(Array.from({ length: 10 }, () => market.snapshot({ chain: true })));
    expect(h.server.count(chainPath)).toBe(1);
    h.clock.advance(4 * 60_000);
    await market.snapshot({ chain: true });
    expect(h.server.count(chainPath)).toBe(1);
    h.clock.advance(2 * 60_000);
    await market.snapshot({ chain: true });
    expect(h.server.count(chainPath)).toBe(2);
  });

  it('a failed chain leaves the quotes live and says the legs use the VIX proxy', async () => {
    h = await withChain(HTML_CHALLENGE);
    const snapshot = await h.market().snapshot({ chain: true });
    expect(snapshot.chain).toBeNull();
    expect(snapshot.spot.source).toBe('cboe');
    expect(snapshot.notes).toContain(
      'Option chain unavailable (CBOE data unusable (HTML challenge page)): leg vols from the VIX proxy.',
    );
  });

  it('a chain with NaN prices in its header is refused', async () => {
    h = await withChain(
      chainJson({ spot: FIXTURE.SPX, lastTradeTime: LAST_TRADE, rows })
        .replace(/"prev_day_close":5790\.3[^,]*/, '"prev_day_close":NaN')
        .replace(/"current_price":[^,]*/, '"current_price":NaN'),
    );
    const snapshot: MarketSnapshot = await h.market().snapshot({ chain: true });
    expect(snapshot.chain).toBeNull();
    expect(snapshot.notes.join(' ')).toContain('current_price NaN');
  });
});
