// Runs what is due: every active subscription's summary whose time has come today (a NYSE
// trading day), through the ledger, paced, once. The same run is the catch-up after a restart:
// work missed by less than the catch-up window is delivered, older work is skipped with a reason.
import type { AppDeps } from '../app/context.ts';
import { claimantIsGone, nonceFor } from '../app/delivery.ts';
import type { DeliveryKey, DeliveryKind, DeliveryLedger, Subscription } from '../app/ports.ts';
import type { MarketView } from '../app/market-view.ts';
import type { Reply } from '../app/reply.ts';
import { dateInZone, wallClockInstant } from '../market/calendar.ts';
import { discussionReply, gatherChannel, gatherPersonal, marketForSummaries, type ChannelGathered } from './gather.ts';
import type { Pacer } from './pacer.ts';
import { DEFAULT_IDEMPOTENCY_WINDOW_MS, type ChatSender, type SendOutcome, type SendTarget } from './senders.ts';

export interface PlannerOptions {
  deps: AppDeps;
  ledger: DeliveryLedger;
  pacer: Pacer;
  senders: ReadonlyMap<string, ChatSender>;
  timeZone: string;
  reviewTime: string | null;
  catchUpMs: number;
  /** A `sending` row older than this is from a process that is gone. */
  staleClaimMs?: number;
  /** Whether a claim's owner is a dead process of this host (default claimantIsGone, src/app/delivery.ts). */
  claimantIsGone?: (owner: string | null) => boolean;
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
  /**
   * Rows left in `sending` by another process that may still be alive (a fresh claim from
   * another host, or a live pid): not touched; settled after the stale window if it is gone.
   */
  inFlightElsewhere: number;
  rateLimited: number;
  discussions: number;
  /** How each platform used in the run was paced, with its margin under the limits. */
  pacing: string[];
}

interface Job {
  subscription: Subscription;
  kind: DeliveryKind;
  sender: ChatSender;
  target: SendTarget;
}

export const emptyReport = (): RunReport => ({
  tradingDay: null,
  due: 0,
  sent: 0,
  failed: 0,
  skipped: 0,
  deactivated: 0,
  ambiguous: 0,
  inFlightElsewhere: 0,
  rateLimited: 0,
  discussions: 0,
  pacing: [],
});

export async function runDue(options: PlannerOptions, nowMs: number): Promise<RunReport> {
  const { deps, ledger } = options;
  const report = emptyReport();
  // The day is the summary zone's: with SUMMARY_TIMEZONE east of New York, its morning is still
  // New York's previous evening, and HH:MM must be read on the zone's own date.
  const today = dateInZone(nowMs, options.timeZone);
  if (!deps.calendar.isTradingDay(today)) return report;
  report.tradingDay = today;
  const subscriptions = await deps.store.subscriptions.active();
  await resolveInFlight(options, today, nowMs, subscriptions, report);

  const rows = new Map((await ledger.forDay(today)).map((row) => [`${row.subscriptionId}/${row.kind}`, row]));
  const dueAt = new Map<string, number>();
  const due = (time: string) => {
    let at = dueAt.get(time);
    if (at === undefined) dueAt.set(time, (at = wallClockInstant(today, time, options.timeZone)));
    return at;
  };
  // What is due now; rows missing for today are created in one transaction.
  const candidates: { subscription: Subscription; sender: ChatSender; kind: DeliveryKind; dueMs: number }[] = [];
  for (const subscription of subscriptions) {
    const sender = options.senders.get(subscription.platform);
    if (!sender) continue;
    const kinds: [DeliveryKind, string][] = [['morning', subscription.time]];
    if (options.reviewTime) kinds.push(['review', options.reviewTime]);
    for (const [kind, time] of kinds) {
      const dueMs = due(time);
      if (nowMs >= dueMs) candidates.push({ subscription, sender, kind, dueMs });
    }
  }
  const missing = candidates
    .filter((c) => !rows.has(`${c.subscription.id}/${c.kind}`))
    .map((c) => ({ subscriptionId: c.subscription.id, tradingDay: today, kind: c.kind }));
  if (missing.length)
    for (const row of await ledger.ensureAll(missing)) rows.set(`${row.subscriptionId}/${row.kind}`, row);

  const jobs: Job[] = [];
  for (const { subscription, sender, kind, dueMs } of candidates) {
    const row = rows.get(`${subscription.id}/${kind}`)!;
    if (row.state !== 'pending') continue;
    if (nowMs - dueMs > options.catchUpMs) {
      await ledger.markSkipped(row, `missed: due ${new Date(dueMs).toISOString()}, more than the catch-up window ago`);
      report.skipped++;
      deps.logger.warn(
        { subscriptionId: subscription.id, tradingDay: today, kind },
        'summary skipped: past the catch-up window',
      );
      continue;
    }
    jobs.push({ subscription, kind, sender, target: { chatId: subscription.chatId, kind: subscription.kind } });
  }
  report.due = jobs.length;
  if (!jobs.length) return report;
  report.pacing = [...new Set(jobs.flatMap((job) => (job.sender.pacing ? [job.sender.pacing] : [])))];

  const view = await marketForSummaries(deps);
  // Workers sharing one database start their walk at different rows (an offset from the owner id),
  // so they rarely wait for a platform slot for the same row; one worker's order is a rotation.
  const start = startOffset(options.ledger.owner, jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[(start + next++) % jobs.length]!;
      await deliver(options, job, view, today, nowMs, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, jobs.length) }, worker));
  return report;
}

