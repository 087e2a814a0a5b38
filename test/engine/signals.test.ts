// Signals (docs/specification.md §6): one action per position, the first rule that fires wins —
// CLOSE, TAKE_PROFIT, ROLL, HEDGE, TIGHTEN, HOLD — with reasons carrying the numbers that fired them.
import { describe, expect, it } from 'vitest';
import { MODEL, evaluateScenario, type Scenario } from './fixtures.ts';

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
// Model condor: 5460/5510/6165/6215 for 14.08 (see invariant.test.ts): break-evens 5495.92 and 6179.08.
const MASKING: Scenario = { spot: 5701.4, vix: 20 };

describe('signal precedence: where several rules fire, the first wins', () => {
  // Each row: a scenario where `wins` and `alsoFires` both fire, and the same scenario with the
  // winning rule switched off (`without`), which must then give `alsoFires` — so both really fire.
  const table: { name: string; scenario: Scenario; wins: string; without: Scenario; alsoFires: string }[] = [
    {
      name: 'CLOSE (exit DTE) over TAKE_PROFIT',
      scenario: { vix: 12, settings: { profitTarget: 0.4, exitDte: 45 } },
      wins: 'CLOSE',
      without: { vix: 12, settings: { profitTarget: 0.4, exitDte: 0 } },
      alsoFires: 'TAKE_PROFIT',
    },
    {
      name: 'CLOSE (stop loss) over ROLL',
      scenario: { ...MASKING, settings: { stopLoss: 0.4 } },
      wins: 'CLOSE',
      without: { ...MASKING, settings: { stopLoss: 2 } },
      alsoFires: 'ROLL',
    },
    {
      name: 'TAKE_PROFIT over ROLL',
      scenario: { spot: 5701.4, vix: 8, settings: { profitTarget: 0.2 } },
      wins: 'TAKE_PROFIT',
      without: { spot: 5701.4, vix: 8, settings: { profitTarget: null } },
      alsoFires: 'ROLL',
    },
    {
      name: 'ROLL over HEDGE (the masking move with VIX 28: b_y 0.324, vol loss 32.9% of max loss, both ≥ T = 0.18)',
      scenario: { ...MASKING, vix: 28 },
      wins: 'ROLL',
      // With T = 0.326, between b_y and the vol loss share, only the hedge fires.
      without: { ...MASKING, vix: 28, settings: { thresholdMin: 0.326, thresholdMax: 0.326 } },
      alsoFires: 'HEDGE',
    },
    {
      name: 'HEDGE over TIGHTEN (T = 0 and b_x = 0: both b_x ≥ T and b_x ≤ −T hold)',
      scenario: { spot: 5830, settings: { thresholdMin: 0, thresholdMax: 0 } },
      wins: 'HEDGE',
      without: { spot: 5830, settings: { thresholdMin: 0, thresholdMax: 0 }, activeHedgeLayers: [1, 2, 3] },
      alsoFires: 'TIGHTEN',
    },
    {
      name: 'TIGHTEN over HOLD (VIX 16 → 12)',
      scenario: { vix: 12 },
      wins: 'TIGHTEN',
      without: { vix: 12, settings: { policy: 'delta' } },
      alsoFires: 'HOLD',
    },
  ];

  it.each(table)('$name', ({ scenario, wins, without, alsoFires }) => {
    expect(evaluateScenario(scenario).action).toBe(wins);
    expect(evaluateScenario(without).action).toBe(alsoFires);
  });

  it('the masking case: ROLL wins; b_x ≥ T, but the vol loss (13.6% of max loss) is under layer 1 of the hedge', () => {
    const evaluation = evaluateScenario(MASKING);
    expect(evaluation.action).toBe('ROLL');
    expect(evaluation.invariant.premiumBreach).toBeGreaterThanOrEqual(evaluation.threshold);
    // By hand, docs/engine.md's table: (20.41 − 15.53) / (50 − 14.08) = 0.136 < T = 0.18.
    expect(evaluation.hedge.volLossShare).toBeCloseTo((20.41 - 15.53) / (50 - 14.08), 3);
    expect(evaluation.hedge.proposed).toEqual([]);
  });

  it('holds at entry, and says how far each trigger is', () => {
    const evaluation = evaluateScenario();
    expect(evaluation.action).toBe('HOLD');
    expect(evaluation.proposal).toEqual({ kind: 'none' });
    const names = evaluation.triggers.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'cushion breach b_y',
        'premium breach b_x',
        'short put |delta|',
        'short call |delta|',
        'loss (× credit)',
        'mark for take-profit',
      ]),
    );
    expect(evaluation.triggers.find((t) => t.name === 'cushion breach b_y')).toMatchObject({ value: 0, fireAt: 0.18 });
    expect(evaluation.reason).toContain('18.0%');
  });
});

