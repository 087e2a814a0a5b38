// The model position of docs/specification.md §5 used by the invariant, signal and hedge tests: SPX 5800,
// VIX 16 (flat 16% vol), 45 days to expiry (2026-03-31 16:00 → 2026-05-15 16:00 New York),
// short strikes at 16 delta, wings 50, filled at the model mark.
import {
  classifyRegime,
  createEntrySnapshot,
  evaluatePosition,
  modelCondor,
  vixProxy,
  UNDERLYINGS,
  type Condor,
  type EvaluatePositionInput,
  type MarketState,
  type PositionSettings,
  type RegimeReading,
} from '../../src/engine/index.ts';
import { closeEdt, marketAt } from './helpers.ts';

export const ENTRY_DATE = '2026-03-31';
export const EXPIRY = '2026-05-15';
export const SETTLEMENT = closeEdt(EXPIRY);
export const ENTRY_MARKET = marketAt(ENTRY_DATE, 5800, 16);

export const MODEL = modelCondor({
  underlying: UNDERLYINGS.SPX,
  market: ENTRY_MARKET,
  expiry: EXPIRY,
  settlementMs: SETTLEMENT,
});

/** The model condor, optionally filled at another credit. */
export function openPosition(credit = MODEL.condor.credit, market: MarketState = ENTRY_MARKET) {
  const condor: Condor = { ...MODEL.condor, credit };
  const entry = createEntrySnapshot({ condor, market, settlementMs: SETTLEMENT, vix: market.vol.atmVol * 100 });
  return { condor, entry, settlementMs: SETTLEMENT, activeHedgeLayers: [] as number[] };
}

/** A regime reading with a given percentile (60 → T = 0.15 + 0.05·0.6 = 0.18). */
export function regimeAt(vix: number, percentile = 60): RegimeReading {
  // 100 closes, `percentile` of them strictly below today's VIX.
  const history = Array.from({ length: 100 }, (_, i) => (i < percentile ? vix - 1 : vix + 1));
  const reading = classifyRegime({ vix, history });
  if (reading.percentile !== percentile) throw new Error(`regime fixture: got percentile ${reading.percentile}`);
  return reading;
}

export interface Scenario {
  spot?: number;
  vix?: number;
  date?: string;
  settings?: Partial<PositionSettings>;
  activeHedgeLayers?: number[];
  credit?: number;
  percentile?: number;
  extra?: Partial<EvaluatePositionInput>;
}

/** Evaluates the model position under a changed market (16:00 New York on `date`). */
export function evaluateScenario({
  spot = 5800,
  vix = 16,
  date = ENTRY_DATE,
  settings,
  activeHedgeLayers = [],
  credit,
  percentile = 60,
  extra = {},
}: Scenario = {}) {
  const position = { ...openPosition(credit), activeHedgeLayers };
  const market: MarketState = { ...marketAt(date, spot, vix), vol: vixProxy(vix) };
  return evaluatePosition({
    position,
    market,
    regime: regimeAt(vix, percentile),
    // These scenarios test the cp rules; the default policy follows the evidence (docs/evidence.md).
    settings: { policy: 'cp', ...settings },
    ...extra,
  });
}
