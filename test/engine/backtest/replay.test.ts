// The backtest applies the bot's rules: on a random path, every trade it makes (and every day it
// holds) is what evaluatePosition says for the structure then open, given the same entry snapshot,
// the same VIX history and the hedge layers already bought.
import { describe, expect, it } from 'vitest';
import {
  classifyRegime,
  createEntrySnapshot,
  evaluatePosition,
  UNDERLYINGS,
  type Condor,
} from '../../../src/engine/index.ts';
import { runBacktests, type BacktestDay, type BacktestEvent } from '../../../src/engine/backtest/index.ts';
import { clockOn, lcg, marketOn, msOf, path, strikesOf } from './paths.ts';

function randomPath(seed: number, count: number): BacktestDay[] {
  const random = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let spx = 4000;
  let vix = 18;
  const spxs: number[] = [];
  const vixes: number[] = [];
  for (let i = 0; i < count; i++) {
    const shock = normal();
    spx = Math.round(spx * Math.exp((vix / 100 / Math.sqrt(252)) * shock) * 100) / 100;
    vix = Math.round(Math.min(70, Math.max(9, vix + 0.15 * (18 - vix) - 2.2 * shock + 0.8 * normal())) * 100) / 100;
    spxs.push(spx);
    vixes.push(vix);
  }
  return path('2021-01-04', spxs, vixes);
}

const EXPECTED: Record<string, string> = {
  'take-profit': 'TAKE_PROFIT',
  roll: 'ROLL',
  tighten: 'TIGHTEN',
  hedge: 'HEDGE',
  settle: 'CLOSE',
};

/**
 * Walks the days with the structure the events say is open and asks the bot about each day.
 * `expiries` maps a campaign's opening date to its expiry.
 */
function replay(
  days: readonly BacktestDay[],
  events: readonly BacktestEvent[],
  expiries: ReadonlyMap<string, string>,
  policy: 'cp' | 'delta',
  firstIndex: number,
): { checked: number; actions: Record<string, number> } {
  const actions: Record<string, number> = {};
  let checked = 0;
  let open: { condor: Condor; entry: ReturnType<typeof createEntrySnapshot>; since: number; layers: number[] } | null =
    null;
  for (let i = firstIndex; i < days.length; i++) {
    const today = events.filter((event) => event.date === days[i]!.date);
    if (open && i > open.since) {
      const settlementMs = msOf(open.condor.expiry);
      const regime = classifyRegime({ vix: days[i]!.vix, history: days.slice(0, i).map((d) => d.vix) });
      const bot = evaluatePosition({
        position: {
          condor: open.condor,
          entry: open.entry,
          settlementMs,
          clock: clockOn(days[i]!.date, open.condor.expiry),
          activeHedgeLayers: open.layers,
        },
        market: marketOn(days[i]!),
        regime,
        settings: { policy },
      });
      actions[bot.action] = (actions[bot.action] ?? 0) + 1;
      checked++;
      const first = today[0];
      if (!first) {
        // Quiet day: HOLD, or a proposal there was nothing to trade on.
        if (bot.action === 'HEDGE' && bot.proposal.kind === 'hedge')
          expect(
            bot.proposal.hedge.proposed.every((layer) => layer.contracts === 0),
            days[i]!.date,
          ).toBe(true);
        else if (
          (bot.action === 'ROLL' || bot.action === 'TIGHTEN') &&
          bot.proposal.kind !== 'hedge' &&
          bot.proposal.kind !== 'none' &&
          bot.proposal.kind !== 'close'
        )
          expect(bot.proposal.restrike.strikes, days[i]!.date).toEqual(open.condor.strikes);
        else expect(bot.action, days[i]!.date).toBe('HOLD');
      } else {
        const kind =
          first.kind === 'close'
            ? first.detail === 'roll' || first.detail === 'tighten'
              ? first.detail
              : first.detail === 'take-profit'
                ? 'take-profit'
                : 'close'
            : first.kind;
        expect(bot.action, `${days[i]!.date} ${kind}`).toBe(EXPECTED[kind] ?? 'CLOSE');
      }
    }
    for (const event of today) {
      if (event.kind === 'open' || event.kind === 'roll' || event.kind === 'tighten') {
        const expiry = event.kind === 'open' ? expiries.get(event.date)! : open!.condor.expiry;
        const condor: Condor = {
          underlying: UNDERLYINGS.SPX,
          strikes: strikesOf(event),
          expiry,
          quantity: 1,
          credit: event.price,
        };
        const entry = createEntrySnapshot({
          condor,
          market: marketOn(days[i]!),
          settlementMs: msOf(condor.expiry),
          clock: clockOn(days[i]!.date, condor.expiry),
          vix: days[i]!.vix,
        });
        open = { condor, entry, since: i, layers: event.kind === 'open' ? [] : open!.layers };
      } else if (event.kind === 'hedge') {
        open!.layers.push(Number(/layer (\d+)/.exec(event.detail)![1]));
      } else if (
        (event.kind === 'close' && event.detail !== 'roll' && event.detail !== 'tighten') ||
        event.kind === 'settle'
      ) {
        open = null;
      }
    }
  }
  return { checked, actions };
}

describe('the backtest replays evaluatePosition', () => {
  it.each([
    [1, 'cp'],
    [2, 'cp'],
    [3, 'delta'],
    [4, 'delta'],
  ] as const)('seed %i, %s: every trade and every quiet day match the bot', (seed, policy) => {
    const days = randomPath(seed, 420);
    const result = runBacktests({ days, policies: [policy], params: { from: days[30]!.date, trace: true } });
    const run = result.policies[0]!;
    const expiries = new Map(run.campaignList.map((campaign) => [campaign.openedDate, campaign.expiry]));
    const { checked, actions } = replay(days, run.events, expiries, policy, 30);
    expect(checked).toBeGreaterThan(250);
    expect(run.campaigns).toBeGreaterThan(3);
    expect(actions.ROLL ?? 0).toBeGreaterThan(0);
    if (policy === 'cp') expect(run.hedges + run.tightens).toBeGreaterThan(0);
  });
});
