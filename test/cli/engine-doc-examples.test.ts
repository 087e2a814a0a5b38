// docs/engine.md's worked examples cannot drift: every `npm run cli -- run "..." --at ...` line of
// its sh blocks runs here, in order, the way `cli run` runs it (the demo market, the console's user,
// a clock stopped at --at, `ID` standing for the id the last /position add printed), and the
// figures the page quotes are recomputed from the replies and looked for in its text.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/app/context.ts';
import type { Reply } from '../../src/app/reply.ts';
import { parseInstant } from '../../src/cli/run.ts';
import { CONSOLE_IDENTITY } from '../../src/platforms/console/console.ts';
import { makeApp, REPO_ROOT } from '../support/app.ts';

const PAGE = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'engine.md'), 'utf8');
/** The page's prose with its line breaks as spaces, so a rewrap does not matter. */
const DOC = PAGE.replace(/\s+/g, ' ');
const LINE = /^npm run cli -- run "([^"]+)"(?: --at (\S+))?(?: --json)?$/;

/** The commands of each sh block, in the page's order. */
function blocks(): { command: string; at: string | null }[][] {
  return [...PAGE.matchAll(/```sh\n([\s\S]*?)```/g)].map((block) =>
    block[1]!
      .trim()
      .split('\n')
      .map((line) => {
        const parsed = LINE.exec(line.trim());
        if (!parsed) throw new Error(`docs/engine.md: not a cli run line: ${line}`);
        return { command: parsed[1]!, at: parsed[2] ?? null };
      }),
  );
}

/** Runs every block; returns each block's last reply (the one its example reads). */
async function runAll(): Promise<Reply[]> {
  const t = makeApp();
  const identity = CONSOLE_IDENTITY('tester');
  let id = '';
  const last: Reply[] = [];
  for (const block of blocks()) {
    let reply: Reply | undefined;
    for (const { command, at } of block) {
      const atMs = at === null ? t.clock.now() : parseInstant(at);
      expect(atMs, `--at ${at}`).not.toBeNull();
      const deps = { ...t.deps, clock: { now: () => atMs! } };
      reply = (await runLine(deps, identity, command.replace(/\bID\b/, id))).reply;
      expect(reply.error, `${command}: ${reply.lines?.join(' ')}`).toBeUndefined();
      const added = (reply.data as { position?: { id: string } } | undefined)?.position?.id;
      if (command.startsWith('/position add')) id = added!;
    }
    last.push(reply!);
  }
  return last;
}

type Numbers = Record<string, number>;
const evaluationOf = (reply: Reply): Numbers => {
  const data = reply.data as { evaluation: Numbers & { condor?: Numbers } };
  return data.evaluation.condor ?? data.evaluation;
};
/** As the page writes a number: a typographic minus. */
const fixed = (value: number, digits = 2) => value.toFixed(digits).replace('-', '−');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

describe('docs/engine.md worked examples', () => {
  it('each command runs, and the page quotes the figures it gives', async () => {
    const [clocks, settlement, payoff, calibration, invariant, alvh, caps] = await runAll();

    // Two clocks: the 0DTE condor at 10:00 on a Monday.
    const zero = evaluationOf(clocks!);
    expect(zero.sessions).toBeCloseTo(360 / 390, 12);
    expect(DOC).toContain(`varianceYears = 0.923/252 = ${fixed(zero.varianceYears!, 6)}`);
    expect(DOC).toContain(`6 h / 8,760 h = ${fixed(zero.discountYears!, 6)}`);
    expect(DOC).toContain(`**${fixed(zero.mark!)}**, the PoP is **${pct(zero.probabilityOfProfit!)}**`);

    // Settlement: the AM position at 10:00 on its expiry day is worth its intrinsic value.
    const settled = evaluationOf(settlement!);
    expect(settled.varianceYears).toBe(0);
    expect(settled.mark).toBe(20);
    expect(DOC).toContain('5,950 − 5,930 = **20.00** exactly');

    // Calibration: the 25.06 mark at SPX 5,650.
    const calibrated = (calibration!.data as { evaluation: { invariant: Numbers } }).evaluation.invariant;
    expect(DOC).toContain(`x = 15 + 1.130 × 8.90 = **${fixed(calibrated.premiumReserve!)}**`);

    // Payoff-based metrics: one break-even, PoP from the payoff.
    const own = evaluationOf(payoff!);
    expect(own.breakEvenLow).toBeNull();
    expect(own.breakEvenHigh).toBe(6317);
    expect(DOC).toContain(`PoP is P(S_T < 6,317) (${pct(own.probabilityOfProfit!)}`);
    expect(DOC).toContain(`= ${fixed(own.probabilityOfProfit!, 4)}.`);

    // The invariant table and the roll.
    const read = (invariant!.data as { evaluation: { invariant: Numbers; proposal: { restrike: Numbers } } })
      .evaluation;
    expect(invariant!.title).toMatch(/: ROLL · /);
    expect(DOC).toContain(
      `| premium x (cost to close) | 14.08 | ${fixed(read.invariant.premiumReserve!)} ` +
        `(${fixed(read.invariant.premiumIfVolUnchanged!)} had vol not moved) |`,
    );
    expect(DOC).toContain(`**${fixed(read.invariant.deviation!, 3)}** |`);
    expect(DOC).toContain(`**${fixed(read.invariant.cushionBreach!, 3)}** |`);
    expect(DOC).toContain(`**${fixed(read.invariant.premiumBreach!, 3)}** |`);
    expect(DOC).toContain(`net debit **${fixed(-read.proposal.restrike.netCredit!)}**`);

    // Hedge sizing: the 1-lot on 1 April and the 3-lot at VIX 22.
    type Hedge = { future: number; layers: Numbers[] };
    const hedgeOf = (reply: Reply) => (reply.data as { evaluation: { hedge: Hedge } }).evaluation.hedge;
    const april = hedgeOf(alvh!);
    expect(DOC).toContain(`= **${fixed(april.future)}**`);
    expect(DOC).toContain(`call spread at **${fixed(april.layers[0]!.debit!)}** points`);
    expect(april.layers[0]!.contracts).toBe(1);
    const three = hedgeOf(caps!).layers[0]!;
    expect(DOC).toContain(
      `buys **${three.contracts} spreads for $${Math.round(three.cost!)} ` +
        `paying $${three.payoffAtUpperStrike!.toLocaleString('en-US')} (${Math.round(three.coverage! * 100)}%)**`,
    );
  });
});
