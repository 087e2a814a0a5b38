// From the market port's snapshot (plus a trader's what-if overrides) to the engine's inputs,
// with the footer lines every reply that uses market data carries: source, age, STALE, DEMO DATA.
import {
  classifyRegime,
  modelCondor,
  vixProxy,
  UNDERLYINGS,
  type ModelCondor,
  type IsoDate,
  type MarketState,
  type RegimeReading,
  type ThresholdBand,
  type VolInputs,
} from '../engine/index.ts';
import type { CommandContext, SharedPorts } from './command.ts';
import { UserError } from './errors.ts';
import { age, newYorkClockTime, percent, points } from './format.ts';
import type { ListedExpiry, MarketSnapshot } from './ports.ts';

export interface WhatIf {
  spot?: number;
  vix?: number;
  /** Value as of this New York date (its 16:00 close; now if it is today). */
  date?: IsoDate;
}

export interface MarketView {
  snapshot: MarketSnapshot;
  state: MarketState;
  vix: number;
  regime: RegimeReading;
  /** The chain's vols for an expiry are used when available (not under a VIX override). */
  volFor(expiry: IsoDate): VolInputs;
  footer: string[];
  overridden: boolean;
  /** True when spot= was given: it is then the position's own underlying's spot, not SPX's. */
  spotGiven: boolean;
}

/** What a market view needs: the ports, the defaults and the threshold band of whoever asks. */
export type MarketViewDeps = Pick<SharedPorts, 'market' | 'clock' | 'calendar' | 'defaults'>;

export async function marketView(
  context: CommandContext,
  whatIf: WhatIf = {},
  options: { chain?: boolean } = {},
): Promise<MarketView> {
  const settings = await context.user.settings.get();
  return marketViewFor(
    context,
    { thresholdMin: settings.thresholdMin, thresholdMax: settings.thresholdMax },
    whatIf,
    options,
  );
}

export async function marketViewFor(
  deps: MarketViewDeps,
  band: ThresholdBand,
  whatIf: WhatIf = {},
  options: { chain?: boolean } = {},
): Promise<MarketView> {
  const { clock, calendar, defaults } = deps;
  const snapshot = await deps.market.snapshot(options);
  const nowMs = clock.now();
  const today = calendar.newYorkDate(nowMs);
  let valuationMs = nowMs;
  let valuationDate = today;
  if (whatIf.date && whatIf.date !== today) {
    valuationDate = whatIf.date;
    valuationMs = calendar.newYorkInstant(whatIf.date, '16:00');
  }
  const spot = whatIf.spot ?? snapshot.spot.value;
  const vix = whatIf.vix ?? snapshot.vix.value;
  if (!(spot > 0) || !(vix > 0))
    throw new UserError('no-market', 'No usable market data right now: give spot= and vix= to evaluate anyway.');
  const regime = classifyRegime({ vix, history: snapshot.vixHistory, vix3m: snapshot.vix3m?.value ?? null, band });
  const baseVol = vixProxy(vix, defaults.skewBeta);
  const useChain = snapshot.chain && whatIf.vix === undefined;
  const volFor = (expiry: IsoDate): VolInputs =>
    useChain
      ? {
          ...baseVol,
          chainVolAt: (strike: number) => snapshot.chain!.volAt(expiry, strike, strike < spot ? 'put' : 'call'),
        }
      : baseVol;
  const state: MarketState = {
    spot,
    rate: snapshot.rate,
    dividendYield: snapshot.dividendYield,
    vol: baseVol,
    valuationMs,
    valuationDate,
  };
  const overridden = whatIf.spot !== undefined || whatIf.vix !== undefined || whatIf.date !== undefined;
  return {
    snapshot,
    state,
    vix,
    regime,
    volFor,
    footer: marketFooter(snapshot, nowMs, whatIf),
    overridden,
    spotGiven: whatIf.spot !== undefined,
  };
}

/** Source and age of the data, loudly labelled when demo or stale. */
export function marketFooter(snapshot: MarketSnapshot, nowMs: number, whatIf: WhatIf = {}): string[] {
  const lines: string[] = [];
  if (snapshot.demo) lines.push('DEMO DATA: synthetic market, not real prices.');
  const sources = [...new Set([snapshot.spot.source, snapshot.vix.source])].join(' + ');
  const stale = snapshot.stale ? 'STALE: ' : '';
  lines.push(`${stale}Data: ${sources}, as of ${age(nowMs - snapshot.asOfMs)} ago.`);
  const ifs = [
    whatIf.spot !== undefined ? `spot ${points(whatIf.spot)}` : null,
    whatIf.vix !== undefined ? `VIX ${points(whatIf.vix)}` : null,
    whatIf.date ? `date ${whatIf.date}` : null,
  ].filter(Boolean);
  if (ifs.length) lines.push(`What-if: ${ifs.join(', ')} (given, not market).`);
  const rates = ratesLine(snapshot);
  if (rates) lines.push(rates);
  lines.push(...snapshot.notes);
  return lines;
}

