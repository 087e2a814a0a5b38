// Hostile and dead market data servers, on loopback: a body of hundreds of MB, values no market
// can have, a server that never answers. Each is bounded (size, value, time) and answered with a
// labelled fallback; the figures (memory, requests, waits) are printed for docs/hardening.md.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, DEFAULT_MAX_BODY_BYTES, HttpError } from '../../../src/market/http.ts';
import { HISTORY_MAX_BODY_BYTES, syncHistory } from '../../../src/market/sync.ts';
import { INTERACTIVE_WAIT_MS } from '../../../src/market/fallback.ts';
import { cboeOhlcCsv, quoteJson } from '../../support/cboe-fixtures.ts';
import { quotePath } from '../../support/cboe-server.ts';
import {
  FIXTURE,
  harness,
  LAST_TRADE,
  LAST_TRADE_MS,
  NOW,
  quoteRoutes,
  vixHistoryBars,
  type Harness,
} from '../../support/cboe-market.ts';
import { onCleanup, tempDir } from '../../support/cleanup.ts';

const MB = 1024 * 1024;

/** A server sending `totalBytes` of `fill` in 1 MiB chunks (with or without Content-Length); counts what it wrote. */
async function hugeBodyServer(
  totalBytes: number,
  options: { declareLength: boolean; fill: string; contentType: string },
) {
  let written = 0;
  const server: Server = createServer((request, response) => {
    response.writeHead(200, {
      'content-type': options.contentType,
      ...(options.declareLength ? { 'content-length': String(totalBytes) } : {}),
    });
    const chunk = Buffer.alloc(MB, options.fill);
    const pump = () => {
      while (written < totalBytes && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.on('close', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, written: () => written };
}

describe('bounded in size', () => {
  it('a 300 MB quote body is cut off at the cap: a labelled size error, a few MB read, memory flat', async () => {
    const server = await hugeBodyServer(300 * MB, { declareLength: false, fill: ' ', contentType: 'application/json' });
    const rssBefore = process.memoryUsage().rss;
    const client = createHttpClient({ retries: 0, timeoutMs: 60_000 });
    const error = await client.getJson(`${server.url}/quote.json`).catch((thrown: unknown) => thrown);
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / MB;
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).kind).toBe('size');
    expect((error as HttpError).reason).toBe('response larger than 2 MB');
    // The server could write what the socket buffers took, not the 300 MB.
    expect(server.written()).toBeLessThan(300 * MB);
    console.log(
      `hostile market data: 300 MB body, cap ${DEFAULT_MAX_BODY_BYTES / MB} MB: ` +
        `server wrote ${Math.round(server.written() / MB)} MB before the client hung up; ` +
        `rss growth ${rssGrowthMb.toFixed(1)} MB`,
    );
  });

  it('a declared Content-Length over the cap is refused before the body is read', async () => {
    const server = await hugeBodyServer(300 * MB, { declareLength: true, fill: ' ', contentType: 'application/json' });
    const error = await createHttpClient({ retries: 0 })
      .getJson(`${server.url}/quote.json`)
      .catch((thrown: unknown) => thrown);
    expect((error as HttpError).kind).toBe('size');
    expect((error as HttpError).detail).toBe(`Content-Length ${300 * MB} bytes, limit ${DEFAULT_MAX_BODY_BYTES}`);
  });

  it('a history download past its stated cap (16 MB) is stopped, refused, and the good file is kept', async () => {
    const server = await hugeBodyServer(300 * MB, { declareLength: false, fill: '9', contentType: 'text/csv' });
    const dir = tempDir('condor-hostile-');
    const good = cboeOhlcCsv(vixHistoryBars(NOW, 300));
    writeFileSync(path.join(dir, 'VIX_History.csv'), good);
    const report = await syncHistory({ dir, cboeBaseUrl: server.url, only: ['VIX'], sleep: async () => undefined });
    expect(report.results[0]).toMatchObject({
      ok: false,
      error: `response larger than ${HISTORY_MAX_BODY_BYTES / MB} MB`,
    });
    expect(readFileSync(path.join(dir, 'VIX_History.csv'), 'utf8')).toBe(good);
    expect(server.written()).toBeLessThan(300 * MB);
  });
});

describe('bounded in value', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const withQuote = (symbol: 'SPX' | 'VIX', values: { price?: number; lastTradeTime?: string }) => {
    const routes = quoteRoutes();
    routes[quotePath(symbol)] = quoteJson(symbol, {
      price: values.price ?? FIXTURE[symbol],
      lastTradeTime: values.lastTradeTime ?? LAST_TRADE,
    });
    return routes;
  };

  const cases: [string, 'SPX' | 'VIX', { price?: number; lastTradeTime?: string }, RegExp][] = [
    ['SPX 1e-300', 'SPX', { price: 1e-300 }, /implausible value: SPX 1\.000e-300 outside 50-100000/],
    ['SPX 1e300', 'SPX', { price: 1e300 }, /implausible value: SPX 1\.000e\+300 outside/],
    ['VIX 1e-300', 'VIX', { price: 1e-300 }, /implausible value: VIX 1\.000e-300 outside 5-150/],
    ['a last trade in 2099', 'SPX', { lastTradeTime: '2099-01-02T10:00:00' }, /SPX time 2099-.* is in the future/],
    ['a last trade in 1999', 'VIX', { lastTradeTime: '1999-01-04T10:00:00' }, /VIX time 1999-.* is over 31 days old/],
  ];

  for (const [name, symbol, values, note] of cases) {
    it(`${name}: refused with a labelled note, the cached quote kept and shown, nothing written`, async () => {
      h = await harness();
      // A good snapshot first fills the cache.
      const good = await h.market().snapshot();
      expect(good.notes.join(' ')).not.toMatch(/implausible/);
      const cachedBefore = await h.store.quotes.get(symbol);
      const vixDayBefore = await h.store.quotes.get(`VIX@2026-11-18`);
      h.server.serve(quotePath(symbol), withQuote(symbol, values)[quotePath(symbol)]!);
      h.clock.advance(60_000);
      const snapshot = await h.market().snapshot();
      expect(snapshot.demo).toBe(false);
      const shown = symbol === 'SPX' ? snapshot.spot : snapshot.vix;
      expect(shown).toMatchObject({ value: FIXTURE[symbol], source: 'cache', asOfMs: LAST_TRADE_MS });
      expect(snapshot.notes.join(' ')).toMatch(note);
      expect(snapshot.notes.join(' ')).toMatch(/CBOE data unusable/);
      expect(await h.store.quotes.get(symbol)).toEqual(cachedBefore);
      // The VIX history's daily close is the good one (re-fetched when SPX was the bad quote).
      expect(await h.store.quotes.get(`VIX@2026-11-18`)).toMatchObject({
        value: vixDayBefore!.value,
        asOfMs: vixDayBefore!.asOfMs,
      });
    });
  }

  it('with nothing cached, an implausible SPX gives the labelled demo snapshot, not a broken one', async () => {
    h = await harness(withQuote('SPX', { price: 1e-300 }));
    const snapshot = await h.market().snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes.join(' ')).toMatch(/implausible value: SPX .*showing demo data/);
    expect(await h.store.quotes.get('SPX')).toBeNull();
  });

  it('a cached value outside the bounds (written by an older version) is never shown', async () => {
    h = await harness();
    await h.store.quotes.put({ symbol: 'SPX', value: 1e300, asOfMs: LAST_TRADE_MS, fetchedMs: NOW, source: 'cboe' });
    h.server.serve(quotePath('SPX'), { status: 503 });
    const snapshot = await h.market().snapshot();
    expect(snapshot.demo).toBe(true);
    expect(snapshot.notes.join(' ')).toMatch(/CBOE unreachable \(HTTP 503.*\) and no cached quotes: showing demo data/);
  });

  it('an older quote never overwrites a newer one in the cache', async () => {
    h = await harness();
    const put = (value: number, asOfMs: number) =>
      h.store.quotes.put({ symbol: 'SPX', value, asOfMs, fetchedMs: NOW, source: 'cboe' });
    await put(5800, LAST_TRADE_MS);
    await put(5700, LAST_TRADE_MS - 86_400_000);
    expect(await h.store.quotes.get('SPX')).toMatchObject({ value: 5800, asOfMs: LAST_TRADE_MS });
    await put(5810, LAST_TRADE_MS + 60_000);
    expect(await h.store.quotes.get('SPX')).toMatchObject({ value: 5810 });
    await expect(put(0, LAST_TRADE_MS + 120_000)).rejects.toThrow(/not a finite positive number/);
  });
});

