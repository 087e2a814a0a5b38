// One policy over the history, day by day at the close (docs/backtest.md). A campaign opens the
// model condor, is managed by the policy's rule objects (src/engine/policies), the very ones
// evaluatePosition runs, fed with the same numbers recomputed here with optionPrice and no
// allocation on a quiet day, and ends when its last structure is closed or settles; the next
// campaign opens on the next trading day. Fills are the model's prices less slippage per leg.
import { restrike, testedSide } from '../restrike.ts';
import {
  decide,
  needsOf,
  POLICIES,
  restrikeCostPerShare,
  type Decision,
  type PositionState,
  type RuleParams,
} from '../policies/index.ts';
import { DEFAULT_VOL_OF_VOL, VIX_MULTIPLIER, volLossShare } from '../hedge.ts';
import { MS_PER_DAY } from '../dates.ts';
import { forwardAndDiscount } from '../options.ts';
import { TRADING_DAYS_PER_YEAR, type TimeToSettlement } from '../clock.ts';
import { regimeFor } from '../regime.ts';
import { vixProxy } from '../volatility.ts';
import type { Condor, MarketState } from '../condor.ts';
import type { EntrySnapshot } from '../invariant.ts';
import {
  absDelta,
  condorMark4,
  entrySnapshotOf,
  legVolsAt,
  modelEntry,
  wingWidthFor,
  type EntryQuote,
  type MarketInputs,
  type Strikes4,
} from './entry.ts';
import {
  clearHedgeBook,
  createHedgeBook,
  layerContracts,
  layerDue,
  layerValue,
  quoteSpread,
  spreadValue,
  type LayerQuote,
} from './hedges.ts';
import { summarise } from './metrics.ts';
import { expiryIndexFor, vixExpiryDayFor, type PreparedHistory } from './prepare.ts';
import {
  CAMPAIGN_ENDINGS,
  type BacktestEvent,
  type BacktestEventKind,
  type BacktestParams,
  type BacktestPolicy,
  type CampaignEnding,
  type CampaignRecord,
  type PolicyResult,
} from './types.ts';

/** Entry quotes by day index, shared by runs with the same entry parameters. */
export type EntrySlots = (EntryQuote | null | undefined)[];

export interface RunInput {
  history: PreparedHistory;
  fromIndex: number;
  toIndex: number;
  params: BacktestParams;
  entries: EntrySlots;
}

const LEGS = 4;
const SPREAD_LEGS = 2;

function ruleParamsOf(p: BacktestParams): RuleParams {
  return {
    profitTarget: p.profitTarget,
    stopLoss: p.stopLoss,
    exitDte: p.exitDte,
    minRollDte: p.minRollDte,
    deltaTrigger: p.deltaTrigger,
    triggerMoves: p.triggerMoves,
    minAdjustDays: p.minAdjustDays,
  };
}

/** The rules' view of the open structure, refilled in place every day a structure is held. */
function emptyPositionState(p: BacktestParams): PositionState {
  return {
    expired: false,
    dte: 0,
    spot: 0,
    credit: 0,
    mark: 0,
    breakEvenLow: 0,
    breakEvenHigh: 0,
    cushion: 0,
    entryCushion: 0,
    threshold: 0,
    premiumBreach: 0,
    shortPutDelta: 0,
    shortCallDelta: 0,
    entryExpectedMove: 0,
    daysSinceAdjustment: 0,
    entryDelta: p.targetDelta,
    maxLoss: 0,
    restrikeCost: restrikeCostPerShare(p.slippagePerLeg, p.commissionPerContract, p.underlying.multiplier),
    hedgeDue: false,
  };
}

function noEndings(): Record<CampaignEnding, number> {
  return Object.fromEntries(CAMPAIGN_ENDINGS.map((ending) => [ending, 0])) as Record<CampaignEnding, number>;
}

/** Settlement value per share of the condor k1 < k2 < k3 < k4 at `spot`. */
function intrinsicAt(k1: number, k2: number, k3: number, k4: number, spot: number): number {
  return Math.max(k2 - spot, 0) - Math.max(k1 - spot, 0) + Math.max(spot - k3, 0) - Math.max(spot - k4, 0);
}