describe('CLOSE', () => {
  it('fires when spot crosses the put break-even, even though b_y ≥ T (ROLL) fires too', () => {
    const evaluation = evaluateScenario({ spot: 5490 });
    expect(evaluation.action).toBe('CLOSE');
    expect(evaluation.invariant.cushionBreach).toBeGreaterThan(evaluation.threshold);
    // y = 5490 − (5510 − 14.08) = −5.92
    expect(evaluation.reason).toContain('5,490.00');
    expect(evaluation.reason).toContain('put break-even 5,495.92');
    expect(evaluation.reason).toContain('-5.92');
    expect(evaluation.proposal.kind).toBe('close');
  });

  it('fires when spot crosses the call break-even', () => {
    const evaluation = evaluateScenario({ spot: 6185 });
    expect(evaluation.action).toBe('CLOSE');
    expect(evaluation.reason).toContain('call break-even 6,179.08');
  });

  it('fires at the stop loss: loss ≥ stopLoss × C, with the realized P/L', () => {
    const evaluation = evaluateScenario({ ...MASKING, settings: { stopLoss: 0.4 } });
    const x = evaluation.invariant.premiumReserve;
    const loss = x - MODEL.condor.credit;
    expect(loss / MODEL.condor.credit).toBeGreaterThanOrEqual(0.4);
    expect(evaluation.reason).toContain(loss.toFixed(2));
    expect(evaluation.reason).toContain('0.4×');
    expect(evaluation.proposal).toEqual({ kind: 'close', debit: x, realizedPl: (MODEL.condor.credit - x) * 100 });
  });

  it('fires at DTE ≤ exitDte (off at the default 0)', () => {
    const atExit = evaluateScenario({ date: '2026-04-30', settings: { exitDte: 15 } });
    expect(atExit.dte).toBe(15);
    expect(atExit.action).toBe('CLOSE');
    expect(atExit.reason).toContain('15 days to expiry');
    expect(evaluateScenario({ date: '2026-04-30', settings: { exitDte: 14 } }).action).not.toBe('CLOSE');
    expect(evaluateScenario({ date: '2026-05-14' }).action).not.toBe('CLOSE');
  });

  it('fires after settlement: the position is worth intrinsic', () => {
    const evaluation = evaluateScenario({ date: '2026-05-16' });
    expect(evaluation.action).toBe('CLOSE');
    expect(evaluation.reason).toMatch(/Expired/);
  });
});

describe('TAKE_PROFIT', () => {
  it('fires at mark ≤ (1 − profitTarget)·C, and never with profitTarget null', () => {
    const evaluation = evaluateScenario({ vix: 12, settings: { profitTarget: 0.4 } });
    expect(evaluation.action).toBe('TAKE_PROFIT');
    const x = evaluation.invariant.premiumReserve;
    expect(x).toBeLessThanOrEqual(0.6 * MODEL.condor.credit);
    expect(evaluation.reason).toContain(x.toFixed(2));
    expect(evaluation.reason).toContain('target 40%');
    expect(evaluateScenario({ vix: 12, settings: { profitTarget: null } }).action).not.toBe('TAKE_PROFIT');
    // At the default 50% target the same mark (x/C ≈ 0.54) is not enough.
    expect(evaluateScenario({ vix: 12 }).action).not.toBe('TAKE_PROFIT');
  });
});

