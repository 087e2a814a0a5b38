// The summary builders (docs/decisions.md "Daily summaries"): the channel summary on a calm and on an
// extreme day (VIX ≥ 30 with a spike; and VIX under 30 at the 95th+ percentile), and the personal
// summary with the positions that need action first. The builders are pure; the calm and extreme
// inputs come from the engine through gather (a market port answering given numbers).
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/context.ts';
import { NOT_ADVICE } from '../../src/app/reply.ts';
import { createEntrySnapshot, type PositionEvaluation, type RegimeReading } from '../../src/engine/index.ts';
import { gatherChannel, gatherPersonal, marketForSummaries } from '../../src/scheduler/gather.ts';
import { buildPersonalSummary } from '../../src/scheduler/summary.ts';
import { fixedMarket, ny, vixHistory, type FixedMarketValues } from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';

const CALM: FixedMarketValues = {
  spx: 6000,
  spxPrevious: 5990,
  vix: 12.5,
  vixPrevious: 12.8,
  vix3m: 13.4,
  history: vixHistory(12, 24, 12.8),
};
const CRASH: FixedMarketValues = {
  spx: 5700,
  spxPrevious: 5900,
  vix: 34,
  vixPrevious: 26,
  vix3m: 30,
  history: vixHistory(12, 24, 26),
};
const HIGH_PERCENTILE: FixedMarketValues = {
  spx: 5900,
  spxPrevious: 5950,
  vix: 24.5,
  vixPrevious: 23.9,
  vix3m: 24,
  history: vixHistory(12, 24, 23.9),
};

function appOn(date: string, values: FixedMarketValues) {
  const t = schedulerApp(ny(date, '09:45'));
  const deps: AppDeps = { ...t.deps, market: fixedMarket(values, t.clock) };
  return { t, deps };
}

async function channelSummary(date: string, values: FixedMarketValues) {
  const { deps } = appOn(date, values);
  const view = await marketForSummaries(deps);
  return { view, reply: (await gatherChannel(deps, null, view, 'morning', false)).reply };
}

describe('the channel summary', () => {
  it('a calm day: neutral tone, calm regime, the model condor, no events, not advice', async () => {
    const { reply, view } = await channelSummary('2026-11-23', CALM);
    expect(view.regime.regime).toBe('calm');
    expect(reply.title).toBe('Daily signal · 2026-11-23');
    expect(reply.tone).toBe('neutral');
    expect(reply.visibility).toBe('channel');
    const [prices, regime, model, events, ...rest] = reply.lines!;
    expect(prices).toBe('SPX 6,000.00 (+0.17%) · VIX 12.50 (-2.34%)');
    expect(prices).not.toContain('SPIKE');
    expect(regime).toMatch(
      /^Regime calm: VIX at the \d+th percentile, contango \(VIX\/VIX3M 0\.93\)\. Threshold T \d+\.\d%\.$/,
    );
    expect(model).toMatch(
      /^Model condor [\d,]+\/[\d,]+\/[\d,]+\/[\d,]+ \d{4}-\d\d-\d\d \(\d+ DTE\): credit [\d.]+ \(\$[\d,]+\), max loss \$[\d,]+, PoP \d+%, k₀ [\d,]+, expected move ±[\d,]+\.$/,
    );
    // 2026-11-23..25 (Thanksgiving is the 26th): no FOMC, CPI or PPI.
    expect(events).toBe('No FOMC, CPI or PPI in the next 3 trading days.');
    expect(rest).toEqual([]);
    expect(reply.footer).toEqual(['Data: test, as of under a minute ago.', NOT_ADVICE]);
    expect(NOT_ADVICE).toMatch(/not investment advice/);
    const data = reply.data as { tradingDay: string; regime: RegimeReading; events: unknown[] };
    expect(data.tradingDay).toBe('2026-11-23');
    expect(data.events).toEqual([]);
  });

  it('a VIX spike day (VIX 34, +31%): warn tone, SPIKE flag, backwardation, the FOMC and CPI ahead', async () => {
    const { reply, view } = await channelSummary('2026-12-08', CRASH);
    expect(view.regime).toMatchObject({ regime: 'extreme', spike: true, termStructure: 'backwardation' });
    expect(reply.title).toBe('Daily signal · 2026-12-08');
    expect(reply.tone).toBe('warn');
    const [prices, regime, model, events] = reply.lines!;
    expect(prices).toBe('SPX 5,700.00 (-3.39%) · VIX 34.00 (+30.77%) · VIX SPIKE');
    expect(regime).toBe(
      'Regime extreme: VIX at the 100th percentile, backwardation (VIX/VIX3M 1.13). Threshold T 20.0%.',
    );
    expect(model).toMatch(/^Model condor .* \(\d+ DTE\): credit /);
    expect(events).toBe('Next 3 trading days: FOMC 2026-12-09, CPI 2026-12-10.');
    expect(reply.footer!.at(-1)).toBe(NOT_ADVICE);
  });

  it('extreme by percentile alone (VIX 24.5 above a year of closes, no spike): warn tone, no SPIKE flag', async () => {
    const { reply, view } = await channelSummary('2026-12-08', HIGH_PERCENTILE);
    expect(view.regime.vix).toBeLessThan(30);
    expect(view.regime.percentile).toBeGreaterThanOrEqual(95);
    expect(view.regime).toMatchObject({ regime: 'extreme', spike: false });
    expect(reply.tone).toBe('warn');
    expect(reply.lines![0]).toBe('SPX 5,900.00 (-0.84%) · VIX 24.50 (+2.51%)');
    expect(reply.lines![1]).toMatch(/^Regime extreme: VIX at the 100th percentile/);
  });

  it('the calm and the extreme model condors differ with the market (wider strikes in the extreme)', async () => {
    const calm = (await channelSummary('2026-11-23', CALM)).reply.data as {
      model: { condor: { strikes: Record<string, number> } };
    };
    const extreme = (await channelSummary('2026-12-08', CRASH)).reply.data as {
      model: { condor: { strikes: Record<string, number> } };
    };
    const width = (s: Record<string, number>) => s.shortCall! - s.shortPut!;
    expect(width(extreme.model.condor.strikes)).toBeGreaterThan(width(calm.model.condor.strikes));
  });

  it('shows the DEMO DATA label when the market is the demo', async () => {
    const t = schedulerApp(ny('2026-11-23', '09:45'));
    const view = await marketForSummaries(t.deps);
    const { reply } = await gatherChannel(t.deps, null, view, 'morning', false);
    expect(reply.footer![0]).toMatch(/^DEMO DATA/);
    expect(reply.footer!.at(-1)).toBe(NOT_ADVICE);
  });
});