/** Where a worker starts walking the due rows: spread over the rows by its owner id, stable per owner. */
function startOffset(owner: string, rows: number): number {
  let hash = 2166136261;
  for (let i = 0; i < owner.length; i++) hash = Math.imul(hash ^ owner.charCodeAt(i), 16777619) >>> 0;
  return hash % rows;
}

async function deliver(
  options: PlannerOptions,
  job: Job,
  view: Awaited<ReturnType<typeof marketForSummaries>>,
  today: string,
  nowMs: number,
  report: RunReport,
): Promise<void> {
  const { ledger, deps } = options;
  const key = { subscriptionId: job.subscription.id, tradingDay: today, kind: job.kind };
  // The row is claimed only once the pacer has granted its send a slot, right before the request
  // goes out: a process killed while its workers wait for slots leaves those rows `pending`, and
  // a restart sends them at once. Only a request actually on the wire can be left ambiguous.
  // Several workers walk the same rows: one read first, so no slot of the platform's rate is spent
  // on a row another worker already claimed or sent (the claim below still decides a race).
  if ((await ledger.get(key.subscriptionId, today, job.kind))?.state !== 'pending') return;
  await options.pacer.take(job.sender.buckets(job.target));
  if (!(await ledger.claim(key.subscriptionId, today, job.kind, deps.clock.now()))) return;
  let reply: Reply;
  let newLayers: ChannelGathered['newLayers'] = [];
  try {
    if (job.subscription.kind === 'channel') {
      const gathered = await gatherChannel(deps, job.subscription, view, job.kind, true);
      reply = gathered.reply;
      newLayers = gathered.newLayers;
    } else {
      reply = await gatherPersonal(deps, job.subscription.userId!, view, job.kind);
    }
  } catch (error) {
    deps.logger.error({ err: error, subscriptionId: key.subscriptionId }, 'summary could not be built');
    await ledger.release(key, 'build failed');
    report.failed++;
    return;
  }
  const outcome = await sendWithRetries(options, report, {
    job,
    reply,
    nonce: nonceFor(key.subscriptionId, today, job.kind),
    claim: { key, fresh: true },
    as: 'message',
  });
  if (outcome === LOST_CLAIM) return;
  if (outcome.ok) {
    await ledger.markSent(key, outcome.messageId, deps.clock.now());
    report.sent++;
    if (outcome.movedTo) {
      await deps.store.subscriptions.moveChat(job.subscription.id, outcome.movedTo, nowMs);
      deps.logger.info({ subscriptionId: job.subscription.id }, 'chat moved to a new id: subscription follows it');
    }
    if (job.sender.openDiscussion) {
      for (const item of newLayers) {
        // One discussion per layer, ever: hedge_discussions is claimed before it is opened.
        const discussionKey = {
          platform: job.subscription.platform,
          chatId: job.subscription.chatId,
          positionId: item.position.id,
          layer: item.layer.layer,
        };
        if (!(await ledger.claimDiscussion(discussionKey, today, deps.clock.now()))) continue;
        const opened = await sendWithRetries(options, report, {
          job,
          reply: discussionReply(item),
          nonce: '',
          claim: null,
          as: 'discussion',
        });
        if (opened !== LOST_CLAIM && opened.ok) {
          report.discussions++;
          if (opened.messageId) await ledger.recordDiscussion(discussionKey, opened.messageId);
        } else {
          deps.logger.warn(
            {
              subscriptionId: key.subscriptionId,
              layer: item.layer.layer,
              outcome: opened === LOST_CLAIM ? 'lost claim' : opened,
            },
            'hedge discussion could not be opened',
          );
        }
      }
    }
    return;
  }
  await settleFailure(options, job.subscription, key, outcome, nowMs, report);
}

