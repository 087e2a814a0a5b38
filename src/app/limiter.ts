// A per-user limit on expensive commands: at most N per sliding minute, with separate budgets for
// the heaviest commands (backtests) and for evaluations priced from the option chain. Returns the
// seconds to wait, so the reply can say "try again in N s".
import type { AnyCommand } from './command.ts';
import type { Clock } from './ports.ts';

export interface LimiterBudgets {
  /** Backtests and other `expensive: true` commands per user per minute. */
  heavyPerMinute: number;
  /** Chain-priced evaluations (`expensive: 'chain'`) per user per minute. */
  chainPerMinute: number;
}

export function createLimiter(budgets: LimiterBudgets, clock: Clock): (userId: string, command: AnyCommand) => number {
  const windowMs = 60_000;
  const recent = new Map<string, number[]>();
  return (userId, command) => {
    const kind = command.expensive === 'chain' ? 'chain' : 'heavy';
    const limit = kind === 'chain' ? budgets.chainPerMinute : budgets.heavyPerMinute;
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
