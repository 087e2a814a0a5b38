// Handler time of `/position list` with 200 open positions for one user, through runLine (words
// parser, schema, store, demo market, the trading-time clock and the engine for every position), on a
// temp SQLite file, under the cp policy so that the list proposes rolls, closes and hedges too.
// Per position it costs p50 / 200; bench/commands-engines.ts runs the same command on lists of 25 and
// 50 positions (one expiry, default policy) as commands per second.
// Run: npx tsx bench/position-list.ts. Prints p50/p99 and whether the target (p99 < 20 ms) is met;
// asserts nothing.
import { rmSync } from 'node:fs';
import { makeTempDir } from '../test/support/temp-dir.ts';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLine, type Identity } from '../src/app/context.ts';
import type { Logger } from '../src/app/ports.ts';
import { buildApp } from '../src/compose.ts';
import { createConfig } from '../src/config.ts';

const POSITIONS = 200;
const WARMUP = 20;
const RUNS = 200;
const TARGET_P99_MS = 20;

// 2026-11-23 10:00 New York, a Monday: the demo market is the same on every run.
const clock = { now: () => Date.UTC(2026, 10, 23, 15) };
const identity: Identity = {
  platform: 'console',
  platformUserId: 'bench',
  displayName: 'bench',
  chat: { platform: 'console', id: 'console', kind: 'private', callerCanManage: true },
};

// runCommand's own measure of each command ("command handled", durationMs), kept for the report.
const handled: number[] = [];
const logger: Logger = {
  debug: () => {},
  info: (object) => {
    if (typeof object.durationMs === 'number' && object.command === 'position list') handled.push(object.durationMs);
  },
  warn: () => {},
  error: (object) => console.error('bench: command failed', object),
  child: () => logger,
};

const dir = makeTempDir('condor-bench-');
try {
  // One fixed minute: the per-user budget of chain-priced evaluations (position add) is raised.
  const config = createConfig({
    DATABASE_PATH: path.join(dir, 'bench.db'),
    MARKET_DATA: 'demo',
    CHARTS_DIR: dir,
    CHAIN_EVALUATIONS_PER_MINUTE: '1000',
  });
  if (!config.ok) throw new Error(config.error);
  const app = buildApp(config.config, logger, { clock });
  try {
    // The cp policy (docs/specification.md §6): its rules act on these positions, so the list values and proposes
    // rolls, closes and hedges as well as HOLDs (the default, cndr, holds everything to expiry).
    const policy = await runLine(app.deps, identity, '/settings policy=cp');
    if (policy.reply.error) throw new Error(`/settings policy=cp: ${policy.reply.lines?.join(' ')}`);
    // 200 different condors: shorts 150-600 points from spot, wings 25-75, expiries 10-120 days,
    // a third of them opened at another market (spot within 120 points: an entry past a break-even,
    // whose baseline k₀ is negative, is refused) so the cp rules find more to do than HOLD.
    for (let i = 0; i < POSITIONS; i++) {
      const putDistance = 150 + ((i * 37) % 450);
      const callDistance = 150 + ((i * 53) % 450);
      const wing = 25 * (1 + (i % 3));
      const shortPut = Math.round((6000 - putDistance) / 5) * 5;
      const shortCall = Math.round((6000 + callDistance) / 5) * 5;
      const dte = 10 + ((i * 7) % 111);
      const credit = (3 + (i % 17) * 0.5).toFixed(2);
      const entry = i % 3 === 0 ? ` spot=${6000 + ((i % 7) - 3) * 40} vix=${12 + (i % 9)}` : '';
      const strikes = `${shortPut - wing} ${shortPut} ${shortCall} ${shortCall + wing}`;
      const line = `/position add ${strikes} ${dte} credit=${credit}${entry}`;
      const { reply } = await runLine(app.deps, identity, line);
      if (reply.error) throw new Error(`${line}: ${reply.lines?.join(' ')}`);
    }

    const measure = async () => {
      const start = performance.now();
      const { reply } = await runLine(app.deps, identity, '/position list');
      const elapsed = performance.now() - start;
      if (reply.error || (reply.data as { positions: unknown[] }).positions.length !== POSITIONS)
        throw new Error(`unexpected reply: ${reply.title}`);
      return { elapsed, actions: (reply.data as { positions: { action: string }[] }).positions.map((p) => p.action) };
    };

    for (let i = 0; i < WARMUP; i++) await measure();
    handled.length = 0;
    const times: number[] = [];
    let actions: string[] = [];
    // CPU time as well as wall time: on a shared machine the wall time includes waiting for a core.
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const run = await measure();
      times.push(run.elapsed);
      actions = run.actions;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerRun = (cpu.user + cpu.system) / 1000 / RUNS;

    const percentile = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
    };
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const counts = Object.entries(
      actions.reduce<Record<string, number>>((acc, a) => ((acc[a] = (acc[a] ?? 0) + 1), acc), {}),
    )
      .map(([action, n]) => `${action} ${n}`)
      .join(', ');
    console.log(
      `/position list, ${POSITIONS} open positions, cp policy, ${RUNS} runs after ${WARMUP} warm-up ` +
        '(demo market, SQLite file)',
    );
    console.log(
      `  runLine        p50 ${p50.toFixed(2).padStart(7)} ms   p99 ${p99.toFixed(2).padStart(7)} ms   max ${Math.max(
        ...times,
      )
        .toFixed(2)
        .padStart(7)} ms`,
    );
    console.log(
      `  runCommand     p50 ${percentile(handled, 50).toFixed(1).padStart(7)} ms   ` +
        `p99 ${percentile(handled, 99).toFixed(1).padStart(7)} ms   (its own "command handled" durationMs)`,
    );
    console.log(`  CPU            ${cpuMsPerRun.toFixed(2).padStart(7)} ms a run on average (process.cpuUsage)`);
    console.log(
      `  per position   ${((p50 / POSITIONS) * 1000).toFixed(0)} µs at p50, ` +
        `${((cpuMsPerRun / POSITIONS) * 1000).toFixed(0)} µs of CPU (its clock and evaluation)`,
    );
    console.log(`  actions        ${counts}`);
    console.log(`  target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);
  } finally {
    await app.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
