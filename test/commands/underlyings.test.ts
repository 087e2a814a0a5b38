// XSP and SPY condors: the market data is SPX, so each command must bring the spot to the
// underlying's own level, and a what-if spot= must mean the same thing in every command.
import { describe, expect, it } from 'vitest';
import type { PositionEvaluation } from '../../src/engine/index.ts';
import { demoClose } from '../../src/market/demo.ts';
import { dataOf, makeApp, TODAY } from '../support/app.ts';

type ShowData = { evaluation: PositionEvaluation };

/** Points from spot to the nearer break-even of the XSP 561/566/633/638 condor for 1.42. */
const xspCushion = (spot: number) => Math.min(spot - (566 - 1.42), 633 + 1.42 - spot);

describe('XSP (a tenth of SPX)', () => {
  it('a position added at the market is valued at the market: HOLD, P/L about 0', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 561 566 633 638 45 credit=1.42 underlying=xsp');
    const { evaluation } = dataOf<ShowData>(await t.run(`/position show ${id}`));
    expect(evaluation.action).toBe('HOLD');
    expect(evaluation.unrealizedPl).toBeCloseTo(0, 6);
    expect(evaluation.invariant.cushion).toBeCloseTo(xspCushion(demoClose(TODAY).spx / 10), 6);
  });

  it('/position show spot= is the SPX level (its description says so): spot=6000 values XSP at 600', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 561 566 633 638 45 credit=1.42 underlying=xsp');
    const { evaluation } = dataOf<ShowData>(await t.run(`/position show ${id} spot=6000`));
    expect(evaluation.invariant.cushion).toBeCloseTo(xspCushion(600), 6);
  });

  // BUG: commands/condor-eval.ts (and position-add.ts) use spot= unscaled for XSP, as the XSP
  // level, while the option's description ("What-if: value with this SPX spot") and /position show
  // read it as SPX. /condor eval 561 566 633 638 45 credit=1.42 underlying=xsp spot=6000 values the
  // XSP condor at 6,000 (a max loss) instead of 600.
  it.fails('/condor eval spot= means the same SPX level as in /position show', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 561 566 633 638 45 credit=1.42 underlying=xsp spot=6000');
    expect((reply.data as { market: { spot: number } }).market.spot).toBeCloseTo(600, 9);
  });
});

describe('SPY (its own spot, required)', () => {
  it('/position add needs spot= and stores it as the entry spot', async () => {
    const t = makeApp();
    expect((await t.run('/position add 540 545 615 620 45 credit=1.2 underlying=spy')).error?.identifier).toBe('spot-required');
    const id = await t.addPosition('/position add 540 545 615 620 45 credit=1.2 underlying=spy spot=580');
    expect(t.app.store.forUser(t.app.store.users.resolve('console', 'local-alice', 'Alice')).positions.get(id)?.entry.spot).toBe(580);
  });

  // BUG: src/app/positions.ts spotFor() scales XSP only; a SPY position is valued with the SPX
  // level (5,997.75) as the SPY price. /position add 540 545 615 620 45 credit=1.2 underlying=spy
  // spot=580, then /position show: expected HOLD with P/L ~0, got CLOSE with P/L -$387 (max loss);
  // the same in /position list, /hedge and the personal summary.
  it.fails('a SPY position added at spot 580 is not shown as a max loss the moment it is added', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 540 545 615 620 45 credit=1.2 underlying=spy spot=580');
    const { evaluation } = dataOf<ShowData>(await t.run(`/position show ${id}`));
    expect(evaluation.action).not.toBe('CLOSE');
    expect(evaluation.unrealizedPl).toBeGreaterThan(-100);
  });
});
