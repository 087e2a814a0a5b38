// Runs what is due: every active subscription's summary whose time has come today (a NYSE
// trading day), through the ledger, paced, once. The same run is the catch-up after a restart:
// work missed by less than the catch-up window is delivered, older work is skipped with a reason.
import { DateTime } from 'luxon';
import type { AppDeps } from '../app/context.ts';
import type { Subscription } from '../app/ports.ts';
import type { Reply } from '../app/reply.ts';
import { discussionReply, gatherChannel, gatherPersonal, marketForSummaries } from './gather.ts';
import type { DeliveryKind, Ledger } from './ledger.ts';
import type { Pacer } from './pacer.ts';
import type { ChatSender, SendOutcome, SendTarget } from './senders.ts';

export interface PlannerOptions {
  deps: AppDeps;
  ledger: Ledger;
  pacer: Pacer;
  senders: ReadonlyMap<string, ChatSender>;
  timeZone: string;
  reviewTime: string | null;
  catchUpMs: number;
  /** A `sending` row older than this is from a process that is gone. */
  staleClaimMs?: number;
  /** Bounded retries for 5xx and network errors. */
  maxAttempts?: number;
  sleep: (ms: number) => Promise<void>;
  /** 0..1, for backoff jitter (injected so tests are deterministic). */
  random?: () => number;
  concurrency?: number;
}

export interface RunReport {
  tradingDay: string | null;
  due: number;
  sent: number;
  failed: number;
  skipped: number;
  deactivated: number;
  ambiguous: number;
  rateLimited: number;
  discussions: number;
}

/** The instant of HH:MM on a date in a zone; a time that does not exist that day (spring forward) moves to the next valid minute. */
export function scheduledInstant(date: string, time: string, zone: string): number {
  const [hour, minute] = time.split(':').map(Number);
  const [year, month, day] = date.split('-').map(Number);
  return DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toMillis();
}

interface Job {
  subscription: Subscription;
  kind: DeliveryKind;
  sender: ChatSender;
  target: SendTarget;
}

export async function runDue(options: PlannerOptions, nowMs: number): Promise<RunReport> {
  const { deps, ledger } = options;
  const report: RunReport = { tradingDay: null, due: 0, sent: 0, failed: 0, skipped: 0, deactivated: 0, ambiguous: 0, rateLimited: 0, discussions: 0 };
  const today = deps.calendar.newYorkDate(nowMs);
  if (!deps.calendar.isTradingDay(today)) return report;
  report.tradingDay = today;
  await resolveInFlight(options, today, nowMs, report);

  const jobs: Job[] = [];
  for (const subscription of deps.store.subscriptions.active()) {
    const sender = options.senders.get(subscription.platform);
    if (!sender) continue;
    const kinds: [DeliveryKind, string][] = [['morning', subscription.time]];
    if (options.reviewTime) kinds.push(['review', options.reviewTime]);
    for (const [kind, time] of kinds) {
      const dueMs = scheduledInstant(today, time, options.timeZone);
      if (nowMs < dueMs) continue;
      const row = ledger.ensure(subscription.id, today, kind);
      if (row.state !== 'pending') continue;
      if (nowMs - dueMs > options.catchUpMs) {
        ledger.markSkipped(row, `missed: due ${new Date(dueMs).toISOString()}, more than the catch-up window ago`);
        report.skipped++;
        deps.logger.warn({ subscriptionId: subscription.id, tradingDay: today, kind }, 'summary skipped: past the catch-up window');
        continue;
      }
      jobs.push({ subscription, kind, sender, target: { chatId: subscription.chatId, kind: subscription.kind } });
    }
  }
  report.due = jobs.length;
  if (!jobs.length) return report;

  const view = await marketForSummaries(deps);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await deliver(options, job, view, today, nowMs, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, jobs.length) }, worker));
  return report;
}

