// Backtest speed: the full 1990–2026 run of the three policies (target < 1 s) and a
// 1,000-combination sweep over profit target × short-strike delta × DTE × threshold band
// (target < 60 s on 2 cores), split across worker threads. Prints figures; asserts nothing.
// Run: npx tsx bench/backtest.ts [--workers N] [--data DIR]
//   DIR holds spx_close_1928_2023.csv, spx_close_fred_2016_2026.csv and vix_daily.csv (../shared/data),
//   or the files of `data sync`.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  createEntryCache,
  prepareHistory,
  runBacktests,
  type BacktestDay,
  type BacktestParams,
} from '../src/engine/backtest/index.ts';
import { findHistoryFiles, loadHistory } from '../src/market/history-files.ts';

const PROFIT_TARGETS = [0.25, 0.4, 0.5, 0.65, 0.8];
const SHORT_DELTAS = [0.08, 0.12, 0.16, 0.2, 0.25];
const DTES = [21, 30, 38, 45, 52, 60, 75, 90];
const THRESHOLD_BANDS: [number, number][] = [
  [0.05, 0.1],
  [0.1, 0.15],
  [0.15, 0.2],
  [0.2, 0.3],
  [0.3, 0.4],
];
const FROM = '1990-01-02';

/** A group shares profit target, delta and DTE: hold and delta run once, cp once per threshold band. */
interface Group {
  profitTarget: number;
  targetDelta: number;
  targetDte: number;
}

interface ComboResult extends Group {
  thresholdMin: number;
  thresholdMax: number;
  cpWinRate: number;
  deltaWinRate: number;
  holdWinRate: number;
  cpTotal: number;
  deltaTotal: number;
}

function runGroups(days: readonly BacktestDay[], groups: readonly Group[]): ComboResult[] {
  const history = prepareHistory(days);
  const cache = createEntryCache();
  const out: ComboResult[] = [];
  for (const group of groups) {
    const base: Partial<BacktestParams> = { ...group, from: FROM, equityCurve: false, campaignList: false };
    const [delta, hold] = runBacktests({
      days: history,
      policies: ['delta', 'hold'],
      params: base,
      entryCache: cache,
    }).policies;
    for (const [thresholdMin, thresholdMax] of THRESHOLD_BANDS) {
      const [cp] = runBacktests({
        days: history,
        policies: ['cp'],
        params: { ...base, thresholdMin, thresholdMax },
        entryCache: cache,
      }).policies;
      out.push({
        ...group,
        thresholdMin,
        thresholdMax,
        cpWinRate: cp!.winRate,
        deltaWinRate: delta!.winRate,
        holdWinRate: hold!.winRate,
        cpTotal: cp!.totalPl,
        deltaTotal: delta!.totalPl,
      });
    }
  }
  return out;
}

if (!isMainThread) {
  const { days, groups } = workerData as { days: BacktestDay[]; groups: Group[] };
  parentPort!.postMessage(runGroups(days, groups));
} else {
  const { values } = parseArgs({ options: { workers: { type: 'string' }, data: { type: 'string' } } });
  const dataDir =
    values.data ??
    (findHistoryFiles('../shared/data') ? '../shared/data' : (process.env.MARKET_DATA_DIR ?? './data/market'));
  const workers = Math.max(1, Number(values.workers ?? Math.min(2, availableParallelism())));

  let started = performance.now();
  const loaded = await loadHistory({ dataDir });
  if (!loaded.ok) {
    console.error(`${loaded.error}`);
    process.exit(2);
  }
  const days = loaded.value.days;
  console.log(
    `history: ${days.length} days ${days[0]!.date} → ${days.at(-1)!.date}, ` +
      `read and joined in ${((performance.now() - started) / 1000).toFixed(2)} s (${dataDir})`,
  );

  // The full run, as the CLI does it: prepare + three policies with equity curves and campaign lists.
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < 6; run++) {
    started = performance.now();
    const before = process.cpuUsage();
    runBacktests({ days, params: { from: FROM } });
    times.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(before);
    cpuTimes.push((used.user + used.system) / 1e6);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(
    `full run, 3 policies ${FROM} → ${days.at(-1)!.date}: first ${times[0]!.toFixed(3)} s ` +
      `(${cpuTimes[0]!.toFixed(3)} s CPU), warm median ${warm[2]!.toFixed(3)} s (target < 1 s)`,
  );

  const groups: Group[] = [];
  for (const profitTarget of PROFIT_TARGETS)
    for (const targetDelta of SHORT_DELTAS)
      for (const targetDte of DTES) groups.push({ profitTarget, targetDelta, targetDte });
  // Interleave so each worker gets a mix of short and long DTEs.
  const shares: Group[][] = Array.from({ length: workers }, () => []);
  groups.forEach((group, i) => shares[i % workers]!.push(group));
  started = performance.now();
  const cpuBefore = process.cpuUsage();
  // Workers load this file again through tsx's loader (a worker does not inherit it).
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<ComboResult[]>((resolve, reject) => {
          const worker = new Worker(bootstrap, { eval: true, workerData: { days, groups: share } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const combos = parts.flat();
  console.log(
    `sweep: ${combos.length} combinations (${PROFIT_TARGETS.length} profit targets × ${SHORT_DELTAS.length} deltas × ` +
      `${DTES.length} DTEs × ${THRESHOLD_BANDS.length} threshold bands; ` +
      'cp per combination, delta and hold per group) ' +
      `on ${workers} worker threads: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU in all threads ` +
      '(target < 60 s on 2 cores)',
  );

  const differences = combos.map((c) => 100 * (c.cpWinRate - c.deltaWinRate)).sort((a, b) => a - b);
  const inClaim = differences.filter((d) => d >= 8 && d <= 12).length;
  const above = differences.filter((d) => d > 0).length;
  const moreMoney = combos.filter((c) => c.cpTotal > c.deltaTotal).length;
  const quantile = (q: number) =>
    differences[Math.min(differences.length - 1, Math.floor(q * differences.length))]!.toFixed(1);
  console.log(
    `cp − delta win rate over the sweep (points): min ${quantile(0)}, median ${quantile(0.5)}, ` +
      `max ${differences.at(-1)!.toFixed(1)}; > 0 in ${above} of ${combos.length}, within 8–12 in ${inClaim}; ` +
      `cp total P/L above delta's in ${moreMoney}`,
  );
  const best = combos.reduce((a, b) => (b.cpWinRate - b.deltaWinRate > a.cpWinRate - a.deltaWinRate ? b : a));
  const pc = (share: number) => `${(100 * share).toFixed(1)}%`;
  console.log(
    `largest: profit target ${best.profitTarget}, delta ${best.targetDelta}, DTE ${best.targetDte}, ` +
      `T ${best.thresholdMin}–${best.thresholdMax}: cp ${pc(best.cpWinRate)} vs delta ${pc(best.deltaWinRate)} ` +
      `(hold ${pc(best.holdWinRate)}); ` +
      `total P/L cp $${best.cpTotal.toFixed(0)} vs delta $${best.deltaTotal.toFixed(0)}`,
  );
}
