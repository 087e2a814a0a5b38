// ALVH inside the backtest: the layers are priced and sized as proposeHedge does, bought on the
// days the bot says HEDGE, and sold with the campaign at the Black-76 value less slippage.
import { describe, expect, it } from 'vitest';
import {
  black76,
  classifyRegime,
  createEntrySnapshot,
  estimateVixFuture,
  evaluatePosition,
  proposeHedge,
  UNDERLYINGS,
  vixExpiryOnOrAfter,
  dates,
  type Condor,
} from '../../../src/engine/index.ts';
import { runBacktests } from '../../../src/engine/backtest/index.ts';
import { createHedgeBook, layerContracts, quoteSpread } from '../../../src/engine/backtest/hedges.ts';
import { markOn, marketOn, msOf, path, strikesOf } from './paths.ts';

describe('hedge quotes', () => {
  it('quoteSpread and layerContracts agree with proposeHedge', () => {
    for (const vix of [9.5, 14, 19.5, 27.3, 45, 80])
      for (const days of [0, 12, 40, 75])
        for (const vvix of [Number.NaN, 85, 140])
          for (const extreme of [false, true])
            for (const maxLoss of [400, 3700, 25_000]) {
              const proposal = proposeHedge({
                volLoss: 10 * maxLoss,
                threshold: 0.2,
                activeLayers: [],
                condorMaxLoss: maxLoss,
                condorExpiry: '2026-03-02',
                valuationDate: dates.addDays('2026-03-02', -days),
                vix,
                vvix: Number.isNaN(vvix) ? null : vvix,
                regime: extreme ? 'extreme' : 'normal',
                rate: 0.04,
              });
              const years = dates.daysBetween(dates.addDays('2026-03-02', -days), proposal.vixExpiry) / 365;
              const quote = { longStrike: 0, shortStrike: 0, debit: 0 };
              quoteSpread(vix, years, vvix, extreme, 0.04, quote);
              const label = `vix ${vix} days ${days} vvix ${vvix} extreme ${extreme} maxLoss ${maxLoss}`;
              expect(quote.longStrike, label).toBe(proposal.layers[0]!.longStrike);
              expect(quote.shortStrike, label).toBe(proposal.layers[0]!.shortStrike);
              expect(quote.debit, label).toBe(proposal.layers[0]!.debit);
              // The book holds the layers bought below, as the backtest's does.
              const book = createHedgeBook(3);
              for (const layer of proposal.layers) {
                const contracts = layerContracts(book, layer.layer, quote, maxLoss);
                expect(contracts, label).toBe(layer.contracts);
                book.used[layer.layer] = 1;
                book.contracts[layer.layer] = contracts;
                book.longStrike[layer.layer] = quote.longStrike;
                book.shortStrike[layer.layer] = quote.shortStrike;
              }
            }
  });
});

describe('a volatility rise with spot still (VIX 14 → 40 over 26 days, SPX 5,000)', () => {
  const FLAT = 30;
  const DAYS = path(
    '2025-01-06',
    () => 5000,
    (i) => (i <= FLAT ? 14 : Math.min(40, 14 + (i - FLAT))),
    120,
  );
  const result = runBacktests({
    days: DAYS,
    policies: ['cp', 'delta'],
    params: { trace: true, from: DAYS[FLAT]!.date },
  });
  const cp = result.policies[0]!;
  const campaign = cp.campaignList[0]!;
  const opening = cp.events[0]!;
  const hedges = cp.events.filter((event) => event.kind === 'hedge' && event.date <= campaign.endedDate);

  it('buys the layers on the days and in the sizes the bot proposes', () => {
    // Layers 2 and 3 fire too, but on a 1-lot their 2.5% budgets buy no spread (docs/engine.md).
    expect(hedges.map((event) => Number(/layer (\d)/.exec(event.detail)![1]))).toEqual([1]);
    const condor: Condor = {
      underlying: UNDERLYINGS.SPX,
      strikes: strikesOf(opening),
      expiry: campaign.expiry,
      quantity: 1,
      credit: opening.price,
    };
    const entry = createEntrySnapshot({
      condor,
      market: marketOn(DAYS[FLAT]!),
      settlementMs: msOf(campaign.expiry),
      vix: DAYS[FLAT]!.vix,
    });
    const active: number[] = [];
    for (const event of hedges) {
      const i = DAYS.findIndex((day) => day.date === event.date);
      const regime = classifyRegime({ vix: DAYS[i]!.vix, history: DAYS.slice(0, i).map((d) => d.vix) });
      const bot = evaluatePosition({
        position: { condor, entry, settlementMs: msOf(campaign.expiry), activeHedgeLayers: active },
        market: marketOn(DAYS[i]!),
        regime,
        settings: { policy: 'cp' },
      });
      expect(bot.action, event.date).toBe('HEDGE');
      const layer = bot.hedge.proposed[0]!;
      expect(event.detail).toBe(
        `layer ${layer.layer}: ${layer.contracts} VIX ${layer.longStrike}/${layer.shortStrike} call spreads`,
      );
      expect(event.price).toBeCloseTo(layer.debit + 0.1, 12);
      active.push(layer.layer);
    }
    expect(cp.hedges).toBe(1);
    expect(result.policies[1]!.hedges).toBe(0);
  });

  it('books the campaign as condor P/L plus hedge P/L, hedges sold at model value less slippage', () => {
    const end = DAYS.findIndex((day) => day.date === campaign.endedDate);
    const closing = cp.events.find((event) => event.kind === 'close')!;
    const condorPl = (opening.price - closing.price) * 100 - 8;
    expect(closing.price).toBeCloseTo(markOn(strikesOf(opening), campaign.expiry, DAYS[end]!) + 0.2, 12);
    const vixExpiry = vixExpiryOnOrAfter(campaign.expiry, () => false);
    const years = dates.daysBetween(campaign.endedDate, vixExpiry) / 365;
    const future = estimateVixFuture(DAYS[end]!.vix, years);
    let hedgePl = 0;
    for (const event of hedges) {
      const [, contracts, long, short] = /: (\d+) VIX (\d+)\/(\d+)/.exec(event.detail)!.map(Number);
      const value =
        black76({ type: 'call', forward: future, strike: long!, years, vol: 0.9, rate: 0.04 }).price -
        black76({ type: 'call', forward: future, strike: short!, years, vol: 0.9, rate: 0.04 }).price;
      hedgePl += -contracts! * (event.price * 100 + 2) + contracts! * ((value - 0.1) * 100 - 2);
    }
    expect(cp.hedgePl).toBeCloseTo(hedgePl, 6);
    expect(campaign.pl).toBeCloseTo(condorPl + hedgePl, 6);
    expect(campaign.hedges).toBe(1);
  });
});
