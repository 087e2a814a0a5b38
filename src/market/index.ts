// Chooses the market provider from configuration (MARKET_DATA): demo, file or cboe.
import type { Clock, Logger, MarketPort, Store } from '../app/ports.ts';
import { createDemoMarket } from './demo.ts';

export interface MarketOptions {
  kind: 'cboe' | 'file' | 'demo';
  clock: Clock;
  logger: Logger;
  store: Store;
  rate: number;
  dividendYield: number;
  cboeBaseUrl: string;
  dataDir: string;
  staleAfterMinutes: number;
}

export function createMarket(options: MarketOptions): MarketPort {
  const demo = (note?: string) => createDemoMarket({ now: () => options.clock.now(), rate: options.rate, dividendYield: options.dividendYield, ...(note ? { note } : {}) });
  if (options.kind === 'demo') return demo();
  return demo(`MARKET_DATA=${options.kind} is not available in this build: showing demo data.`);
}
