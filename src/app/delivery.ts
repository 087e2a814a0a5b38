// Who holds a delivery claim, and the nonce of a delivery: rules the ledger (src/store) and the
// scheduler share, kept apart from storage so every store engine uses the same ones.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { DeliveryKind } from './ports.ts';

/** A Discord nonce is at most 25 characters; derived from the key so a retry reuses it. */
export function nonceFor(subscriptionId: number, tradingDay: string, kind: DeliveryKind): string {
  return `cx${subscriptionId.toString(36)}${tradingDay.replace(/-/g, '').slice(2)}${kind[0]}`.slice(0, 25);
}

/**
 * A claim's owner names its host and process (`host:pid:random`), so that a restart on the same
 * host can tell at once that the process holding a claim is dead, instead of waiting out the
 * stale window while the rows it never sent wait too.
 */
export function processOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * True only when the owner is a process of this host that no longer exists. Any doubt (another
 * host, an owner in another format, a process we may not signal, our own pid reused) is "alive":
 * the stale window then decides, as before.
 */
export function claimantIsGone(owner: string | null): boolean {
  if (!owner) return false;
  const parts = owner.split(':');
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join(':');
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
