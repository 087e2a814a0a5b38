// Position sizing by a risk budget: /settings account= risk= and the count /condor suggest gives at
// the model condor's max loss, recomputed here from the wings and the credit.
import { describe, expect, it } from 'vitest';
import { sizeByRisk } from '../../src/engine/index.ts';
import { parseAccount, parseRisk } from '../../commands/settings.ts';
import { dataOf, errorLine, makeApp } from '../support/app.ts';

describe('sizeByRisk', () => {
  it('fits floor(budget / max loss) condors: 2% of $50,000 = $1,000 at $380 each is 2 ($760)', () => {
    expect(sizeByRisk({ accountSize: 50_000, riskFraction: 0.02, maxLossPerCondor: 380 })).toEqual({
      budget: 1000,
      contracts: 2,
      riskAtContracts: 760,
      riskShare: 760 / 50_000,
    });
  });

  it('fits exactly at the budget, none below one max loss, nothing from bad inputs', () => {
    expect(sizeByRisk({ accountSize: 30_000, riskFraction: 0.1, maxLossPerCondor: 1000 })!.contracts).toBe(3);
    expect(sizeByRisk({ accountSize: 50_000, riskFraction: 0.02, maxLossPerCondor: 3580 })!.contracts).toBe(0);
    expect(sizeByRisk({ accountSize: 0, riskFraction: 0.02, maxLossPerCondor: 100 })).toBeNull();
    expect(sizeByRisk({ accountSize: 1000, riskFraction: 0.02, maxLossPerCondor: Number.NaN })).toBeNull();
  });
});

describe('the account and risk options', () => {
  it('read dollars and shares the way traders write them', () => {
    expect(['50000', '50,000', '$50k', '1.5m'].map(parseAccount)).toEqual([50_000, 50_000, 50_000, 1_500_000]);
    expect(['2%', '2', '0.02', '0.5%', '100%'].map(parseRisk)).toEqual([0.02, 0.02, 0.02, 0.005, 1]);
    expect(parseAccount('off')).toBeNull();
    expect(parseRisk('off')).toBeNull();
  });
});

describe('/condor suggest with a risk budget', () => {
  it('says how many model condors fit, at the max loss the wings and credit give', async () => {
    const t = makeApp();
    const saved = await t.run('/settings account=$500k risk=2%');
    expect(dataOf(saved, 'settings').settings).toMatchObject({
      accountSize: 500_000,
      riskPerTrade: 0.02,
    });
    expect(saved.fields).toContainEqual({ label: 'Risk per trade', value: '2.0% ($10,000 a trade)', inline: true });

    const reply = await t.run('/condor suggest');
    const { model, sizing } = dataOf(reply, 'condor suggest');
    // Max loss of one condor by hand: (wing width − credit) × 100.
    const maxLoss = (model.wingWidth - model.condor.credit) * 100;
    const fit = Math.floor(10_000 / maxLoss);
    expect(fit).toBeGreaterThanOrEqual(1);
    expect(sizing?.contracts).toBe(fit);
    expect(reply.lines).toContain(
      `Position size: ${fit} condor${fit === 1 ? '' : 's'} fit${fit === 1 ? 's' : ''} your risk budget ` +
        `(2.0% of $500,000 = $10,000) at $${Math.round(maxLoss).toLocaleString('en-US')} max loss each: ` +
        `$${Math.round(fit * maxLoss).toLocaleString('en-US')} at risk.`,
    );
  });

  it('says when not even one fits, and how to set a budget when none is set', async () => {
    const t = makeApp();
    const unset = await t.run('/condor suggest');
    expect(unset.lines).toContain('Position size: set your budget with /settings account=50000 risk=2%.');
    expect(dataOf(unset, 'condor suggest').sizing).toBeNull();
    await t.run('/settings account=10000 risk=1%');
    const small = await t.run('/condor suggest');
    expect(small.lines!.at(-1)).toMatch(
      /^Position size: none fit\. Your risk budget is 1\.0% of \$10,000 = \$100; one condor can lose \$[\d,]+ \(narrower wings lose less, e\.g\. wings=25\)\.$/,
    );
  });

  it('refuses a bad account or risk with one line and stores nothing; off clears them', async () => {
    const t = makeApp();
    await t.run('/settings account=50000 risk=2%');
    const before = t.rows('settings');
    const bad = await t.run('/settings risk=150%');
    expect(errorLine(bad)).toBe(
      'Option risk must be a share of the account above 0 and up to 100%, or off; e.g. risk=2%.',
    );
    expect(errorLine(await t.run('/settings account=lots'))).toMatch(
      /^Option account must be .*e\.g\. account=50000\.$/,
    );
    expect(t.rows('settings')).toEqual(before);
    const cleared = await t.run('/settings account=off risk=off');
    expect(dataOf(cleared, 'settings').settings).toMatchObject({
      accountSize: null,
      riskPerTrade: null,
    });
    expect(t.rows('settings')).toEqual([]);
  });
});
