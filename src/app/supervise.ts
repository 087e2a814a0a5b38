// Keeping a platform connected: one start attempt at a time, each bounded by a deadline, retried
// with capped exponential backoff and one log line per failed attempt, until it connects, fails in
// a way retrying cannot fix (a revoked token: 401; another instance polling: 409), or shutdown
// aborts it. A platform that cannot connect never takes the process, the other platform or the
// scheduler with it (docs/self-hosting.md "When a platform is unreachable").
import type { Logger } from './ports.ts';

export type ConnectionState = 'connecting' | 'connected' | 'retrying' | 'stopped';

export interface Backoff {
  /** Wait after the first failed attempt. */
  initialMs: number;
  /** The longest wait between attempts. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 60_000 };

/** The wait after failed attempt n (1-based): initial, 2×, 4× ... capped at maxMs. */
export function backoffMs(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

export interface SuperviseOptions {
  platform: string;
  logger: Logger;
  /** One attempt; must give up (reject) when the signal aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Errors retrying cannot fix. */
  permanent(error: unknown): boolean;
  onState(state: ConnectionState, detail?: string): void;
  /** Deadline of one attempt (a server that accepts and never answers). */
  attemptTimeoutMs: number;
  backoff?: Backoff;
  /** Shutdown: stops retrying and abandons the attempt in progress. */
  signal: AbortSignal;
}

export type SupervisionOutcome = 'connected' | 'stopped' | 'cancelled';

const whenAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** Waits ms, or less when the signal aborts (it resolves then, so a stop never throws out of a wait). */
export const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Short, scrub-friendly text of an error for the health report (the logger scrubs secrets). */
export const errorText = (error: unknown): string =>
  error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);

export async function supervise(options: SuperviseOptions): Promise<SupervisionOutcome> {
  const { platform, logger, signal } = options;
  for (let attempt = 1; !signal.aborted; attempt++) {
    if (attempt === 1) options.onState('connecting');
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.attemptTimeoutMs)]);
    try {
      await Promise.race([options.start(attemptSignal), whenAborted(attemptSignal)]);
      options.onState('connected');
      if (attempt > 1) logger.info({ platform, attempt }, `${platform} connected after ${attempt} attempts`);
      return 'connected';
    } catch (error) {
      if (signal.aborted) return 'cancelled';
      const err = attemptSignal.aborted
        ? new Error(`no answer within ${options.attemptTimeoutMs / 1000} s`, { cause: error })
        : error;
      if (options.permanent(error)) {
        logger.error({ err, platform, attempt }, `${platform} cannot start and will not retry: ${errorText(err)}`);
        options.onState('stopped', errorText(err));
        return 'stopped';
      }
      const retryInMs = backoffMs(attempt, options.backoff);
      logger.warn({ err, platform, attempt, retryInMs }, `${platform} start failed; retrying`);
      options.onState('retrying', errorText(err));
      await pause(retryInMs, signal);
    }
  }
  return 'cancelled';
}