/**
 * The run is one closure over the day-by-day state (typed arrays and numbers, no allocation on a
 * quiet day): the loop at the bottom reads as "manage or open, then book the day", and each step
 * is a named function above it.
 */
export function runPolicy(input: RunInput, policy: BacktestPolicy): PolicyResult {
  const { history: h, fromIndex, toIndex, params: p, entries } = input;
  const { dates, dayNumbers, spx, vix, vvix, vixPercentile } = h;
  const underlying = p.underlying;
  const size = underlying.multiplier * p.quantity;
  const legCommission = p.commissionPerContract * p.quantity;
  const slip = p.slippagePerLeg;
  const { rate, dividendYield, skewBeta } = p;
  const bandWidth = p.thresholdMax - p.thresholdMin;
  const definition = POLICIES[policy];
  const rules = definition.rules;
  const needs = needsOf(definition);
  const ruleParams = ruleParamsOf(p);
  const state = emptyPositionState(p);
  const days = toIndex - fromIndex + 1;
  const equity = new Float64Array(days);
  const returnOnRisk = new Float64Array(days);
  const vols = new Float64Array(LEGS);
  const book = createHedgeBook(p.maxHedgeLayers);
  const quote: LayerQuote = { longStrike: 0, shortStrike: 0, debit: 0 };
  const carryNow = { forward: 0, carry: 0 };
  const campaigns: CampaignRecord[] = [];
  const events: BacktestEvent[] = [];
  const trace = (i: number, kind: BacktestEventKind, price: number, detail = '') => {
    if (p.trace) events.push({ date: dates[i]!, kind, strikes: [k1, k2, k3, k4], price, detail });
  };
  const endings = noEndings();

  // The open structure.
  let open = false;
  let k1 = 0,
    k2 = 0,
    k3 = 0,
    k4 = 0;
  let expiryIndex = -1;
  let expiryDay = 0;
  let credit = 0; // per share, after slippage
  let modelCredit = 0; // the model's value at entry (x̂₀)
  let calibration = 1;
  let entryCushion = 0;
  let structureDay = 0; // day number the open structure was traded
  const entryVols = new Float64Array(LEGS);
  let entry: EntrySnapshot | null = null;
  // The campaign.
  let cashAtOpen = 0,
    campaignRisk = 0,
    openedIndex = 0,
    firstCredit = 0,
    rolls = 0,
    tightens = 0,
    hedges = 0,
    hedgesHeld = 0;
  // The run.
  let cash = 0,
    commissions = 0,
    slippage = 0,
    hedgePl = 0,
    totalRolls = 0,
    totalTightens = 0,
    totalHedges = 0,
    daysInMarket = 0,
    skippedEntries = 0;
  let nextOpen = fromIndex;
  let entriesDone = false;
  // The day: the structure's mark per share booked at the close (0 when flat), and the vol loss
  // as a share of max loss that the HEDGE layers are sized on.
  let markNow = 0;
  let hedgeLossShare = 0;

  // The two clocks at day i's close for a PM expiry on day `expiry` (docs/engine.md, "Two clocks"):
  // calendar days / 365 for the forward and discounting, sessions / 252 for variance. From one
  // close to a later close every trading day between is one whole session (an early close too),
  // so the sessions are the index difference: a Friday close to a Monday expiry is one session.
  const clockAt = (i: number, expiry: number): TimeToSettlement => ({
    discountYears: (dayNumbers[expiry]! - dayNumbers[i]!) / 365,
    varianceYears: (expiry - i) / TRADING_DAYS_PER_YEAR,
  });
  const marketInputs = (i: number, time: TimeToSettlement): MarketInputs => ({
    spot: spx[i]!,
    atmVol: vix[i]! / 100,
    skewBeta,
    rate,
    dividendYield,
    years: time.discountYears,
    varianceYears: time.varianceYears,
  });

  function openStructure(
    i: number,
    m: MarketInputs,
    strikes: Strikes4,
    legVols: Float64Array,
    forward: number,
    modelMark: number,
    kind: BacktestEventKind,
  ): void {
    credit = modelMark - LEGS * slip;
    modelCredit = modelMark;
    [k1, k2, k3, k4] = strikes;
    entryVols.set(legVols);
    entry = entrySnapshotOf(dates[i]!, dayNumbers[i]!, m, strikes, legVols, forward, modelMark, credit, vix[i]!);
    calibration = entry.calibration;
    entryCushion = entry.cushion;
    structureDay = dayNumbers[i]!;
    cash += credit * size - LEGS * legCommission;
    commissions += LEGS * legCommission;
    slippage += LEGS * slip * size;
    trace(i, kind, credit);
  }

  /** Buys back the structure at its model mark plus slippage. */
  function closeStructure(mark: number): void {
    cash -= (mark + LEGS * slip) * size + LEGS * legCommission;
    commissions += LEGS * legCommission;
    slippage += LEGS * slip * size;
  }

  /** ROLL or TIGHTEN: the engine's re-strike. 'same' = nothing to trade; 'no-credit' = not worth it. */
  function restrikeNow(
    i: number,
    time: TimeToSettlement,
    mark: number,
    x: number,
    kind: 'roll' | 'tighten',
    how: 'recentre' | 'roll-tested' | 'roll-out' = 'recentre',
  ): 'done' | 'same' | 'no-credit' | 'no-expiry' {
    const condor: Condor = {
      underlying,
      strikes: { longPut: k1, shortPut: k2, shortCall: k3, longCall: k4 },
      expiry: dates[expiryIndex]!,
      quantity: p.quantity,
      credit,
    };
    const market: MarketState = {
      spot: spx[i]!,
      rate,
      dividendYield,
      vol: vixProxy(vix[i]!, skewBeta),
      valuationMs: dayNumbers[i]! * MS_PER_DAY,
      valuationDate: dates[i]!,
    };
    // A roll out opens at the expiry a new campaign would take today (the entry DTE).
    let newExpiry = expiryIndex;
    if (how === 'roll-out') {
      newExpiry = expiryIndexFor(h, i, p.targetDte, p.expiryRule, toIndex);
      if (newExpiry < 0) return 'no-expiry';
    }
    const newTime = how === 'roll-out' ? clockAt(i, newExpiry) : time;
    const side = how === 'roll-tested' ? testedSide(condor.strikes, spx[i]!) : undefined;
    const next = restrike(condor, entry!, market, newTime, x, mark, side);
    const s = next.strikes;
    if (newExpiry === expiryIndex && s.longPut === k1 && s.shortPut === k2 && s.shortCall === k3 && s.longCall === k4)
      return 'same';
    const widest = Math.max(s.shortPut - s.longPut, s.longCall - s.shortCall);
    if (!(next.newModelCredit - LEGS * slip > 0) || !(next.newModelCredit < widest)) return 'no-credit';
    trace(i, 'close', mark + LEGS * slip, kind);
    closeStructure(mark);
    if (newExpiry !== expiryIndex) {
      expiryIndex = newExpiry;
      expiryDay = dayNumbers[newExpiry]!;
    }
    const m = marketInputs(i, newTime);
    const { forward } = forwardAndDiscount(m.spot, m.years, rate, dividendYield);
    const strikes: Strikes4 = [s.longPut, s.shortPut, s.shortCall, s.longCall];
    legVolsAt(strikes, m.atmVol, skewBeta, forward, vols);
    openStructure(i, m, strikes, vols, forward, next.newModelCredit, kind);
    return 'done';
  }

  /** HEDGE: the ALVH layers that are due and affordable, bought at the model debit plus slippage. */
  function buyHedges(i: number, premiumBreach: number, threshold: number): void {
    const percentile = vixPercentile[i]!;
    const hedgeExpiry = vixExpiryDayFor(h, expiryIndex);
    quoteSpread(
      vix[i]!,
      Math.max(0, hedgeExpiry - dayNumbers[i]!) / 365,
      vvix[i]!,
      regimeFor(vix[i]!, Number.isNaN(percentile) ? null : percentile) === 'extreme',
      rate,
      quote,
    );
    const maxLoss = (Math.max(k2 - k1, k4 - k3) - credit) * size;
    for (let layer = 1; layer <= book.maxLayers; layer++) {
      if (book.used[layer] || premiumBreach < layer * threshold) continue;
      const contracts = layerContracts(book, layer, quote, maxLoss);
      if (contracts <= 0) continue;
      const cost =
        contracts * ((quote.debit + SPREAD_LEGS * slip) * VIX_MULTIPLIER + SPREAD_LEGS * p.commissionPerContract);
      cash -= cost;
      hedgePl -= cost;
      commissions += SPREAD_LEGS * p.commissionPerContract * contracts;
      slippage += SPREAD_LEGS * slip * VIX_MULTIPLIER * contracts;
      book.used[layer] = 1;
      book.held[layer] = 1;
      book.contracts[layer] = contracts;
      book.longStrike[layer] = quote.longStrike;
      book.shortStrike[layer] = quote.shortStrike;
      book.expiryDay[layer] = hedgeExpiry;
      hedges++;
      hedgesHeld++;
      trace(
        i,
        'hedge',
        quote.debit + SPREAD_LEGS * slip,
        `layer ${layer}: ${contracts} VIX ${quote.longStrike}/${quote.shortStrike} call spreads`,
      );
    }
  }

  /** Settles layers at their VIX expiry (intrinsic on the VIX close); with `sellAll`, sells the rest. */
  function settleHedges(i: number, sellAll: boolean, volOfVol: number): void {
    for (let layer = 1; layer <= book.maxLayers; layer++) {
      if (!book.held[layer]) continue;
      const day = dayNumbers[i]!;
      let proceeds = 0;
      if (day >= book.expiryDay[layer]!) {
        proceeds = layerValue(book, layer, vix[i]!, day, volOfVol, rate);
      } else if (sellAll) {
        const perSpread = spreadValue(
          vix[i]!,
          (book.expiryDay[layer]! - day) / 365,
          book.longStrike[layer]!,
          book.shortStrike[layer]!,
          volOfVol,
          rate,
        );
        // Below the two legs' slippage a spread is left to expire rather than sold for nothing.
        if (perSpread > SPREAD_LEGS * slip) {
          const contracts = book.contracts[layer]!;
          proceeds =
            contracts * ((perSpread - SPREAD_LEGS * slip) * VIX_MULTIPLIER - SPREAD_LEGS * p.commissionPerContract);
          commissions += SPREAD_LEGS * p.commissionPerContract * contracts;
          slippage += SPREAD_LEGS * slip * VIX_MULTIPLIER * contracts;
        }
      } else {
        continue;
      }
      cash += proceeds;
      hedgePl += proceeds;
      book.held[layer] = 0;
      hedgesHeld--;
    }
  }

  /** Settlement at intrinsic value on the close: no trade, no costs. */
  function settleAtExpiry(i: number): CampaignEnding {
    const intrinsic = intrinsicAt(k1, k2, k3, k4, spx[i]!);
    cash -= intrinsic * size;
    trace(i, 'settle', intrinsic, 'expiry');
    return 'expiry';
  }

  /**
   * The open structure's model mark per share at day i's close, each leg at its skewed vol (in
   * `vols`); leaves the forward and carry in `carryNow` when the skew or the deltas need them.
   */
  function markStructure(i: number, time: TimeToSettlement): number {
    const spot = spx[i]!;
    const atmVol = vix[i]! / 100;
    carryNow.forward = 0;
    carryNow.carry = 0;
    if (skewBeta || needs.deltas) {
      const { forward, carry } = forwardAndDiscount(spot, time.discountYears, rate, dividendYield);
      carryNow.forward = forward;
      carryNow.carry = carry;
    }
    if (skewBeta) legVolsAt([k1, k2, k3, k4], atmVol, skewBeta, carryNow.forward, vols);
    else vols.fill(atmVol);
    return condorMark4(
      k1,
      k2,
      k3,
      k4,
      spot,
      time.discountYears,
      vols[0]!,
      vols[1]!,
      vols[2]!,
      vols[3]!,
      rate,
      dividendYield,
      time.varianceYears,
    );
  }

  /**
   * Fills the rules' view of the structure (`state`) from the day's mark and `x`, the calibrated
   * mark; sets `hedgeLossShare` when the policy watches the premium breach.
   */
  function observe(i: number, time: TimeToSettlement, x: number): void {
    const spot = spx[i]!;
    const day = dayNumbers[i]!;
    const percentile = vixPercentile[i]!;
    hedgeLossShare = 0;
    state.dte = expiryDay - day;
    state.spot = spot;
    state.credit = credit;
    state.mark = x;
    state.breakEvenLow = k2 - credit;
    state.breakEvenHigh = k3 + credit;
    state.cushion = Math.min(spot - state.breakEvenLow, state.breakEvenHigh - spot);
    state.entryCushion = entryCushion;
    state.threshold = p.thresholdMin + bandWidth * ((Number.isNaN(percentile) ? 50 : percentile) / 100);
    state.entryExpectedMove = entry!.expectedMove;
    state.daysSinceAdjustment = day - structureDay;
    state.maxLoss = Math.max(k2 - k1, k4 - k3) - credit;
    if (needs.deltas) {
      const { forward, carry } = carryNow;
      state.shortPutDelta = absDelta('put', k2, vols[1]!, time.varianceYears, forward, carry);
      state.shortCallDelta = absDelta('call', k3, vols[2]!, time.varianceYears, forward, carry);
    }
    if (needs.premiumBreach) {
      const markAtEntryVols = condorMark4(
        k1,
        k2,
        k3,
        k4,
        spot,
        time.discountYears,
        entryVols[0]!,
        entryVols[1]!,
        entryVols[2]!,
        entryVols[3]!,
        rate,
        dividendYield,
        time.varianceYears,
      );
      const volLoss = x - calibration * markAtEntryVols;
      state.premiumBreach = volLoss / credit;
      // The layers fire on the vol loss as a share of max loss, as proposeHedge's do.
      hedgeLossShare = volLossShare(volLoss, state.maxLoss);
      state.hedgeDue = layerDue(book, hedgeLossShare, state.threshold);
    }
  }

  /** Carries out the rule that fired: an ending, HEDGE, TIGHTEN or a roll. Returns the ending, if any. */
  function act(i: number, time: TimeToSettlement, mark: number, x: number, decision: Decision): CampaignEnding | null {
    if (decision.ending !== undefined) return decision.ending;
    if (decision.action === 'HEDGE') {
      buyHedges(i, hedgeLossShare, state.threshold);
    } else if (decision.action === 'TIGHTEN') {
      if (restrikeNow(i, time, mark, x, 'tighten') === 'done') {
        tightens++;
        markNow = modelCredit;
      }
    } else {
      const how =
        decision.adjustment === 'roll-out' || decision.adjustment === 'roll-tested' ? decision.adjustment : 'recentre';
      const outcome = restrikeNow(i, time, mark, x, 'roll', how);
      if (outcome === 'no-credit') return 'roll-no-credit';
      if (outcome === 'no-expiry') return 'roll-no-expiry';
      if (outcome === 'done') {
        rolls++;
        markNow = modelCredit;
      }
    }
    return null;
  }

  /** A day before expiry: mark the structure, ask the policy's rules, act, and close it if it ended. */
  function manage(i: number): CampaignEnding | null {
    const time = clockAt(i, expiryIndex);
    const mark = markStructure(i, time);
    markNow = mark;
    const x = calibration * mark;
    observe(i, time, x);
    const fired = decide(rules, state, ruleParams);
    const ended = fired === null ? null : act(i, time, mark, x, fired.decision);
    if (ended !== null) {
      trace(i, 'close', mark + LEGS * slip, ended);
      closeStructure(mark);
    }
    return ended;
  }

  /** Books the campaign that ended today, sells what hedges are left and frees the book. */
  function endCampaign(i: number, ended: CampaignEnding, volOfVol: number): void {
    if (hedgesHeld > 0) settleHedges(i, true, volOfVol);
    const pl = cash - cashAtOpen;
    endings[ended]++;
    campaigns.push({
      openedDate: dates[openedIndex]!,
      endedDate: dates[i]!,
      expiry: dates[expiryIndex]!,
      pl,
      risk: campaignRisk,
      returnOnRisk: campaignRisk > 0 ? pl / campaignRisk : 0,
      entryCredit: firstCredit,
      rolls,
      tightens,
      hedges,
      ending: ended,
    });
    totalRolls += rolls;
    totalTightens += tightens;
    totalHedges += hedges;
    open = false;
    markNow = 0;
    nextOpen = i + 1;
    clearHedgeBook(book);
  }

  /** A day with a structure open: settle due hedges, then settle at expiry or manage. */
  function holdDay(i: number, volOfVol: number): void {
    if (hedgesHeld > 0) settleHedges(i, false, volOfVol);
    const ended = i === expiryIndex ? settleAtExpiry(i) : manage(i);
    if (ended !== null) endCampaign(i, ended, volOfVol);
  }

  /** A flat day: open the model condor at the entry DTE, unless no expiry is left or the credit is too thin. */
  function tryOpen(i: number): void {
    const expiry = expiryIndexFor(h, i, p.targetDte, p.expiryRule, toIndex);
    if (expiry < 0) {
      entriesDone = true;
      return;
    }
    const m = marketInputs(i, clockAt(i, expiry));
    let entryQuote = entries[i];
    if (entryQuote === undefined) {
      const wings = wingWidthFor(underlying, p.wingWidth, spx[i]!);
      entryQuote = modelEntry(m, underlying, p.targetDelta, wings, p.wingDelta);
      entries[i] = entryQuote;
    }
    if (entryQuote === null || !(entryQuote.modelCredit - LEGS * slip > 0)) {
      skippedEntries++;
      return;
    }
    cashAtOpen = cash;
    openedIndex = i;
    expiryIndex = expiry;
    expiryDay = dayNumbers[expiry]!;
    rolls = tightens = hedges = hedgesHeld = 0;
    const { strikes, legVols, forward } = entryQuote;
    openStructure(i, m, strikes, legVols, forward, entryQuote.modelCredit, 'open');
    firstCredit = credit;
    campaignRisk = (Math.max(k2 - k1, k4 - k3) - credit) * size;
    open = true;
    markNow = modelCredit;
  }

  /** The day's equity at the close (cash less the structure's mark plus the hedges' value) and its return on risk. */
  function bookDay(i: number, heldAtStart: boolean, volOfVol: number): void {
    const day = dayNumbers[i]!;
    let hedgeValue = 0;
    if (open && hedgesHeld > 0) {
      for (let layer = 1; layer <= book.maxLayers; layer++)
        if (book.held[layer]) hedgeValue += layerValue(book, layer, vix[i]!, day, volOfVol, rate);
    }
    const t = i - fromIndex;
    equity[t] = cash - markNow * size + hedgeValue;
    // The day's P/L on the risk of the campaign it belongs to (the one open, or closed today).
    if ((heldAtStart || open) && campaignRisk > 0)
      returnOnRisk[t] = (equity[t] - (t ? equity[t - 1]! : 0)) / campaignRisk;
    if (heldAtStart || open) daysInMarket++;
  }

  for (let i = fromIndex; i <= toIndex; i++) {
    const heldAtStart = open;
    const volOfVol = vvix[i]! > 0 ? vvix[i]! / 100 : DEFAULT_VOL_OF_VOL;
    markNow = 0;
    if (open) holdDay(i, volOfVol);
    else if (i >= nextOpen && !entriesDone) tryOpen(i);
    bookDay(i, heldAtStart, volOfVol);
  }

  return summarise({
    policy,
    campaigns,
    equity,
    returnOnRisk,
    keepCurve: p.equityCurve,
    keepCampaigns: p.campaignList,
    totals: {
      rolls: totalRolls,
      tightens: totalTightens,
      hedges: totalHedges,
      hedgePl,
      commissions,
      slippage,
      daysInMarket,
      skippedEntries,
    },
    endings,
    events,
  });
}