/** A failed send: permanent errors deactivate the subscription, the rest are recorded as failed. */
async function settleFailure(
  options: PlannerOptions,
  subscription: Subscription,
  key: DeliveryKey,
  outcome: Exclude<SendOutcome, { ok: true }>,
  nowMs: number,
  report: RunReport,
): Promise<void> {
  const { ledger, deps } = options;
  report.failed++;
  if (outcome.kind === 'permanent') {
    await ledger.markFailed(key, `${outcome.code}: ${outcome.reason}`);
    await deps.store.subscriptions.deactivate(subscription.id, `${outcome.code}: ${outcome.reason}`, nowMs);
    deps.logger.warn(
      { subscriptionId: key.subscriptionId, code: outcome.code },
      'subscription deactivated: permanent error',
    );
    report.deactivated++;
    return;
  }
  await ledger.markFailed(key, outcome.kind === 'transient' ? outcome.reason : 'rate limited');
}

/** A held claim older than this is refreshed before the send. */
const TOUCH_AFTER_MS = 10_000;

/** The claim was taken over by another process while this one waited: it must not send. */
const LOST_CLAIM = Symbol('lost claim');

/**
 * The ledger row a send is for. `fresh`: claimed by deliver() right after the pacer granted the
 * first slot; between attempts it goes back to `pending` and is claimed again after the next
 * slot, so a crash during a retry wait leaves nothing ambiguous. Otherwise (a stale row taken
 * over to resend under its nonce) the claim is held across waits and refreshed (touch).
 */
interface SendClaim {
  key: DeliveryKey;
  fresh: boolean;
}

/** One send to one chat, retried by sendWithRetries. */
interface SendRequest {
  job: Job;
  reply: Reply;
  /** The platform's idempotency key for a summary; a discussion is claimed in hedge_discussions instead (''). */
  nonce: string;
  /** The ledger row the send is for; null for a hedge discussion. */
  claim: SendClaim | null;
  /** Post the reply as a message, or open a hedge discussion (thread and poll) with it. */
  as: 'message' | 'discussion';
}

async function sendWithRetries(
  options: PlannerOptions,
  report: RunReport,
  request: SendRequest,
): Promise<SendOutcome | typeof LOST_CLAIM> {
  const { job, reply, nonce, claim } = request;
  const { ledger, deps } = options;
  const maxAttempts = options.maxAttempts ?? 4;
  const random = options.random ?? Math.random;
  const buckets = job.sender.buckets(job.target);
  let attempt = 0;
  let rateLimits = 0;
  let claimedMs = deps.clock.now();
  // A fresh claim was made after its first slot: that attempt goes straight out.
  let slotTaken = claim?.fresh ?? false;
  for (;;) {
    if (!slotTaken) {
      await options.pacer.take(buckets);
      const now = deps.clock.now();
      // A fresh claim is taken again now; a held one is refreshed after a wait so it does not
      // look abandoned. Either fails when another process took the row meanwhile.
      const kept = !claim
        ? true
        : claim.fresh
          ? await ledger.claim(claim.key.subscriptionId, claim.key.tradingDay, claim.key.kind, now)
          : attempt === 0 && rateLimits === 0 && now - claimedMs <= TOUCH_AFTER_MS
            ? true
            : await ledger.touch(claim.key, now);
      if (!kept) {
        deps.logger.warn(
          { subscriptionId: claim!.key.subscriptionId, tradingDay: claim!.key.tradingDay },
          'claim taken over by another process: not sending',
        );
        return LOST_CLAIM;
      }
      claimedMs = now;
    }
    slotTaken = false;
    let outcome: SendOutcome;
    try {
      outcome =
        request.as === 'discussion' && job.sender.openDiscussion
          ? await job.sender.openDiscussion(job.target, reply)
          : await job.sender.send(job.target, reply, nonce);
    } catch (error) {
      // An adapter that throws instead of answering an outcome: a network-like failure.
      outcome = { ok: false, kind: 'transient', reason: error instanceof Error ? error.message : String(error) };
    }
    options.pacer.settled(buckets);
    if (outcome.ok || outcome.kind === 'permanent') return outcome;
    let waitMs: number;
    if (outcome.kind === 'rate-limited') {
      // The platform said when: wait exactly that (not counted as an attempt), within reason.
      report.rateLimited++;
      if (++rateLimits > 20) return outcome;
      for (const bucket of buckets)
        if (!outcome.bucket || bucket.key === outcome.bucket) options.pacer.penalise(bucket, outcome.retryAfterMs);
      waitMs = outcome.retryAfterMs;
    } else {
      if (++attempt >= maxAttempts) return outcome;
      const backoff = Math.min(30_000, 500 * 2 ** (attempt - 1));
      waitMs = backoff / 2 + (random() * backoff) / 2;
    }
    if (claim?.fresh) await ledger.release(claim.key, outcome.kind === 'transient' ? outcome.reason : 'rate limited');
    await options.sleep(waitMs);
  }
}

