// Refused requests (a webhook without its secret, an interaction without a valid signature) are
// logged at a bounded rate: one line per minute with the count, so a flood cannot fill the disk.
import type { Logger } from './ports.ts';

const REFUSED_LOG_INTERVAL_MS = 60_000;

/** One warning per interval for refused requests, carrying how many were refused since the last one. */
export function boundedRefusalLog(
  logger: Logger,
  now: () => number,
  message: string,
): (remote: string | undefined, reason?: string) => void {
  let lastMs = -Infinity;
  let suppressed = 0;
  return (remote, reason) => {
    const at = now();
    if (at - lastMs < REFUSED_LOG_INTERVAL_MS) {
      suppressed++;
      return;
    }
    logger.warn({ remote, ...(reason ? { reason } : {}), refusedSinceLastLine: suppressed + 1 }, message);
    lastMs = at;
    suppressed = 0;
  };
}
