// /settings: a user's own profit target, stop loss, threshold band and policy change that user's
// evaluations only. The same condor, opened at the same market by two users, gets different
// triggers once one of them changes a setting.
import { describe, expect, it } from 'vitest';
import type { PositionEvaluation } from '../../src/engine/index.ts';
import { DEFAULT_POLICY, DEFAULT_POLICY_LINE, POLICIES } from '../../src/engine/policies/index.ts';
import { ALICE, BOB, dataOf, errorLine, listedAction, makeApp, type TestApp } from '../support/app.ts';

/** Opened at SPX 6,050: at today's demo 5,997.75 its cushion breach b_y is about 24%. */
const SAME_CONDOR = '/position add 5800 5850 6250 6300 2027-01-08 credit=14 spot=6050 vix=15';

const evaluate = async (t: TestApp, id: string, who = ALICE.console) =>
  dataOf(await t.run(`/position show ${id}`, who), 'position show', 'evaluation').evaluation;
const fireAt = (evaluation: PositionEvaluation, name: string) =>
  evaluation.triggers.find((trigger) => trigger.name === name)?.fireAt;

describe('/settings', () => {
  it('shows the defaults and changes nothing when given no option', async () => {
    const t = makeApp();
    const reply = await t.run('/settings');
    expect(reply.title).toBe('Your settings');
    expect(dataOf(reply, 'settings').settings).toMatchObject({
      profitTarget: 0.5,
      stopLoss: 2,
      thresholdMin: 0.15,
      thresholdMax: 0.2,
      policy: DEFAULT_POLICY,
      deltaTrigger: 0.5,
      exitDte: 0,
      minRollDte: 7,
    });
    // The default is named as the default, with why (the evidence), in plain words.
    expect(reply.fields?.[0]?.value).toBe(`${POLICIES[DEFAULT_POLICY].summary} (the default)`);
    expect(reply.lines).toContain(DEFAULT_POLICY_LINE);
    expect(DEFAULT_POLICY_LINE).toMatch(
      /^The default policy is \w[\w-]*(, not the constant-product cp of the methodology)?: .*Sortino/,
    );
    expect(t.rowCounts().settings).toBe(0);
  });

  it('tells a chosen policy from the default: choosing the default is kept, reset follows it again', async () => {
    const t = makeApp();
    const chose = await t.run(`/settings policy=${DEFAULT_POLICY}`);
    expect(chose.fields?.[0]?.value).toBe(`${POLICIES[DEFAULT_POLICY].summary} (your choice)`);
    expect(t.rowCounts().settings).toBe(1);
    expect(chose.lines).not.toContain(DEFAULT_POLICY_LINE);
    const reset = await t.run('/settings reset=true');
    expect(reset.fields?.[0]?.value).toBe(`${POLICIES[DEFAULT_POLICY].summary} (the default)`);
    expect(t.rowCounts().settings).toBe(0);
  });

  it('stores only the changed keys, and shows the effective settings', async () => {
    const t = makeApp();
    const reply = await t.run(
      '/settings profit_target=60% stop_loss=1.5 thresholds=10-25 policy=delta delta_trigger=0.4 ' +
        'exit_dte=5 min_roll_dte=10',
    );
    expect(reply.title).toBe('Settings saved');
    expect(dataOf(reply, 'settings').settings).toMatchObject({
      profitTarget: 0.6,
      stopLoss: 1.5,
      thresholdMin: 0.1,
      thresholdMax: 0.25,
      policy: 'delta',
      deltaTrigger: 0.4,
      exitDte: 5,
      minRollDte: 10,
    });
    expect(reply.fields?.map((f) => f.value)).toEqual([
      `${POLICIES.delta.summary} (your choice)`,
      '60%',
      '1.5× credit',
      '10.0% – 25.0%',
      '5 days',
      '10 days',
      'not set',
      'not set',
    ]);
    expect(t.rowCounts().settings).toBe(8);
    // Fractions and percent are both understood.
    expect(dataOf(await t.run('/settings profit_target=0.75 thresholds=0.12-0.18'), 'settings').settings).toMatchObject(
      { profitTarget: 0.75, thresholdMin: 0.12, thresholdMax: 0.18 },
    );
  });

  it("changes only that user's evaluations: thresholds, policy and profit target give different triggers", async () => {
    const t = makeApp();
    // Both chose cp (the methodology's rule); a choice is kept whatever the default.
    await t.run('/settings policy=cp', ALICE.console);
    await t.run('/settings policy=cp', BOB.console);
    const alice = await t.addPosition(SAME_CONDOR, ALICE.console);
    const bob = await t.addPosition(SAME_CONDOR, BOB.console);
    const aliceBefore = await evaluate(t, alice, ALICE.console);
    const bobBefore = await evaluate(t, bob, BOB.console);
    expect(aliceBefore.action).toBe('ROLL');
    expect(bobBefore.action).toBe('ROLL');
    expect(bobBefore.threshold).toBeCloseTo(aliceBefore.threshold, 12);

    // Bob widens his band: his cushion breach no longer fires; Alice's still does.
    await t.run('/settings thresholds=30-40', BOB.console);
    const bobWide = await evaluate(t, bob, BOB.console);
    const aliceStill = await evaluate(t, alice, ALICE.console);
    expect(bobWide.action).toBe('HOLD');
    expect(bobWide.threshold).toBeGreaterThanOrEqual(0.3);
    expect(fireAt(bobWide, 'cushion breach b_y')).toBeCloseTo(bobWide.threshold, 12);
    expect(aliceStill.action).toBe('ROLL');
    expect(fireAt(aliceStill, 'cushion breach b_y')).toBeCloseTo(aliceBefore.threshold, 12);
    expect(aliceStill.threshold).toBeLessThanOrEqual(0.2);

    // Bob switches to the delta policy with a 0.25 trigger: his short put (|delta| ~0.29) rolls.
    await t.run('/settings policy=delta delta_trigger=0.25', BOB.console);
    const bobDelta = await evaluate(t, bob, BOB.console);
    expect(bobDelta.policy).toBe('delta');
    expect(bobDelta.action).toBe('ROLL');
    expect(fireAt(bobDelta, 'short put |delta|')).toBe(0.25);
    const aliceCp = await evaluate(t, alice, ALICE.console);
    expect(aliceCp.policy).toBe('cp');
    expect(fireAt(aliceCp, 'short put |delta|')).toBe(0.5);

    // Bob turns the profit target off: no take-profit trigger for him, Alice keeps hers at half the credit.
    await t.run('/settings profit_target=off', BOB.console);
    expect(fireAt(await evaluate(t, bob, BOB.console), 'mark for take-profit')).toBeUndefined();
    expect(fireAt(await evaluate(t, alice, ALICE.console), 'mark for take-profit')).toBeCloseTo(7, 12);

    // Alice has only her policy row.
    const aliceId = await t.app.store.users.resolve('console', ALICE.console.platformUserId, 'Alice');
    const aliceKeys = t.app.store.db.prepare('SELECT key FROM settings WHERE user_id = ?').pluck().all(aliceId);
    expect(aliceKeys).toEqual(['policy']);
    // /position list uses the same settings.
    const bobList = dataOf(await t.run('/position list', BOB.console), 'position list').positions;
    const aliceList = dataOf(await t.run('/position list', ALICE.console), 'position list').positions;
    expect(listedAction(bobList[0]!)).toBe('ROLL');
    expect(listedAction(aliceList[0]!)).toBe('ROLL');
  });

  it('reset=true goes back to the defaults for thresholds and policy', async () => {
    const t = makeApp();
    await t.run('/settings thresholds=30-40 policy=delta stop_loss=3');
    const reset = dataOf(await t.run('/settings reset=true'), 'settings').settings;
    expect(reset).toMatchObject({ thresholdMin: 0.15, thresholdMax: 0.2, policy: DEFAULT_POLICY, stopLoss: 2 });
  });

  it('reset=true brings the profit target back to the default 50%', async () => {
    const t = makeApp();
    await t.run('/settings profit_target=60%');
    const reply = await t.run('/settings reset=true');
    expect(dataOf(reply, 'settings').settings.profitTarget).toBe(0.5);
  });

  it('refuses out-of-range or malformed values with one line and an example, writing nothing', async () => {
    const t = makeApp();
    await t.run('/settings');
    const before = t.rowCounts();
    const cases: [string, RegExp][] = [
      [
        'profit_target=150%',
        /^Option profit_target must be a share of the credit above 0 and up to 100%, or off; e\.g\. profit_target=50%\.$/,
      ],
      ['profit_target=0', /profit_target/],
      ['profit_target=half', /profit_target/],
      ['thresholds=20-15', /^Option thresholds must rise.*e\.g\. thresholds=15-20\.$/],
      ['thresholds=abc', /^Option thresholds must be a band like 15-20/],
      ['thresholds=50-150', /thresholds/],
      ['stop_loss=0', /^Option stop_loss must be at least 0\.1/],
      ['policy=martingale', /^Option policy must be one of hold, delta, cp, tasty, cndr/],
      ['delta_trigger=1', /^Option delta_trigger must be at most 0\.95/],
      ['exit_dte=2.5', /^Option exit_dte must be a whole number/],
      ['min_roll_dte=-1', /^Option min_roll_dte must be at least 0/],
      // A valid key beside an invalid one: nothing of it is saved.
      ['stop_loss=3 thresholds=20-15', /thresholds/],
    ];
    for (const [args, pattern] of cases) {
      const reply = await t.run(`/settings ${args}`);
      expect(reply.error?.kind, args).toBe('user');
      expect(errorLine(reply), args).toMatch(pattern);
    }
    expect(t.rowCounts()).toEqual(before);
    expect(dataOf(await t.run('/settings'), 'settings').settings.stopLoss).toBe(2);
  });
});
