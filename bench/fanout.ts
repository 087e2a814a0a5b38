// Fan-out benchmark (issue 7): 3,000 Telegram personal subscriptions (private chats, distinct ids)
// delivered by the scheduler's planner (runDue: ledger claim, summary build, GCRA pacing, HTTP send)
// to a loopback fake Bot API in its own process that enforces 300 messages/s overall and 1/s per
// chat, counted in sliding one-second windows, and answers 429 with retry_after beyond. The
// scheduler's Telegram pacing is configured to 300/s. Prints figures; asserts nothing.
//   npx tsx bench/fanout.ts                      (or: npm run bench -- fanout)
//   npx tsx bench/fanout.ts --chats 3000 --rate 300 --concurrency 16 [--pace N] [--no-ceiling]
// Figures: delivered/ideal time (ideal = chats / the paced rate, PACING_HEADROOM under the
// pacing rate; target ≤ 1.1), 429s received (target 0),
// lost and duplicated messages (target 0), and the planner's own ceiling (the same fan-out with
// pacing off against an unlimited server) to show how much of the time is pacing.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDue, type RunReport } from '../src/scheduler/planner.ts';
import { ny, openSchedulerApp, plannerFor, subscribeMany } from '../test/support/scheduler-app.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import {
  startFakeServerProcess as startServer,
  type FakeServerOptions,
  type FakeServerStats,
} from '../test/support/scheduler-fake-server.ts';
import { telegramHttpSender } from '../test/support/scheduler-http-sender.ts';
import { PACING_HEADROOM } from '../src/scheduler/senders.ts';

const { values } = parseArgs({
  options: {
    chats: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    ceiling: { type: 'boolean', default: true },
    /** The pacing rate given to the sender (default: --rate, as TELEGRAM_MESSAGES_PER_SECOND would be). */
    pace: { type: 'string' },
  },
  allowNegative: true,
});
const CHATS = Number(values.chats);
const RATE = Number(values.rate);
const CONCURRENCY = Number(values.concurrency);
const PACE = values.pace ? Number(values.pace) : RATE;
const AT = ny('2026-11-23', '09:45');

interface Run {
  report: RunReport;
  ms: number;
  stats: FakeServerStats;
}

async function fanOut(serverOptions: FakeServerOptions, pacing: number): Promise<Run> {
  const dir = makeTempDir('condor-bench-fanout-');
  const server = await startServer(serverOptions);
  try {
    const target = openSchedulerApp({ dbPath: path.join(dir, 'bench.db'), clock: { now: () => AT } });
    await subscribeMany(target, 'telegram', CHATS);
    const sender = telegramHttpSender({ baseUrl: server.url, perSecond: pacing });
    const { options } = plannerFor(target, [sender], { concurrency: CONCURRENCY, random: Math.random });
    const started = performance.now();
    const report = await runDue(options, AT);
    const ms = performance.now() - started;
    const stats = await server.stats();
    await target.close();
    return { report, ms, stats };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The most arrivals in any sliding one-second window. */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

function delivery(stats: FakeServerStats) {
  const counts = Object.values(stats.perChat);
  return { lost: CHATS - counts.length, duplicated: counts.filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0) };
}

console.log(
  `${CHATS} Telegram private chats; fake Bot API limits ${RATE}/s overall and 1/s per chat (sliding 1 s windows); ` +
    `pacing configured to ${PACE}/s, concurrency ${CONCURRENCY}; Node ${process.version}`,
);

if (values.ceiling) {
  // The planner alone: no pacing, no limits (what one message costs us: claim, build, HTTP, mark).
  const ceiling = await fanOut({}, 1_000_000);
  const { lost, duplicated } = delivery(ceiling.stats);
  console.log(
    `ceiling (no pacing, no limits): ${ceiling.report.sent} sent in ${(ceiling.ms / 1000).toFixed(2)} s = ` +
      `${Math.round(ceiling.report.sent / (ceiling.ms / 1000))} messages/s, ` +
      `${(ceiling.ms / ceiling.report.sent).toFixed(2)} ms each; lost ${lost}, duplicated ${duplicated}`,
  );
}

const run = await fanOut({ globalPerSecond: RATE, perChatPerSecond: 1, recordArrivals: true }, PACE);
const { lost, duplicated } = delivery(run.stats);
// The pacer runs PACING_HEADROOM under the configured rate on purpose (senders.ts): that is the ideal.
const ideal = (CHATS / (PACE * (1 - PACING_HEADROOM))) * 1000;
const span = run.stats.firstMs !== null && run.stats.lastMs !== null ? run.stats.lastMs - run.stats.firstMs : NaN;
console.log(
  `paced fan-out: ${run.report.sent} sent, ${run.report.failed} failed in ${(run.ms / 1000).toFixed(2)} s ` +
    `(first→last message at the server ${(span / 1000).toFixed(2)} s)`,
);
console.log(
  `delivered/ideal time: ${(run.ms / ideal).toFixed(3)} ` +
    `(ideal ${(ideal / 1000).toFixed(1)} s at ${(PACE * (1 - PACING_HEADROOM)).toFixed(1)}/s; target ≤ 1.1)`,
);
console.log(`429s received: ${run.report.rateLimited} (server answered ${run.stats.rateLimited}; target 0)`);
console.log(`lost: ${lost}, duplicated: ${duplicated} (target 0 and 0)`);
console.log(`busiest second at the server: ${busiestSecond(run.stats.arrivals ?? [])} messages (limit ${RATE})`);
