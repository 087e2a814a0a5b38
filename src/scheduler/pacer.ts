// Pacing below the platforms' limits, before they bite: each limit is a bucket (GCRA, the
// "virtual scheduling" form of a token bucket). A send reserves the earliest instant at which
// every bucket it touches has room, so concurrent sends queue in order and none is refused.
//
// The reservation is a schedule; the platform counts actual arrivals. A timer that fires late (a
// busy event loop, a garbage collection, a SQLite checkpoint, a loaded machine) would release every
// overdue send at once, a burst over the limit the schedule kept on paper. So a send that wakes
// also passes the same buckets on its actual instant (a second GCRA, with `slackMs` of lateness
// forgiven so ordinary timer jitter costs no throughput) before it goes.
//
// Even that instant is only when the send was allowed: a stalled process may write it to the
// socket much later, and a platform counting that late arrival next to the following send to the
// same chat sees them closer than the limit. So when the answer is back, `settled` moves each
// bucket's next slot to at least one interval after the answer: the arrival came before it.
export interface BucketSpec {
  key: string;
  /** Sends per second allowed on average. */
  perSecond: number;
  /** How many may go back to back (1 = evenly spaced). */
  burst: number;
}

export interface Pacer {
  /** Waits until every bucket allows one more send, and takes it. */
  take(buckets: readonly BucketSpec[]): Promise<void>;
  /**
   * Pushes a bucket back by forMs from now (after a 429 with retry_after): its next send is at
   * that instant at the earliest, its burst spent, and sends already scheduled before it wait too.
   * A duration, not an instant: the pacer keeps its own clock, which need not be the app's.
   */
  penalise(bucket: BucketSpec, forMs: number): void;
  /** The answer to a send taken with these buckets is back: the next waits one interval from now. */
  settled(buckets: readonly BucketSpec[]): void;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPacerClock: PacerClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacerOptions {
  /**
   * Lateness forgiven on actual send instants: up to this many ms of sends may go closer together
   * than the rate to catch up after a late timer. Keep it within the pacing headroom
   * (senders.ts PACING_HEADROOM × 1 s), so a one-second window still never exceeds the limit.
   */
  slackMs?: number;
}

export const DEFAULT_SLACK_MS = 5;

/** Above this many buckets, those whose schedule is in the past are forgotten (one per chat). */
const PRUNE_ABOVE = 10_000;

export function createPacer(clock: PacerClock = realPacerClock, options: PacerOptions = {}): Pacer {
  const slackMs = options.slackMs ?? DEFAULT_SLACK_MS;
  // Theoretical arrival time per bucket: the instant from which the next send is on schedule.
  const scheduled = new Map<string, number>();
  // The same, kept on the instants sends actually went out.
  const actual = new Map<string, number>();
  // Until when a bucket is held back by a 429, and since when (to tell reservations made before it).
  const held = new Map<string, { untilMs: number; sinceMs: number }>();
  const prune = (now: number) => {
    if (scheduled.size <= PRUNE_ABOVE) return;
    for (const [key, tat] of scheduled) if (tat <= now) scheduled.delete(key);
    for (const [key, tat] of actual) if (tat <= now) actual.delete(key);
    for (const [key, hold] of held) if (hold.untilMs <= now) held.delete(key);
  };
  /** GCRA: the earliest instant ≥ now every bucket allows (with `slack` more tolerance). */
  const allowedAt = (
    table: Map<string, number>,
    buckets: readonly BucketSpec[],
    now: number,
    slack: number,
  ): number => {
    let start = now;
    for (const bucket of buckets) {
      const interval = 1000 / bucket.perSecond;
      const tat = table.get(bucket.key) ?? now;
      start = Math.max(start, tat - (bucket.burst - 1) * interval - slack);
    }
    return start;
  };
  const advance = (table: Map<string, number>, buckets: readonly BucketSpec[], at: number) => {
    for (const bucket of buckets)
      table.set(bucket.key, Math.max(table.get(bucket.key) ?? at, at) + 1000 / bucket.perSecond);
  };
  const heldBack = (buckets: readonly BucketSpec[], reservedAt: number, now: number) =>
    buckets.some((bucket) => {
      const hold = held.get(bucket.key);
      return hold !== undefined && hold.sinceMs >= reservedAt && hold.untilMs > now;
    });
  return {
    async take(buckets) {
      for (;;) {
        const reservedAt = clock.now();
        prune(reservedAt);
        // 1. Reserve a slot on the schedule (concurrent sends queue in order, spread out).
        const start = allowedAt(scheduled, buckets, reservedAt, 0);
        advance(scheduled, buckets, start);
        if (start > reservedAt) await clock.sleep(start - reservedAt);
        // A 429 that arrived while this send waited holds it back too: a slot reserved before the
        // 429 would otherwise go out into the limit the platform just hit.
        if (heldBack(buckets, reservedAt, clock.now())) continue;
        // 2. Pass the buckets on the actual instant (after a late timer, wait for the overdue ones
        //    ahead of it instead of going out together with them).
        for (;;) {
          const now = clock.now();
          const at = allowedAt(actual, buckets, now, slackMs);
          if (at <= now) {
            advance(actual, buckets, now);
            return;
          }
          await clock.sleep(at - now);
        }
      }
    },
    settled(buckets) {
      const now = clock.now();
      for (const bucket of buckets) {
        const next = now + 1000 / bucket.perSecond - (bucket.burst - 1) * (1000 / bucket.perSecond);
        if (next <= now) continue; // a bucket with a burst to spare is not held by one answer
        scheduled.set(bucket.key, Math.max(scheduled.get(bucket.key) ?? 0, next));
        actual.set(bucket.key, Math.max(actual.get(bucket.key) ?? 0, next + slackMs));
      }
    },
    penalise(bucket, forMs) {
      const now = clock.now();
      const tat = now + forMs + (bucket.burst - 1) * (1000 / bucket.perSecond);
      scheduled.set(bucket.key, Math.max(scheduled.get(bucket.key) ?? 0, tat));
      actual.set(bucket.key, Math.max(actual.get(bucket.key) ?? 0, tat + slackMs)); // no slack into a 429
      held.set(bucket.key, { untilMs: Math.max(held.get(bucket.key)?.untilMs ?? 0, now + forMs), sinceMs: now });
    },
  };
}
