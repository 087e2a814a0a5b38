// XSP and SPY condors: the market data is SPX, so each command must bring the spot to the
// underlying's own level, and a what-if spot= must mean the same thing in every command.
import { describe, expect, it } from 'vitest';
import { demoClose } from '../../src/market/demo.ts';
import { dataOf, makeApp, TODAY } from '../support/app.ts';

/** Points from spot to the nearer break-even of the XSP 561/566/633/638 condor for 1.42. */
const xspCushion = (spot: number) => Math.min(spot - (566 - 1.42), 633 + 1.42 - spot);

describe('XSP (a tenth of SPX)', () => {
  it('a position added at the market is valued at the market: HOLD, P/L about 0', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 561 566 633 638 45 credit=1.42 underlying=xsp');
    const { evaluation } = dataOf(await t.run(`/position show ${id}`), 'position show', 'evaluation');
    expect(evaluation.action).toBe('HOLD');
    expect(evaluation.unrealizedPl).toBeCloseTo(0, 6);
    expect(evaluation.invariant.cushion).toBeCloseTo(xspCushion(demoClose(TODAY).spx / 10), 6);
  });

  // spot= is always the condor's own underlying's spot (the option says so): XSP at 600 is spot=600,
  // in /position show, /condor eval and /position add alike.
  it('/position show spot= is the XSP level: spot=600 values XSP at 600', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 561 566 633 638 45 credit=1.42 underlying=xsp');
    const { evaluation } = dataOf(await t.run(`/position show ${id} spot=600`), 'position show', 'evaluation');
    expect(evaluation.invariant.cushion).toBeCloseTo(xspCushion(600), 6);
  });

  it('/condor eval spot= means the same XSP level as in /position show', async () => {
    const t = makeApp();
    const reply = await t.run('/condor eval 561 566 633 638 45 credit=1.42 underlying=xsp spot=600');
    expect(dataOf(reply, 'condor eval').market.spot).toBeCloseTo(600, 9);
  });
});

describe('SPY (its own spot, required)', () => {
  it('/position add needs spot= and stores it as the entry spot', async () => {
    const t = makeApp();
    expect((await t.run('/position add 540 545 615 620 45 credit=1.2 underlying=spy')).error?.identifier).toBe(
      'spot-required',
    );
    const id = await t.addPosition('/position add 540 545 615 620 45 credit=1.2 underlying=spy spot=580');
    expect(
      (await t.app.store.forUser(await t.app.store.users.resolve('console', 'local-alice', 'Alice')).positions.get(id))
        ?.entry.spot,
    ).toBe(580);
  });

  // A SPY position follows SPX in the ratio they had at entry.
  it('a SPY position added at spot 580 is not shown as a max loss the moment it is added', async () => {
    const t = makeApp();
    const id = await t.addPosition('/position add 540 545 615 620 45 credit=1.2 underlying=spy spot=580');
    const { evaluation } = dataOf(await t.run(`/position show ${id}`), 'position show', 'evaluation');
    expect(evaluation.action).not.toBe('CLOSE');
    expect(evaluation.unrealizedPl).toBeGreaterThan(-100);
  });
});