describe('ROLL', () => {
  it('fires at b_y ≥ T with the numbers and the re-strike in the reason', () => {
    const evaluation = evaluateScenario(MASKING);
    expect(evaluation.action).toBe('ROLL');
    const by = evaluation.invariant.cushionBreach;
    expect(evaluation.reason).toContain(`b_y ${percent(by)}`);
    expect(evaluation.reason).toContain(`threshold ${percent(evaluation.threshold)}`);
    expect(evaluation.reason).toContain('5,701.40');
    if (evaluation.proposal.kind !== 'roll') throw new Error('expected a roll proposal');
    const { strikes, netCredit, closeDebit } = evaluation.proposal.restrike;
    const grouped = (n: number) => n.toLocaleString('en-US');
    const { longPut, shortPut, shortCall, longCall } = strikes;
    expect(evaluation.reason).toContain([longPut, shortPut, shortCall, longCall].map(grouped).join('/'));
    expect(evaluation.reason).toContain(Math.abs(netCredit).toFixed(2));
    // Same wing widths, on the grid, shorts below the old ones after a fall.
    expect(strikes.shortPut - strikes.longPut).toBe(50);
    expect(strikes.longCall - strikes.shortCall).toBe(50);
    expect(strikes.shortPut % 5).toBe(0);
    expect(strikes.shortPut).toBeLessThan(MODEL.condor.strikes.shortPut);
    expect(closeDebit).toBe(evaluation.invariant.premiumReserve);
  });

  it('becomes CLOSE when DTE < minRollDte (default 7), and stays ROLL when allowed', () => {
    // 5 days to expiry, spot 5600: b_y = 0.66 ≥ T.
    const late = evaluateScenario({ spot: 5600, date: '2026-05-10', settings: { profitTarget: null } });
    expect(late.dte).toBe(5);
    expect(late.action).toBe('CLOSE');
    expect(late.reason).toContain('5 days to expiry is under the 7-day minimum');
    expect(late.reason).toContain(`b_y ${percent(late.invariant.cushionBreach)}`);
    expect(
      evaluateScenario({ spot: 5600, date: '2026-05-10', settings: { profitTarget: null, minRollDte: 5 } }).action,
    ).toBe('ROLL');
  });

  it('fires exactly at b_y = T (≥, not >)', () => {
    const probe = evaluateScenario({ spot: 5750 });
    const by = probe.invariant.cushionBreach;
    expect(by).toBeGreaterThan(0);
    expect(evaluateScenario({ spot: 5750, settings: { thresholdMin: by, thresholdMax: by } }).action).toBe('ROLL');
    expect(
      evaluateScenario({ spot: 5750, settings: { thresholdMin: by * (1 + 1e-9), thresholdMax: by * (1 + 1e-9) } })
        .action,
    ).toBe('HOLD');
  });
});

describe('HEDGE and TIGHTEN', () => {
  it('HEDGE fires when b_x ≥ T and the vol loss reaches layer 1 (T of max loss), with the layers to add', () => {
    const evaluation = evaluateScenario({ vix: 22 });
    expect(evaluation.action).toBe('HEDGE');
    const bx = evaluation.invariant.premiumBreach;
    // Vol loss = (x − x̃) × 100 ≈ $755 of the $3,592 max loss = 21.0%: ≥ T = 18%, < 2T.
    const share = ((evaluation.invariant.premiumReserve - evaluation.invariant.premiumIfVolUnchanged) * 100) / 3592.24;
    expect(evaluation.hedge.volLossShare).toBeCloseTo(share, 4);
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.36);
    expect(evaluation.reason).toContain(`b_x ${percent(bx)}`);
    expect(evaluation.reason).toContain(`${percent(share)} of its max loss`);
    expect(evaluation.reason).toContain('layer 1 of 3');
    expect(evaluation.proposal.kind).toBe('hedge');
  });

  it('at b_x 0.379 (VIX 20) holds: the vol loss is 14.9% of max loss, under layer 1, and says so', () => {
    const evaluation = evaluateScenario({ vix: 20 });
    expect(evaluation.invariant.premiumBreach).toBeGreaterThan(0.36); // today's main: layers 1 and 2
    expect(evaluation.action).toBe('HOLD');
    expect(evaluation.reason).toContain("under ALVH layer 1's trigger 18.0%");
  });

  it('does not propose HEDGE when every due layer is active, or buys nothing (a 1-lot cannot afford layer 2)', () => {
    expect(evaluateScenario({ vix: 22, activeHedgeLayers: [1] }).action).toBe('HOLD');
    // VIX 29: the vol loss is 37.5% of max loss ≥ 2T, so layer 2 is due; its 2.5% budget ($90) buys no spread.
    const second = evaluateScenario({ vix: 29, activeHedgeLayers: [1] });
    expect(second.hedge.proposed.map((q) => q.layer)).toEqual([2]);
    expect(second.hedge.proposed[0]!.contracts).toBe(0);
    expect(second.action).toBe('HOLD');
    expect(second.reason).toContain('ALVH layer 2 is due but buys nothing');
  });

  it('TIGHTEN fires at b_x ≤ −T with the new shorts and the net credit', () => {
    const evaluation = evaluateScenario({ vix: 12 });
    expect(evaluation.action).toBe('TIGHTEN');
    expect(evaluation.reason).toContain(`b_x ${percent(evaluation.invariant.premiumBreach)}`);
    if (evaluation.proposal.kind !== 'tighten') throw new Error('expected a tighten proposal');
    const { strikes, netCredit } = evaluation.proposal.restrike;
    // Lower vol puts the shorts closer to spot.
    expect(strikes.shortPut).toBeGreaterThan(MODEL.condor.strikes.shortPut);
    expect(strikes.shortCall).toBeLessThan(MODEL.condor.strikes.shortCall);
    const grouped = (n: number) => n.toLocaleString('en-US');
    expect(evaluation.reason).toContain(`${grouped(strikes.shortPut)}/${grouped(strikes.shortCall)}`);
    expect(evaluation.reason).toContain(Math.abs(netCredit).toFixed(2));
  });
});

