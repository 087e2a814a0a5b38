// Pacing below the platforms' limits, before they bite: each limit is a bucket (GCRA, the
// "virtual scheduling" form of a token bucket). A send reserves the earliest instant at which
// every bucket it touches has room, so concurrent sends queue in order and none is refused.
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
  /** Pushes a bucket back (after a 429 with retry_after). */
  penalise(key: string, untilMs: number): void;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPacerClock: PacerClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createPacer(clock: PacerClock = realPacerClock): Pacer {
  // Theoretical arrival time per bucket: the instant from which the next send is on schedule.
  const arrival = new Map<string, number>();
  return {
    async take(buckets) {
      const now = clock.now();
      let start = now;
      for (const bucket of buckets) {
        const interval = 1000 / bucket.perSecond;
        const tat = arrival.get(bucket.key) ?? now;
        start = Math.max(start, tat - (bucket.burst - 1) * interval);
      }
      for (const bucket of buckets) {
        const interval = 1000 / bucket.perSecond;
        arrival.set(bucket.key, Math.max(arrival.get(bucket.key) ?? start, start) + interval);
      }
      if (start > now) await clock.sleep(start - now);
    },
    penalise(key, untilMs) {
      arrival.set(key, Math.max(arrival.get(key) ?? 0, untilMs));
    },
  };
}
