// `npm run cli -- backtest`: the table, the claim beside the measured difference, the footers;
// JSON; exit 2 with one line when there is no history or an option is wrong.
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestCli } from '../../src/cli/backtest.ts';
import { HISTORY_FILES } from '../../src/market/history-files.ts';
import { lcg, path as syntheticPath } from '../engine/backtest/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return logger;
  },
};
const config = (dir: string) => ({ MARKET_DATA_DIR: dir, RISK_FREE_RATE: 0.04, DIVIDEND_YIELD: 0.013, SKEW_BETA: 0 });

function capture() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

/** A data-sync folder with 500 days of a wandering market, in the CBOE and FRED formats. */
function syncedDir(): string {
  const dir = makeTempDir('condor-cli-');
  const random = lcg(11);
  let spx = 4000;
  let vix = 17;
  const days = syntheticPath(
    '2022-01-03',
    () => (spx = Math.round(spx * (1 + (random() - 0.5) * 0.03) * 100) / 100),
    () => (vix = Math.round(Math.min(60, Math.max(10, vix * (1 + (random() - 0.5) * 0.15))) * 100) / 100),
    500,
  );
  const us = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
  writeFileSync(
    path.join(dir, HISTORY_FILES.spxFred),
    ['observation_date,SP500', ...days.map((d) => `${d.date},${d.spx.toFixed(2)}`)].join('\n'),
  );
  writeFileSync(
    path.join(dir, HISTORY_FILES.vix),
    ['DATE,OPEN,HIGH,LOW,CLOSE', ...days.map((d) => `${us(d.date)},${d.vix},${d.vix},${d.vix},${d.vix}`)].join('\n'),
  );
  return dir;
}

describe('backtest CLI', () => {
  const dir = syncedDir();

  it('prints the table of the three policies, the claim beside the measured difference, and the footers', async () => {
    const out = capture();
    const code = await backtestCli([], { config: config(dir), logger, out, now: () => 0 });
    expect(code).toBe(0);
    const text = out.text();
    expect(text).toMatch(/^Backtest SPX 2022-01-03 → 2023-12-01 \(500 trading days\)/);
    // The synthetic days are every weekday: the calendar check says so.
    expect(text).toContain('18 SPX closes fall on days the NYSE calendar lists as closed (kept): 2022-01-17');
    expect(text).toMatch(
      /policy +campaigns +win rate +mean P\/L +total P\/L +max DD +Sharpe +worst +rolls +hedges +in market/,
    );
    for (const label of ['cp (invariant)', 'delta (static 50Δ)', 'hold']) expect(text).toContain(label);
    expect(text).toContain(
      'Claim under test: "constant-product rebalancing improves win rate by about 8–12 points ' +
        'over a static 50-delta rule".',
    );
    expect(text).toMatch(/Measured: cp − delta win rate = [+−]\d+\.\d points \(± \d+\.\d at two standard errors\)\./);
    expect(text).toMatch(/Verdict: (The data agrees|cp beat|cp won more often|The data does not support)/);
    expect(text).toContain('Ran in 0.00 s.');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual([
      'Past results do not predict future ones.',
      'Educational tool, not investment advice.',
    ]);
  });

  it('--json gives the whole result, the claim and the data notes; the same bytes twice', async () => {
    const runs = [capture(), capture()];
    for (const out of runs)
      expect(
        await backtestCli(['--json', '--policy', 'all', '--from', '2022-03-01', '--dte', '30'], {
          config: config(dir),
          logger,
          out,
        }),
      ).toBe(0);
    expect(runs[1]!.text()).toBe(runs[0]!.text());
    const json = JSON.parse(runs[0]!.text());
    expect(json.claimUnderTest).toContain('8–12 points');
    expect(json.result.from).toBe('2022-03-01');
    expect(json.result.params.targetDte).toBe(30);
    expect(json.result.policies.map((p: { policy: string }) => p.policy)).toEqual(['cp', 'delta', 'hold']);
    expect(json.result.policies[0].equity).toHaveLength(json.result.days);
    expect(typeof json.claim.differencePoints).toBe('number');
    expect(json.data.notes[0]).toContain('trading days');
    expect(json.footer).toEqual([
      'Past results do not predict future ones.',
      'Educational tool, not investment advice.',
    ]);
  });

  it('one policy: its row, and a note that the claim needs both cp and delta', async () => {
    const out = capture();
    expect(
      await backtestCli(['--policy', 'hold', '--profit-target', 'off'], { config: config(dir), logger, out }),
    ).toBe(0);
    expect(out.text()).not.toContain('cp (invariant)');
    expect(out.text()).toContain('Measured: not in this run (it needs cp and delta: --policy all).');
  });

  it('explicit --spx/--vix files win over the data directory', async () => {
    const out = capture();
    const empty = makeTempDir('condor-cli-empty-');
    const code = await backtestCli(
      [
        '--spx',
        path.join(dir, HISTORY_FILES.spxFred),
        '--vix',
        path.join(dir, HISTORY_FILES.vix),
        '--policy',
        'delta',
        '--json',
      ],
      { config: config(empty), logger, out },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.text()).data.sources.spx).toEqual([path.join(dir, HISTORY_FILES.spxFred)]);
  });

  it('exits 2 with one line when no history is found', async () => {
    const out = capture();
    const err = capture();
    const empty = makeTempDir('condor-cli-empty-');
    expect(await backtestCli([], { config: config(empty), logger, out, err })).toBe(2);
    expect(out.text()).toBe('');
    expect(err.text()).toBe(
      `No SPX and VIX history in ${empty}: run \`npm run cli -- data sync\` or pass --spx FILE --vix FILE.\n`,
    );
  });

  it.each([
    [
      ['--policy', 'max'],
      '--policy must be all or one of hold, delta, cp, tasty, cndr, cp-moves, cp-out, cp-side, cp-cost; ' +
        'got max (e.g. --policy cp)\n',
    ],
    [['--dte', 'x'], '--dte must be a whole number from 1 to 365; got x (e.g. --dte 183)\n'],
    [['--from', '2023-01-01', '--to', '2022-01-01'], '--from 2023-01-01 must be before --to 2022-01-01\n'],
    [['--from', '2030-01-02'], 'no trading day between 2030-01-02 and the end in a history of 500 days\n'],
    [
      ['--frm', '2020-01-01'],
      "Unknown option '--frm'. To specify a positional argument starting with a '-', " +
        "place it at the end of the command after '--', as in '-- \"--frm\"\n",
    ],
  ])('exits 2 on %j', async (args, message) => {
    const err = capture();
    expect(await backtestCli(args, { config: config(dir), logger, out: capture(), err })).toBe(2);
    expect(err.text()).toBe(message);
  });

  it('--chart writes the equity curves as a PNG', async () => {
    const file = path.join(makeTempDir('condor-chart-'), 'equity.png');
    const out = capture();
    expect(await backtestCli(['--chart', file], { config: config(dir), logger, out })).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(out.text()).toContain(`Equity chart: ${file}`);
  });
});
