// CBOE's delayed quotes and option chain (see client.ts), as a source for the fallback chain.
export {
  CBOE_SYMBOLS,
  badPriceField,
  cboeChainUrl,
  cboeHistoryUrl,
  cboeQuoteUrl,
  chainLookup,
  createCboeClient,
  quoteFromBody,
} from './client.ts';
export type { CboeClient, CboeClientOptions, CboeSymbol, ChainSummary } from './client.ts';
export { createCboeSource } from './source.ts';
