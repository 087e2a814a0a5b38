// A per-user limit on expensive commands: at most N per sliding minute, with separate budgets for
// the heaviest commands (backtests), for evaluations priced from the option chain, and for /link
// (each code typed costs a slow scrypt hash: docs/decisions.md, "Link codes under a flood"). Returns the
// seconds to wait, so the reply can say "try again in N s".
import type { AnyCommand } from './command.ts';
import type { Clock } from './ports.ts';

export interface LimiterBudgets {
  /** Backtests and other `expensive: true` commands per user per minute. */
  heavyPerMinute: number;
  /** Chain-priced evaluations (`expensive: 'chain'`) per user per minute. */
  chainPerMinute: number;
  /** /link calls (`expensive: 'link'`) per user per minute (default LINK_PER_MINUTE). */
  linkPerMinute?: number;
}

/** Enough to get a code, mistype it twice and get it right; far too few to guess. */
export const LINK_PER_MINUTE = 6;

export function createLimiter(budgets: LimiterBudgets, clock: Clock): (userId: string, command: AnyCommand) => number {
  const windowMs = 60_000;
  const recent = new Map<string, number[]>();
  return (userId, command) => {
    const kind = command.expensive === 'chain' || command.expensive === 'link' ? command.expensive : 'heavy';
    const limit = {
      heavy: budgets.heavyPerMinute,
      chain: budgets.chainPerMinute,
      link: budgets.linkPerMinute ?? LINK_PER_MINUTE,
    }[kind];
    const key = `${kind}:${userId}`;
    const now = clock.now();
    const times = (recent.get(key) ?? []).filter((t) => now - t < windowMs);
    if (times.length >= limit) {
      recent.set(key, times);
      return (times[0]! + windowMs - now) / 1000;
    }
    times.push(now);
    recent.set(key, times);
    return 0;
  };
}
