// A per-user limit on expensive commands (backtests, chain-priced evaluations): at most N per
// sliding minute. Returns the seconds to wait, so the reply can say "try again in N s".
import type { AnyCommand } from './command.ts';
import type { Clock } from './ports.ts';

export function createLimiter(perMinute: number, clock: Clock): (userId: string, command: AnyCommand) => number {
  const windowMs = 60_000;
  const recent = new Map<string, number[]>();
  return (userId) => {
    const now = clock.now();
    const times = (recent.get(userId) ?? []).filter((t) => now - t < windowMs);
    if (times.length >= perMinute) {
      recent.set(userId, times);
      return (times[0]! + windowMs - now) / 1000;
    }
    times.push(now);
    recent.set(userId, times);
    return 0;
  };
}
