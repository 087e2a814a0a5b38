// The market-quote cache: the newest value fetched per symbol, with its time and source. An older
// quote (a slow answer arriving after a newer one, a feed serving yesterday's file) never
// overwrites a newer one; values that are not finite and positive are refused.
import type { Database } from 'better-sqlite3';
import type { CachedQuote, QuoteCache } from '../app/ports.ts';

interface QuoteRow {
  symbol: string;
  value: number;
  as_of_ms: number;
  fetched_ms: number;
  source: string;
  extra_json: string | null;
}

export function createQuoteCache(db: Database): QuoteCache {
  const s = {
    put: db.prepare(`INSERT INTO quotes (symbol, value, as_of_ms, fetched_ms, source, extra_json)
      VALUES (@symbol, @value, @asOfMs, @fetchedMs, @source, @extraJson)
      ON CONFLICT (symbol) DO UPDATE SET value = excluded.value, as_of_ms = excluded.as_of_ms,
        fetched_ms = excluded.fetched_ms, source = excluded.source, extra_json = excluded.extra_json
      WHERE excluded.as_of_ms >= quotes.as_of_ms`),
    get: db.prepare('SELECT symbol, value, as_of_ms, fetched_ms, source, extra_json FROM quotes WHERE symbol = ?'),
  };
  return {
    async put(quote) {
      if (!Number.isFinite(quote.value) || quote.value <= 0)
        throw new Error(`Quote ${quote.symbol} is not a finite positive number: ${quote.value}`);
      s.put.run({
        symbol: quote.symbol,
        value: quote.value,
        asOfMs: quote.asOfMs,
        fetchedMs: quote.fetchedMs,
        source: quote.source,
        extraJson: quote.extra ? JSON.stringify(quote.extra) : null,
      });
    },
    async get(symbol) {
      const row = s.get.get(symbol) as QuoteRow | undefined;
      if (!row) return null;
      const quote: CachedQuote = {
        symbol: row.symbol,
        value: row.value,
        asOfMs: row.as_of_ms,
        fetchedMs: row.fetched_ms,
        source: row.source,
      };
      if (row.extra_json !== null) quote.extra = JSON.parse(row.extra_json) as Record<string, number>;
      return quote;
    },
  };
}