describe('the personal summary', () => {
  const evaluation = (action: PositionEvaluation['action'], pl: number, deviation: number) =>
    ({
      action,
      reason: `${action} because.`,
      unrealizedPl: pl,
      invariant: { deviation },
    }) as unknown as PositionEvaluation;
  const regime = { summary: 'VIX 16.40 at the 38th percentile: normal; T = 16.9%' } as RegimeReading;

  it('sorts positions needing action first (CLOSE, ROLL, HEDGE, TAKE_PROFIT, TIGHTEN, then HOLD), ties by id', () => {
    const reply = buildPersonalSummary({
      tradingDay: '2026-11-23',
      kind: 'morning',
      regime,
      footer: ['Data: cboe, as of 2 min ago.'],
      positions: [
        { id: 'aaaaaa', label: 'A', evaluation: evaluation('HOLD', 120, 0.01) },
        { id: 'bbbbbb', label: 'B', evaluation: evaluation('TIGHTEN', 40, -0.2) },
        { id: 'cccccc', label: 'C', evaluation: evaluation('CLOSE', -900, 0.4) },
        { id: 'dddddd', label: 'D', evaluation: evaluation('HEDGE', -300, 0.25) },
        { id: 'eeeeee', label: 'E', evaluation: evaluation('TAKE_PROFIT', 700, -0.1) },
        { id: 'ffffff', label: 'F', evaluation: evaluation('ROLL', -200, 0.22) },
        { id: '000000', label: 'Z', evaluation: evaluation('HOLD', 10, 0) },
      ],
    });
    expect(reply.title).toBe('Your positions · 2026-11-23');
    expect(reply.visibility).toBe('caller');
    expect(reply.tone).toBe('warn');
    expect(reply.lines![0]).toBe(
      '7 open positions, 5 need action; P/L -$530. VIX 16.40 at the 38th percentile: normal; T = 16.9%.',
    );
    expect(reply.lines!.slice(1).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'CLOSE cccccc',
      'ROLL ffffff',
      'HEDGE dddddd',
      'TAKE_PROFIT eeeeee',
      'TIGHTEN bbbbbb',
      'HOLD 000000',
      'HOLD aaaaaa',
    ]);
    expect(reply.lines![1]).toBe('CLOSE cccccc C: P/L -$900, CP deviation 40.0%. CLOSE because.');
    expect(reply.footer).toEqual(['Data: cboe, as of 2 min ago.', NOT_ADVICE]);
    expect((reply.data as { positions: { id: string }[] }).positions.map((p) => p.id)).toEqual([
      'cccccc',
      'ffffff',
      'dddddd',
      'eeeeee',
      'bbbbbb',
      '000000',
      'aaaaaa',
    ]);
  });

  it('says each P/L once per line, never δ, and the header total is the sum of the lines as shown', () => {
    // The engine's HOLD reason ends with its own P/L; three positions of +$100.40 each read +$100
    // on their lines, so the header must say +$300 (the unrounded sum would read +$301).
    const hold = (pl: number) =>
      ({
        action: 'HOLD',
        reason: `b_y 1.0% and b_x 2.0% are inside the threshold 16.9%; P/L $${pl.toFixed(0)}.`,
        unrealizedPl: pl,
        invariant: { deviation: 0.01 },
      }) as unknown as PositionEvaluation;
    const reply = buildPersonalSummary({
      tradingDay: '2026-11-23',
      kind: 'morning',
      regime,
      footer: [],
      positions: ['aaaaaa', 'bbbbbb', 'cccccc'].map((id) => ({ id, label: id, evaluation: hold(100.4) })),
    });
    const [header, ...lines] = reply.lines!;
    for (const line of lines) {
      expect(line.match(/P\/L/g)).toHaveLength(1);
      expect(line).not.toContain('δ');
    }
    expect(lines[0]).toBe(
      'HOLD aaaaaa aaaaaa: P/L +$100, CP deviation 1.0%. b_y 1.0% and b_x 2.0% are inside the threshold 16.9%.',
    );
    const shown = lines.map((line) => Number(/P\/L ([+-]?)\$([\d,]+)/.exec(line)!.slice(1).join('').replace(',', '')));
    const total = Number(/P\/L \+?\$([\d,]+)/.exec(header!)![1]!.replace(',', ''));
    expect(total).toBe(shown.reduce((sum, value) => sum + value, 0));
  });

  it('all on HOLD is neutral; no positions says how to record one', () => {
    const hold = buildPersonalSummary({
      tradingDay: '2026-11-23',
      kind: 'morning',
      regime,
      footer: [],
      positions: [{ id: 'aaaaaa', label: 'A', evaluation: evaluation('HOLD', 5, 0) }],
    });
    expect(hold.tone).toBe('neutral');
    expect(hold.lines![0]).toMatch(/^1 open position, all on HOLD; P\/L \+\$5\./);
    const none = buildPersonalSummary({ tradingDay: '2026-11-23', kind: 'review', regime, footer: [], positions: [] });
    expect(none.lines).toEqual(['No open positions. Record one with /position add.']);
    expect(none.footer).toEqual([NOT_ADVICE]);
  });

  it('through gather: real positions evaluated on the day, the breached one first', async () => {
    const { t, deps } = appOn('2026-11-23', CALM);
    const view = await marketForSummaries(deps);
    const userId = await deps.store.users.resolve('telegram', '7001', 'Alice');
    // Alice chose cp: past a break-even it closes (the default policy would hold to expiry).
    await deps.store.forUser(userId).settings.update({ policy: 'cp' });
    const positions = deps.store.forUser(userId).positions;
    const listed = deps.calendar.listedExpiryNearest('2026-11-23', 45);
    const settlementMs = deps.calendar.settlementInstant(listed.expiry, listed.settlement);
    const add = async (
      strikes: { longPut: number; shortPut: number; shortCall: number; longCall: number },
      credit: number,
      entrySpot = view.state.spot,
    ) => {
      const condor = {
        underlying: { symbol: 'SPX', multiplier: 100 },
        strikes,
        expiry: listed.expiry,
        quantity: 1,
        credit,
      } as never;
      const entry = createEntrySnapshot({
        condor,
        market: { ...view.state, spot: entrySpot, vol: view.volFor(listed.expiry) },
        settlementMs,
        vix: view.vix,
      });
      return (
        await positions.add({
          underlying: 'SPX',
          strikes,
          expiry: listed.expiry,
          settlement: listed.settlement,
          settlementMs,
          quantity: 1,
          credit,
          note: null,
          openedMs: t.clock.now(),
          entry,
          entrySource: 'test',
        })
      ).id;
    };
    const calm = await add({ longPut: 5500, shortPut: 5550, shortCall: 6450, longCall: 6500 }, 6);
    // Opened at 5,900 (between its break-evens 5,830 and 5,970, as the invariant requires); spot
    // 6,000 today is past the call break-even.
    const breached = await add({ longPut: 5800, shortPut: 5850, shortCall: 5950, longCall: 6000 }, 20, 5900);
    const reply = await gatherPersonal(deps, userId, view, 'morning');
    const order = (reply.data as { positions: { id: string; action: string }[] }).positions;
    expect(order.map((p) => p.id)).toEqual([breached, calm]);
    expect(order[0]!.action).toBe('CLOSE');
    expect(order[1]!.action).not.toBe('CLOSE');
    expect(reply.lines![1]).toMatch(
      new RegExp(
        `^CLOSE ${breached} 5,800/5,850/5,950/6,000 ${listed.expiry}: ` +
          'P/L [-+]\\$[\\d,]+, CP deviation [^ ]+%\\. Spot 6,000',
      ),
    );
  });
});