describe('bounded in time', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** A timer the test fires by hand; records what it was asked for. */
  function manualTimer() {
    const asked: number[] = [];
    let fire: () => void = () => undefined;
    const fired = new Promise<void>((resolve) => (fire = resolve));
    return { asked, fire: () => fire(), timer: (ms: number) => (asked.push(ms), fired) };
  }

  it(`CBOE never answering: waits ${INTERACTIVE_WAIT_MS / 1000} s, then answers from the cache, labelled`, async () => {
    h = await harness();
    await h.market().snapshot(); // fills the cache
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) h.server.serve(quotePath(symbol), { hang: true });
    const budget = manualTimer();
    // The HTTP client alone would wait far longer (60 s per attempt, retries): the budget decides.
    const market = h.market({
      timer: budget.timer,
      httpOptions: { timeoutMs: 60_000, retries: 2, sleep: async () => undefined },
    });
    let answered = false;
    const pending = market.snapshot({ chain: true }).then((snapshot) => ((answered = true), snapshot));
    await vi.waitFor(() => expect(h.server.count(quotePath('VIX'))).toBeGreaterThanOrEqual(1));
    expect(budget.asked).toEqual([INTERACTIVE_WAIT_MS]);
    expect(answered).toBe(false);
    budget.fire();
    const snapshot = await pending;
    expect(snapshot.demo).toBe(false);
    expect(snapshot.spot).toMatchObject({ source: 'cache', value: FIXTURE.SPX });
    expect(snapshot.notes.join(' ')).toMatch(/CBOE unreachable \(no answer within 3 s\): cached quotes from/);
    expect(snapshot.notes.join(' ')).toMatch(/Option chain unavailable \(CBOE unreachable \(no answer within 3 s\)\)/);
  });
});