async function deliver(options: PlannerOptions, job: Job, view: Awaited<ReturnType<typeof marketForSummaries>>, today: string, nowMs: number, report: RunReport): Promise<void> {
  const { ledger, deps } = options;
  const key = { subscriptionId: job.subscription.id, tradingDay: today, kind: job.kind };
  if (!ledger.claim(key.subscriptionId, today, job.kind, deps.clock.now())) return;
  let reply: Reply;
  let discussions: ReturnType<typeof discussionReply>[] = [];
  try {
    if (job.subscription.kind === 'channel') {
      const gathered = await gatherChannel(deps, job.subscription, view, job.kind, true);
      reply = gathered.reply;
      discussions = gathered.newLayers.map(discussionReply);
    } else {
      reply = gatherPersonal(deps, job.subscription.userId!, view, job.kind);
    }
  } catch (error) {
    deps.logger.error({ err: error, subscriptionId: key.subscriptionId }, 'summary could not be built');
    ledger.release(key, 'build failed');
    report.failed++;
    return;
  }
  const row = ledger.get(key.subscriptionId, today, job.kind)!;
  const outcome = await sendWithRetries(options, job, reply, row.nonce, report);
  if (outcome.ok) {
    ledger.markSent(key, outcome.messageId, deps.clock.now());
    report.sent++;
    for (const discussion of discussions) {
      if (!job.sender.openDiscussion) break;
      const opened = await sendWithRetries(options, job, discussion, `${row.nonce}d`, report, true);
      if (opened.ok) report.discussions++;
    }
    return;
  }
  if (outcome.kind === 'permanent') {
    ledger.markFailed(key, `${outcome.code}: ${outcome.reason}`);
    deps.store.subscriptions.deactivate(job.subscription.id, `${outcome.code}: ${outcome.reason}`, nowMs);
    deps.logger.warn({ subscriptionId: key.subscriptionId, code: outcome.code }, 'subscription deactivated: permanent error');
    report.failed++;
    report.deactivated++;
    return;
  }
  ledger.markFailed(key, outcome.kind === 'transient' ? outcome.reason : 'rate limited');
  report.failed++;
}

async function sendWithRetries(options: PlannerOptions, job: Job, reply: Reply, nonce: string, report: RunReport, discussion = false): Promise<SendOutcome> {
  const maxAttempts = options.maxAttempts ?? 4;
  const random = options.random ?? Math.random;
  let attempt = 0;
  let rateLimits = 0;
  for (;;) {
    await options.pacer.take(job.sender.buckets(job.target));
    const outcome = discussion && job.sender.openDiscussion
      ? await job.sender.openDiscussion(job.target, reply)
      : await job.sender.send(job.target, reply, nonce);
    if (outcome.ok || outcome.kind === 'permanent') return outcome;
    if (outcome.kind === 'rate-limited') {
      // The platform said when: wait exactly that (not counted as an attempt), within reason.
      report.rateLimited++;
      if (++rateLimits > 20) return outcome;
      const until = options.deps.clock.now() + outcome.retryAfterMs;
      for (const bucket of job.sender.buckets(job.target)) if (!outcome.bucket || bucket.key === outcome.bucket) options.pacer.penalise(bucket.key, until);
      await options.sleep(outcome.retryAfterMs);
      continue;
    }
    if (++attempt >= maxAttempts) return outcome;
    const backoff = Math.min(30_000, 500 * 2 ** (attempt - 1));
    await options.sleep(backoff / 2 + random() * backoff / 2);
  }
}

/** Rows another process left in `sending`: resent under the same nonce where that is safe, else skipped as ambiguous. */
async function resolveInFlight(options: PlannerOptions, today: string, nowMs: number, report: RunReport): Promise<void> {
  const { ledger, deps } = options;
  const staleMs = options.staleClaimMs ?? 120_000;
  for (const row of ledger.inFlight(today)) {
    if (row.claimedMs !== null && nowMs - row.claimedMs < staleMs) continue; // another process is on it
    const subscription = deps.store.subscriptions.active().find((s) => s.id === row.subscriptionId);
    const sender = subscription ? options.senders.get(subscription.platform) : undefined;
    if (subscription && sender?.idempotent && ledger.reclaim(row, nowMs, staleMs)) {
      // Discord: the same nonce with enforce_nonce returns the first message if it was created.
      const view = await marketForSummaries(deps);
      const reply = subscription.kind === 'channel'
        ? (await gatherChannel(deps, subscription, view, row.kind, false)).reply
        : gatherPersonal(deps, subscription.userId!, view, row.kind);
      const outcome = await sendWithRetries(options, { subscription, kind: row.kind, sender, target: { chatId: subscription.chatId, kind: subscription.kind } }, reply, row.nonce, report);
      if (outcome.ok) {
        ledger.markSent(row, outcome.messageId, deps.clock.now());
        report.sent++;
      } else {
        ledger.markFailed(row, outcome.kind);
        report.failed++;
      }
      continue;
    }
    ledger.markSkipped(row, 'ambiguous: the process stopped during the send; not resent, to never send it twice');
    report.ambiguous++;
    deps.logger.warn({ subscriptionId: row.subscriptionId, tradingDay: today, kind: row.kind }, 'ambiguous delivery after a crash: counted, not resent');
  }
}
