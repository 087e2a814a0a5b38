// CBOE as a quote source for the fallback chain (src/market/fallback.ts).
import type { QuoteSource } from '../quote-source.ts';
import type { CboeClient } from './client.ts';

export function createCboeSource(client: CboeClient): QuoteSource {
  return {
    name: 'cboe',
    label: 'CBOE',
    async quote(symbol, signal) {
      const quote = await client.quote(symbol, signal);
      return { value: quote.spot, asOfMs: quote.asOf, previousClose: quote.prevClose, open: quote.open };
    },
    async chain(signal) {
      return (await client.chain(signal)).lookup;
    },
  };
}