/**
 * Which r and q priced the reply, when the chain had a say: "r 4.31%, q 1.32% implied by the SPX
 * chain at 10:42 ET (delayed)", or why its values were not used. Silent for the configured ones.
 */
export function ratesLine(snapshot: Pick<MarketSnapshot, 'rate' | 'dividendYield' | 'ratesFrom'>): string | null {
  const origin = snapshot.ratesFrom;
  const values = `r ${percent(snapshot.rate, 2)}, q ${percent(snapshot.dividendYield, 2)}`;
  if (origin?.from === 'chain')
    return `${values} implied by the SPX chain at ${newYorkClockTime(origin.asOfMs)} ET (delayed).`;
  if (origin?.note) return `Configured ${values} used: the chain's ${origin.note}.`;
  return null;
}

/**
 * A condor expiry from an option: a date as given (PM unless `settlement=am`), or the listed
 * expiry nearest a DTE (its own settlement unless one is given). An expiry that has already
 * settled at `valuationMs` is refused: there is nothing left to value or to open.
 */
export function resolveExpiry(
  context: CommandContext,
  expiry: { date: string } | { dte: number },
  today: IsoDate,
  options: { settlement?: 'am' | 'pm'; valuationMs?: number } = {},
): { expiry: IsoDate; settlement: 'PM' | 'AM'; settlementMs: number } {
  const resolved = resolveExpiryDate(context, expiry, today, options.settlement);
  // An earlier date is the engine's expiry-past rule; today's expiry may have settled already.
  if (resolved.expiry === today && options.valuationMs !== undefined && options.valuationMs >= resolved.settlementMs) {
    const when = resolved.settlement === 'AM' ? 'at the 09:30 open' : 'at the close';
    throw new UserError(
      'expiry-settled',
      `Expiry ${resolved.expiry} (${resolved.settlement}) settled ${when} New York: it cannot be valued or opened ` +
        `now; pick a later expiry, e.g. expiry=${context.calendar.nextTradingDay(resolved.expiry)}.`,
    );
  }
  return resolved;
}

function resolveExpiryDate(
  context: CommandContext,
  expiry: { date: string } | { dte: number },
  today: IsoDate,
  given: 'am' | 'pm' | undefined,
): { expiry: IsoDate; settlement: 'PM' | 'AM'; settlementMs: number } {
  if ('date' in expiry) {
    const settlement: 'PM' | 'AM' = given === 'am' ? 'AM' : 'PM';
    if (!context.calendar.isTradingDay(expiry.date)) {
      throw new UserError(
        'expiry-not-trading-day',
        `Option expiry ${expiry.date} is not a trading day: SPX options expire on trading days (e.g. ` +
          `expiry=${context.calendar.nextTradingDay(expiry.date)}).`,
      );
    }
    return {
      expiry: expiry.date,
      settlement,
      settlementMs: context.calendar.settlementInstant(expiry.date, settlement),
    };
  }
  const listed = context.calendar.listedExpiryNearest(today, expiry.dte);
  const settlement = given ? (given.toUpperCase() as 'AM' | 'PM') : listed.settlement;
  return {
    expiry: listed.expiry,
    settlement,
    settlementMs: context.calendar.settlementInstant(listed.expiry, settlement),
  };
}

export interface ViewModelCondor {
  model: ModelCondor;
  listed: ListedExpiry;
  settlementMs: number;
}

/**
 * The model condor of docs/specification.md §8 under a view: the listed expiry nearest the target DTE, its
 * settlement, and the condor priced with that expiry's vols. Shared by /condor suggest and the
 * daily summaries.
 */
export function modelCondorFor(
  calendar: SharedPorts['calendar'],
  view: MarketView,
  options: { dte?: number; delta?: number; wings?: number } = {},
): ViewModelCondor {
  const listed = calendar.listedExpiryNearest(view.state.valuationDate, options.dte ?? 45);
  const settlementMs = calendar.settlementInstant(listed.expiry, listed.settlement);
  const model = modelCondor({
    underlying: UNDERLYINGS.SPX,
    market: { ...view.state, vol: view.volFor(listed.expiry) },
    expiry: listed.expiry,
    settlementMs,
    clock: calendar.clockAt(view.state.valuationMs, listed.expiry, listed.settlement),
    targetDelta: options.delta,
    wingWidth: options.wings,
    regime: view.regime,
  });
  return { model, listed, settlementMs };
}
