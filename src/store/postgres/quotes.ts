// The market-quote cache on PostgreSQL (src/store/quotes.ts is the SQLite twin): an older quote
// never overwrites a newer one; values that are not finite and positive are refused.
import type { CachedQuote } from '../../app/ports.ts';
import type { Pool } from './database.ts';
import type { QuoteCache } from '../../app/ports.ts';

interface QuoteRow {
  symbol: string;
  value: number;
  as_of_ms: number;
  fetched_ms: number;
  source: string;
  extra_json: string | null;
}

const SQL = {
  put: `INSERT INTO quotes (symbol, value, as_of_ms, fetched_ms, source, extra_json) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (symbol) DO UPDATE SET value = excluded.value, as_of_ms = excluded.as_of_ms,
        fetched_ms = excluded.fetched_ms, source = excluded.source, extra_json = excluded.extra_json
      WHERE excluded.as_of_ms >= quotes.as_of_ms`,
  get: 'SELECT symbol, value, as_of_ms, fetched_ms, source, extra_json FROM quotes WHERE symbol = $1',
};

export function createPostgresQuoteCache(pool: Pool): QuoteCache {
  return {
    async put(quote) {
      if (!Number.isFinite(quote.value) || quote.value <= 0)
        throw new Error(`Quote ${quote.symbol} is not a finite positive number: ${quote.value}`);
      await pool.query(SQL.put, [
        quote.symbol,
        quote.value,
        quote.asOfMs,
        quote.fetchedMs,
        quote.source,
        quote.extra ? JSON.stringify(quote.extra) : null,
      ]);
    },
    async get(symbol) {
      const row = (await pool.query<QuoteRow>(SQL.get, [symbol])).rows[0];
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
