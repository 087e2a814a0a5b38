// One policy over the history, day by day at the close (ENGINE.md §9). A campaign opens the
// model condor of §8, is managed by the rules of §6 exactly as evaluatePosition applies them
// (the same comparisons on the same calibrated mark, recomputed here with optionPrice and no
// allocation on a quiet day), and ends when its last structure is closed or settles; the next
// campaign opens on the next trading day. Fills are the model's prices less slippage per leg.
import { restrike } from '../restrike.ts';
import { DEFAULT_VOL_OF_VOL, VIX_MULTIPLIER, volLossShare } from '../hedge.ts';
import { MS_PER_DAY } from '../dates.ts';
import { forwardAndDiscount } from '../options.ts';
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
import type {
  BacktestEvent,
  BacktestEventKind,
  BacktestParams,
  BacktestPolicy,
  CampaignEnding,
  CampaignRecord,
  PolicyResult,
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

export function runPolicy(input: RunInput, policy: BacktestPolicy): PolicyResult {
  const { history: h, fromIndex, toIndex, params: p, entries } = input;
  const { dates, dayNumbers, spx, vix, vvix, vixPercentile } = h;
  const underlying = p.underlying;
  const size = underlying.multiplier * p.quantity;
  const legCommission = p.commissionPerContract * p.quantity;
  const slip = p.slippagePerLeg;
  const { rate, dividendYield, skewBeta } = p;
  const bandWidth = p.thresholdMax - p.thresholdMin;
  const isCp = policy === 'cp';
  const managed = policy !== 'hold';
  const equity = new Float64Array(toIndex - fromIndex + 1);
  const vols = new Float64Array(LEGS);
  const book = createHedgeBook(p.maxHedgeLayers);
  const quote: LayerQuote = { longStrike: 0, shortStrike: 0, debit: 0 };
  const campaigns: CampaignRecord[] = [];
  const events: BacktestEvent[] = [];
  const trace = (i: number, kind: BacktestEventKind, price: number, detail = '') => {
    if (p.trace) events.push({ date: dates[i]!, kind, strikes: [k1, k2, k3, k4], price, detail });
  };
  const endings = {
    expiry: 0,
    'take-profit': 0,
    'stop-loss': 0,
    'break-even': 0,
    'exit-dte': 0,
    'roll-too-late': 0,
    'roll-no-credit': 0,
  };

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
  const entryVols = new Float64Array(LEGS);
  let entry: EntrySnapshot | null = null;
  // The campaign.
  let cashAtOpen = 0,
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

  const marketInputs = (i: number, years: number): MarketInputs => ({
    spot: spx[i]!,
    atmVol: vix[i]! / 100,
    skewBeta,
    rate,
    dividendYield,
    years,
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
    years: number,
    mark: number,
    x: number,
    kind: 'roll' | 'tighten',
  ): 'done' | 'same' | 'no-credit' {
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
    const next = restrike(condor, entry!, market, years, x);
    const s = next.strikes;
    if (s.longPut === k1 && s.shortPut === k2 && s.shortCall === k3 && s.longCall === k4) return 'same';
    const widest = Math.max(s.shortPut - s.longPut, s.longCall - s.shortCall);
    if (!(next.newCredit - LEGS * slip > 0) || !(next.newCredit < widest)) return 'no-credit';
    trace(i, 'close', mark + LEGS * slip, kind);
    closeStructure(mark);
    const m = marketInputs(i, years);
    const { forward } = forwardAndDiscount(m.spot, years, rate, dividendYield);
    const strikes: Strikes4 = [s.longPut, s.shortPut, s.shortCall, s.longCall];
    legVolsAt(strikes, m.atmVol, skewBeta, forward, vols);
    openStructure(i, m, strikes, vols, forward, next.newCredit, kind);
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

  for (let i = fromIndex; i <= toIndex; i++) {
    const spot = spx[i]!;
    const day = dayNumbers[i]!;
    const heldAtStart = open;
    const volOfVol = vvix[i]! > 0 ? vvix[i]! / 100 : DEFAULT_VOL_OF_VOL;
    let markNow = 0;
    let ended: CampaignEnding | null = null;

    if (open) {
      if (hedgesHeld > 0) settleHedges(i, false, volOfVol);
      if (i === expiryIndex) {
        // Settlement at intrinsic value on the close: no trade, no costs.
        const intrinsic =
          Math.max(k2 - spot, 0) - Math.max(k1 - spot, 0) + Math.max(spot - k3, 0) - Math.max(spot - k4, 0);
        cash -= intrinsic * size;
        ended = 'expiry';
        trace(i, 'settle', intrinsic, ended);
      } else {
        const years = (expiryDay - day) / 365;
        const atmVol = vix[i]! / 100;
        let forward = 0;
        let carry = 0;
        if (skewBeta || policy === 'delta') ({ forward, carry } = forwardAndDiscount(spot, years, rate, dividendYield));
        if (skewBeta) legVolsAt([k1, k2, k3, k4], atmVol, skewBeta, forward, vols);
        else vols.fill(atmVol);
        const mark = condorMark4(
          k1,
          k2,
          k3,
          k4,
          spot,
          years,
          vols[0]!,
          vols[1]!,
          vols[2]!,
          vols[3]!,
          rate,
          dividendYield,
        );
        markNow = mark;
        const x = calibration * mark;
        const dte = expiryDay - day;
        const cushion = Math.min(spot - (k2 - credit), k3 + credit - spot);
        if (managed && cushion <= 0) ended = 'break-even';
        else if (x - credit >= p.stopLoss * credit) ended = 'stop-loss';
        else if (p.exitDte > 0 && dte <= p.exitDte) ended = 'exit-dte';
        else if (p.profitTarget !== null && x <= (1 - p.profitTarget) * credit) ended = 'take-profit';
        else if (managed) {
          const percentile = vixPercentile[i]!;
          const threshold = p.thresholdMin + bandWidth * ((Number.isNaN(percentile) ? 50 : percentile) / 100);
          const rollFires = isCp
            ? (entryCushion > 0 ? 1 - cushion / entryCushion : 0) >= threshold
            : Math.max(
                absDelta('put', k2, vols[1]!, years, forward, carry),
                absDelta('call', k3, vols[2]!, years, forward, carry),
              ) >= p.deltaTrigger;
          if (rollFires) {
            if (dte < p.minRollDte) ended = 'roll-too-late';
            else {
              const outcome = restrikeNow(i, years, mark, x, 'roll');
              if (outcome === 'no-credit') ended = 'roll-no-credit';
              else if (outcome === 'done') {
                rolls++;
                markNow = modelCredit;
              }
            }
          } else if (isCp) {
            const markAtEntryVols = condorMark4(
              k1,
              k2,
              k3,
              k4,
              spot,
              years,
              entryVols[0]!,
              entryVols[1]!,
              entryVols[2]!,
              entryVols[3]!,
              rate,
              dividendYield,
            );
            const volLoss = x - calibration * markAtEntryVols;
            const premiumBreach = volLoss / credit;
            // The layers fire on the vol loss as a share of max loss, as proposeHedge's do.
            const lossShare = volLossShare(volLoss, Math.max(k2 - k1, k4 - k3) - credit);
            if (premiumBreach >= threshold && layerDue(book, lossShare, threshold)) buyHedges(i, lossShare, threshold);
            else if (premiumBreach <= -threshold && restrikeNow(i, years, mark, x, 'tighten') === 'done') {
              tightens++;
              markNow = modelCredit;
            }
          }
        }
        if (ended !== null) {
          trace(i, 'close', mark + LEGS * slip, ended);
          closeStructure(mark);
        }
      }
      if (ended !== null) {
        if (hedgesHeld > 0) settleHedges(i, true, volOfVol);
        const pl = cash - cashAtOpen;
        endings[ended]++;
        campaigns.push({
          openedDate: dates[openedIndex]!,
          endedDate: dates[i]!,
          expiry: dates[expiryIndex]!,
          pl,
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
    } else if (i >= nextOpen && !entriesDone) {
      const expiry = expiryIndexFor(h, i, p.targetDte, p.expiryRule, toIndex);
      if (expiry < 0) entriesDone = true;
      else {
        const years = (dayNumbers[expiry]! - day) / 365;
        const m = marketInputs(i, years);
        let quote = entries[i];
        if (quote === undefined) {
          quote = modelEntry(m, underlying, p.targetDelta, wingWidthFor(underlying, p.wingWidth, spot));
          entries[i] = quote;
        }
        if (quote === null || !(quote.modelCredit - LEGS * slip > 0)) skippedEntries++;
        else {
          cashAtOpen = cash;
          openedIndex = i;
          expiryIndex = expiry;
          expiryDay = dayNumbers[expiry]!;
          rolls = tightens = hedges = hedgesHeld = 0;
          openStructure(i, m, quote.strikes, quote.legVols, quote.forward, quote.modelCredit, 'open');
          firstCredit = credit;
          open = true;
          markNow = modelCredit;
        }
      }
    }

    let hedgeValue = 0;
    if (open && hedgesHeld > 0) {
      for (let layer = 1; layer <= book.maxLayers; layer++)
        if (book.held[layer]) hedgeValue += layerValue(book, layer, vix[i]!, day, volOfVol, rate);
    }
    equity[i - fromIndex] = cash - markNow * size + hedgeValue;
    if (heldAtStart || open) daysInMarket++;
  }

  return summarise({
    policy,
    campaigns,
    equity,
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
