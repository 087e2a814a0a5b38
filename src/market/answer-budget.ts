// The interactive budget (docs/market-data.md, "Limits"): a snapshot waits at most this long in
// total for its source, quotes and chain together, then answers from the cache or demo data,
// labelled. The requests still running then are aborted: the budget's AbortSignal reaches the
// fetch, its retries and their backoff (docs/decisions.md, "A budget that runs out aborts").
import type { SourceFailure } from './quote-source.ts';

/** An interactive command waits this long in total for market data, then answers from the cache or demo data. */
export const INTERACTIVE_WAIT_MS = 3_000;

/** Resolves after ms; tests pass one they fire themselves. */
export type BudgetTimer = (ms: number) => Promise<void>;

export const unrefTimer: BudgetTimer = (ms) =>
  new Promise<void>((resolve) => {
    // unref: a pending budget must not keep a one-shot CLI process alive.
    setTimeout(resolve, ms).unref();
  });

const TIMED_OUT = Symbol('timed out');

export interface AnswerBudget {
  /** The request's answer, or a thrown unreachable failure ("no answer within 3 s") once the budget is spent. */
  within<T>(pending: Promise<T>): Promise<T>;
  /** Fires when the budget is spent: what was started for it is then aborted, not left running. */
  signal: AbortSignal;
}

/** Starts one budget of ms (one timer call) that every request of a snapshot shares. */
export function startAnswerBudget(ms: number, timer: BudgetTimer = unrefTimer): AnswerBudget {
  const waitWords = `${Math.round(ms / 100) / 10} s`;
  const abandon = new AbortController();
  const deadline = timer(ms).then((): typeof TIMED_OUT => {
    // The reason reads as a failure (toFailure) and as an error (the HTTP layer's timeout reason).
    const reason = `no answer within ${waitWords}`;
    abandon.abort(Object.assign(new Error(reason), { reason, unreachable: true } satisfies SourceFailure));
    return TIMED_OUT;
  });
  return {
    signal: abandon.signal,
    async within(pending) {
      pending.catch(() => undefined); // still settled when the deadline wins
      const answer = await Promise.race([pending, deadline]);
      if (answer === TIMED_OUT)
        throw { reason: `no answer within ${waitWords}`, unreachable: true } satisfies SourceFailure;
      return answer;
    },
  };
}
