// A separate process running one planner pass (runDue) over a shared SQLite file against the fake
// chat server: the crash test kills it with SIGKILL in the middle of a fan-out and starts it again;
// the two-process test runs two at once.
//   node --import tsx test/support/scheduler-child.ts '<json ChildOptions>'
// With databaseUrl it runs on that PostgreSQL database instead (the two-worker test), as a worker
// started with DATABASE_URL would. Its clock is clockStartMs plus the real time since start, so
// claims age as they would.
// Prints `REPORT <json RunReport>` and exits 0.
import { runDue } from '../../src/scheduler/planner.ts';
import { openSchedulerAppOn, plannerFor } from './scheduler-app.ts';
import { discordHttpSender, telegramHttpSender } from './scheduler-http-sender.ts';

export interface ChildOptions {
  dbPath: string;
  baseUrl: string;
  platform: 'telegram' | 'discord';
  clockStartMs: number;
  perSecond: number;
  concurrency: number;
  staleClaimMs?: number;
  /** A PostgreSQL URL: the shared store of several workers (dbPath then only places the charts folder). */
  databaseUrl?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const started = performance.now();
const clock = { now: () => options.clockStartMs + Math.round(performance.now() - started) };
const target = await openSchedulerAppOn({
  dbPath: options.dbPath,
  clock,
  ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
});
const sender =
  options.platform === 'telegram'
    ? telegramHttpSender({ baseUrl: options.baseUrl, perSecond: options.perSecond })
    : discordHttpSender({ baseUrl: options.baseUrl, perSecond: options.perSecond });
const planner = plannerFor(target, [sender], {
  concurrency: options.concurrency,
  random: Math.random,
  ...(options.staleClaimMs !== undefined ? { staleClaimMs: options.staleClaimMs } : {}),
});
const report = await runDue(planner.options, clock.now());
await target.close();
process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
