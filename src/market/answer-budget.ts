// The interactive budget (docs/market-data.md, "Limits"): a snapshot waits at most this long in
// total for its source, quotes and chain together, then answers from the cache or demo data,
// labelled. A request still running then goes on in the background (and fills the cache).
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
}

/** Starts one budget of ms (one timer call) that every request of a snapshot shares. */
export function startAnswerBudget(ms: number, timer: BudgetTimer = unrefTimer): AnswerBudget {
  const deadline = timer(ms).then((): typeof TIMED_OUT => TIMED_OUT);
  const waitWords = `${Math.round(ms / 100) / 10} s`;
  return {
    async within(pending) {
      pending.catch(() => undefined); // still settled when the deadline wins
      const answer = await Promise.race([pending, deadline]);
      if (answer === TIMED_OUT)
        throw { reason: `no answer within ${waitWords}`, unreachable: true } satisfies SourceFailure;
      return answer;
    },
  };
}