/**
 * Rows another process left in `sending` (today's and the previous trading day's). One whose claim
 * is fresh belongs to a live process and is left alone. A stale one (its process is gone) is resent
 * under the same nonce where the platform recognises it — only today's, and only within the
 * platform's idempotency window counted from the last attempt — and otherwise skipped as
 * ambiguous: counted and logged, never sent a second time.
 */
async function resolveInFlight(
  options: PlannerOptions,
  today: string,
  nowMs: number,
  subscriptions: readonly Subscription[],
  report: RunReport,
): Promise<void> {
  const { ledger, deps } = options;
  const staleMs = options.staleClaimMs ?? 120_000;
  const rows = await ledger.inFlight(deps.calendar.previousTradingDay(today), today);
  if (!rows.length) return;
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const isGone = options.claimantIsGone ?? claimantIsGone;
  let view: MarketView | null = null;
  for (const row of rows) {
    // A claim is settled once it is stale, or at once when its process is known to be dead.
    const goneOwner = isGone(row.claimedBy) ? row.claimedBy : null;
    if (!goneOwner && row.claimedMs !== null && nowMs - row.claimedMs < staleMs) {
      report.inFlightElsewhere++; // another process may be on it
      continue;
    }
    const subscription = byId.get(row.subscriptionId);
    const sender = subscription ? options.senders.get(subscription.platform) : undefined;
    const windowMs = sender?.idempotencyWindowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS;
    const resendable =
      subscription &&
      sender?.idempotent &&
      row.tradingDay === today &&
      row.claimedMs !== null &&
      nowMs - row.claimedMs <= windowMs;
    if (resendable) {
      if (!(await ledger.reclaim(row, nowMs, staleMs, goneOwner))) continue; // another process took it over first
      // Discord: the same nonce with enforce_nonce returns the first message if it was created.
      view ??= await marketForSummaries(deps);
      const reply =
        subscription.kind === 'channel'
          ? (await gatherChannel(deps, subscription, view, row.kind, false)).reply
          : await gatherPersonal(deps, subscription.userId!, view, row.kind);
      const job = {
        subscription,
        kind: row.kind,
        sender,
        target: { chatId: subscription.chatId, kind: subscription.kind },
      };
      const outcome = await sendWithRetries(options, report, {
        job,
        reply,
        nonce: row.nonce,
        claim: { key: row, fresh: false },
        as: 'message',
      });
      if (outcome === LOST_CLAIM) continue;
      if (outcome.ok) {
        await ledger.markSent(row, outcome.messageId, deps.clock.now());
        report.sent++;
      } else {
        await settleFailure(options, subscription, row, outcome, nowMs, report);
      }
      continue;
    }
    const why = sender?.idempotent && subscription ? ' (too late for the platform to recognise the nonce)' : '';
    if (
      !(await ledger.abandon(
        row,
        nowMs,
        staleMs,
        `ambiguous: the process stopped during the send; not resent, to never send it twice${why}`,
        goneOwner,
      ))
    )
      continue;
    report.ambiguous++;
    deps.logger.warn(
      { subscriptionId: row.subscriptionId, tradingDay: row.tradingDay, kind: row.kind },
      'ambiguous delivery after a crash: counted, not resent',
    );
  }
}