describe('the static-delta policy', () => {
  it('holds through the masking case (short put delta −0.28 < 0.50) where cp rolls', () => {
    const evaluation = evaluateScenario({ ...MASKING, settings: { policy: 'delta' } });
    expect(evaluation.action).toBe('HOLD');
    expect(Math.abs(evaluation.shortPutDelta)).toBeLessThan(0.5);
  });

  it('rolls when a short leg reaches |delta| ≥ 0.50 (spot 6170, just past the 6165 short call)', () => {
    const evaluation = evaluateScenario({ spot: 6170, settings: { policy: 'delta' } });
    expect(evaluation.shortCallDelta).toBeGreaterThanOrEqual(0.5);
    expect(evaluation.action).toBe('ROLL');
    expect(evaluation.reason).toContain(`call |delta| ${evaluation.shortCallDelta.toFixed(2)}`);
    expect(evaluation.reason).toContain('0.50 trigger');
  });

  it('fires at exactly |delta| = deltaTrigger and not just above it', () => {
    const probe = evaluateScenario({ spot: 6100, settings: { policy: 'delta' } });
    const delta = probe.shortCallDelta;
    expect(evaluateScenario({ spot: 6100, settings: { policy: 'delta', deltaTrigger: delta } }).action).toBe('ROLL');
    expect(evaluateScenario({ spot: 6100, settings: { policy: 'delta', deltaTrigger: delta + 1e-12 } }).action).toBe(
      'HOLD',
    );
  });

  it('never proposes HEDGE or TIGHTEN', () => {
    expect(evaluateScenario({ vix: 22, settings: { policy: 'delta' } }).action).toBe('HOLD'); // cp: HEDGE
    expect(evaluateScenario({ vix: 12, settings: { policy: 'delta' } }).action).toBe('HOLD'); // cp: TIGHTEN
    expect(evaluateScenario({ vix: 30, settings: { policy: 'delta' } }).action).not.toBe('HEDGE');
  });

  it('keeps rules 1–2: break-even and take-profit still fire', () => {
    expect(evaluateScenario({ spot: 5490, settings: { policy: 'delta' } }).action).toBe('CLOSE');
    expect(evaluateScenario({ vix: 12, settings: { policy: 'delta', profitTarget: 0.4 } }).action).toBe('TAKE_PROFIT');
  });
});

describe('warnings', () => {
  it('lists FOMC, CPI and PPI events of the next 3 trading days', () => {
    const upcomingEvents = [
      { date: '2026-04-01', kind: 'CPI', title: 'Consumer prices, March' },
      { date: '2026-04-02', kind: 'FOMC', title: 'Rate decision' },
    ];
    const evaluation = evaluateScenario({ extra: { upcomingEvents } });
    expect(evaluation.warnings).toEqual([
      'CPI on 2026-04-01: Consumer prices, March',
      'FOMC on 2026-04-02: Rate decision',
    ]);
    expect(evaluateScenario().warnings).toEqual([]);
  });

  it('notes an action fired the day after an FOMC decision (and not a HOLD)', () => {
    const rolled = evaluateScenario({ ...MASKING, extra: { dayAfterFomc: true } });
    expect(rolled.action).toBe('ROLL');
    expect(rolled.warnings.some((w) => /day after an FOMC decision/.test(w))).toBe(true);
    expect(evaluateScenario({ extra: { dayAfterFomc: true } }).warnings).toEqual([]);
  });
});

describe('what every evaluation returns', () => {
  it('k₀, k, k̂, δ, b_y, b_x, T, the regime, greeks, P/L and PoP', () => {
    const e = evaluateScenario(MASKING);
    expect(e.invariant.baselineK).toBeGreaterThan(0);
    expect(e.invariant.k).toBeCloseTo(e.invariant.premiumReserve * e.invariant.cushion, 9);
    expect(e.invariant.kTarget).toBeCloseTo(e.invariant.premiumIfOnlyTime * e.invariant.cushionAtEntry, 9);
    expect(e.threshold).toBeCloseTo(0.18, 15); // percentile 60: 0.15 + 0.05 × 0.6
    expect(e.regime.percentile).toBe(60);
    expect(e.unrealizedPl).toBeCloseTo((MODEL.condor.credit - e.invariant.premiumReserve) * 100, 9);
    expect(e.condor.probabilityOfProfit).toBeGreaterThan(0);
    expect(e.condor.greeks.deltaPerPoint).toBeGreaterThan(0); // short condor after a fall: long delta
  });
});
