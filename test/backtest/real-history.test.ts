// The real 1990–2026 history of ../shared/data, when this checkout has it: the join's quirks as
// the data README lists them, a deterministic default run of the three policies, and the table
// in docs/evidence.md matching what the run produces today.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  prepareHistory,
  readClaim,
  resultTable,
  runBacktests,
  walkForward,
  walkForwardTable,
} from '../../src/engine/backtest/index.ts';
import { DEFAULT_POLICY } from '../../src/engine/policies/index.ts';
import { loadHistory } from '../../src/market/history-files.ts';
import { tableLines } from '../../src/render/table.ts';

const SHARED = process.env.CONDOR_XYK_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');
const FILES = {
  spx: [path.join(SHARED, 'spx_close_1928_2023.csv'), path.join(SHARED, 'spx_close_fred_2016_2026.csv')],
  vix: path.join(SHARED, 'vix_daily.csv'),
};
const present = [...FILES.spx, FILES.vix].every((file) => existsSync(file));
if (!present)
  console.log(
    `real-history tests skipped: ${SHARED} has no spx_close_1928_2023.csv, spx_close_fred_2016_2026.csv ` +
      'and vix_daily.csv (set CONDOR_XYK_SHARED_DATA to run them)',
  );

describe.skipIf(!present)('the real 1990–2026 history (../shared/data)', async () => {
  const loaded = present ? await loadHistory({ dataDir: SHARED, ...FILES }) : null;
  if (loaded && !loaded.ok) throw new Error(loaded.error);
  const history = loaded?.ok ? loaded.value : null;

  it('joins with the quirks of the data README handled', () => {
    const { days, report } = history!;
    expect(days[0]!.date).toBe('1990-01-02');
    expect(days.at(-1)!.date).toBe('2026-02-11');
    expect(report.join.vixCarriedForward).toEqual(['1991-03-01', '1997-01-31', '1997-11-26', '1999-12-31']);
    expect(report.join.vixDroppedOnNonSpxDays).toEqual(
      expect.arrayContaining(['2022-05-30', '2022-07-04', '2023-05-29', '2024-11-28', '2025-07-04']),
    );
    expect(report.vix.openOutsideRange).toBe(47);
    expect(report.spx.overlapDays).toBe(1849);
    expect(report.spx.disagreementCount).toBe(7);
    expect(report.spx.disagreements[0]).toMatchObject({ date: '2021-08-11', kept: 4447.7, replaced: 4442.41 });
    expect(report.spx.sources[1]!.missingValue).toBe(95);
    expect(days.find((day) => day.date === '2021-08-11')!.spx).toBe(4447.7);
    expect(days.every((day) => day.spx > 0 && day.vix > 0)).toBe(true);
  });

  it('runs the three policies deterministically, with books that add up', () => {
    const first = runBacktests({ days: history!.days });
    const second = runBacktests({ days: history!.days });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    for (const policy of first.policies) {
      expect(policy.campaigns).toBeGreaterThan(300);
      expect(policy.equity.every(Number.isFinite)).toBe(true);
      expect(policy.equity.at(-1)).toBeCloseTo(policy.totalPl, 6);
      const sum = policy.campaignList.reduce((total, campaign) => total + campaign.pl, 0);
      expect(sum).toBeCloseTo(policy.totalPl, 6);
      expect(Object.values(policy.endings).reduce((a, b) => a + b, 0)).toBe(policy.campaigns);
    }
    expect(readClaim(first)).not.toBeNull();
  });

  it('docs/evidence.md shows the table this run produces', () => {
    const evidence = readFileSync(path.resolve(import.meta.dirname, '../../docs/evidence.md'), 'utf8');
    const result = runBacktests({ days: history!.days });
    for (const line of tableLines(resultTable(result.policies)).slice(2)) expect(evidence).toContain(line);
    const claim = readClaim(result)!;
    expect(evidence).toContain(
      `${claim.differencePoints >= 0 ? '+' : '−'}${Math.abs(claim.differencePoints).toFixed(1)} points`,
    );
  });

  it('the walk-forward recommends the default policy, and docs/evidence.md shows its table', () => {
    const result = walkForward(prepareHistory(history!.days));
    expect(result.recommendedPolicy).toBe(DEFAULT_POLICY);
    const evidence = readFileSync(path.resolve(import.meta.dirname, '../../docs/evidence.md'), 'utf8');
    for (const line of tableLines(walkForwardTable(result)).slice(2)) expect(evidence).toContain(line);
  }, 120_000);
});
