// The delivery ledger: one row per (subscription, trading day, kind), moving
//   pending → sending → sent | failed | skipped.
// A row is claimed (pending → sending) by a single UPDATE inside a transaction, so two processes
// on one database never both send it. The planner claims a row only once the pacer has granted
// its send a slot, and releases it (back to pending) while it waits out a 429 or a backoff, so a
// row is `sending` only while its request is about to go out or on the wire. A row found in `sending` after a crash is resolved by the
// platform's idempotency where it has one (Discord: the same nonce with enforce_nonce returns the
// first message) and otherwise counted and logged as ambiguous and skipped — never resent blindly.
// Every state change after the claim is conditional on the row still being ours (or still stale),
// so a process that lost its claim, or two processes resolving one crash, cannot overwrite each
// other. hedge_discussions is claimed the same way: one discussion per layer, ever.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from 'better-sqlite3';

export type DeliveryKind = 'morning' | 'review';
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface Delivery {
  subscriptionId: number;
  tradingDay: string;
  kind: DeliveryKind;
  state: DeliveryState;
  attempts: number;
  claimedBy: string | null;
  claimedMs: number | null;
  sentMs: number | null;
  platformMessageId: string | null;
  nonce: string;
  error: string | null;
}

interface Row {
  subscription_id: number;
  trading_day: string;
  kind: DeliveryKind;
  state: DeliveryState;
  attempts: number;
  claimed_by: string | null;
  claimed_ms: number | null;
  sent_ms: number | null;
  platform_message_id: string | null;
  nonce: string | null;
  error: string | null;
}

const toDelivery = (row: Row): Delivery => ({
  subscriptionId: row.subscription_id,
  tradingDay: row.trading_day,
  kind: row.kind,
  state: row.state,
  attempts: row.attempts,
  claimedBy: row.claimed_by,
  claimedMs: row.claimed_ms,
  sentMs: row.sent_ms,
  platformMessageId: row.platform_message_id,
  nonce: row.nonce ?? '',
  error: row.error,
});

/** A Discord nonce is at most 25 characters; derived from the key so a retry reuses it. */
export function nonceFor(subscriptionId: number, tradingDay: string, kind: DeliveryKind): string {
  return `cx${subscriptionId.toString(36)}${tradingDay.replace(/-/g, '').slice(2)}${kind[0]}`.slice(0, 25);
}

export interface Ledger {
  /** Identifies this process in claimed_by. */
  readonly owner: string;
  /** Creates the pending row if missing; returns the row. */
  ensure(subscriptionId: number, tradingDay: string, kind: DeliveryKind): Delivery;
  /** ensure() for many keys in one transaction (one commit for a whole fan-out, not one per row). */
  ensureAll(keys: readonly DeliveryKey[]): Delivery[];
  get(subscriptionId: number, tradingDay: string, kind: DeliveryKind): Delivery | null;
  /** pending → sending for this owner; false when another process (or an earlier run) has it. */
  claim(subscriptionId: number, tradingDay: string, kind: DeliveryKind, nowMs: number): boolean;
  markSent(key: DeliveryKey, messageId: string | null, nowMs: number): void;
  /**
   * Refreshes this owner's claim before another attempt (a long 429 wait must not look like a
   * crash to another process); false when the row is no longer ours (another process resolved it
   * as stale), and then the caller must not send.
   */
  touch(key: DeliveryKey, nowMs: number): boolean;
  /** Back to pending after a transient failure (attempts + 1). */
  release(key: DeliveryKey, error: string): void;
  markFailed(key: DeliveryKey, error: string): void;
  markSkipped(key: DeliveryKey, reason: string): void;
  /** Rows of the trading days fromDay..toDay left in `sending` by another owner (a crashed or running process). */
  inFlight(fromDay: string, toDay: string): Delivery[];
  /**
   * Takes over a `sending` row whose claim is older than staleMs, or held by goneOwner (a process
   * known to be dead, see claimantIsGone), as the owner is gone.
   */
  reclaim(key: DeliveryKey, nowMs: number, staleMs: number, goneOwner?: string | null): boolean;
  /**
   * Settles a `sending` row whose claim is older than staleMs (or held by goneOwner) as skipped
   * (ambiguous), in one statement: false when it is no longer stale or no longer sending (another
   * process got there).
   */
  abandon(key: DeliveryKey, nowMs: number, staleMs: number, reason: string, goneOwner?: string | null): boolean;
  forDay(tradingDay: string): Delivery[];
  counts(tradingDay: string): Record<DeliveryState, number>;
  /**
   * Claims the one hedge discussion of a position's layer in a chat (hedge_discussions): true for
   * the first caller ever, false when it was opened (or attempted) before, by any process.
   */
  claimDiscussion(key: DiscussionKey, tradingDay: string, nowMs: number): boolean;
  /** Records the opened thread (Discord) or poll (Telegram) message id. */
  recordDiscussion(key: DiscussionKey, messageId: string): void;
}

export interface DiscussionKey {
  platform: string;
  chatId: string;
  positionId: string;
  layer: number;
}

export type DeliveryKey = Pick<Delivery, 'subscriptionId' | 'tradingDay' | 'kind'>;

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

export function createLedger(db: Database, owner = processOwner()): Ledger {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO deliveries (subscription_id, trading_day, kind, state, nonce) VALUES (?, ?, ?, 'pending', ?)",
  );
  const select = db.prepare('SELECT * FROM deliveries WHERE subscription_id = ? AND trading_day = ? AND kind = ?');
  const claim = db.prepare(
    "UPDATE deliveries SET state = 'sending', claimed_by = ?, claimed_ms = ?, attempts = attempts + 1 WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'pending'",
  );
  const sent = db.prepare(
    "UPDATE deliveries SET state = 'sent', sent_ms = ?, platform_message_id = ?, error = NULL WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'sending' AND claimed_by = ?",
  );
  const release = db.prepare(
    "UPDATE deliveries SET state = 'pending', error = ?, claimed_by = NULL WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'sending' AND claimed_by = ?",
  );
  const failed = db.prepare(
    "UPDATE deliveries SET state = 'failed', error = ? WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state IN ('pending', 'sending')",
  );
  const skipped = db.prepare(
    "UPDATE deliveries SET state = 'skipped', error = ? WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state IN ('pending', 'sending')",
  );
  const touch = db.prepare(
    "UPDATE deliveries SET claimed_ms = ? WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'sending' AND claimed_by = ?",
  );
  const inFlight = db.prepare(
    "SELECT * FROM deliveries WHERE trading_day BETWEEN ? AND ? AND state = 'sending' AND (claimed_by IS NULL OR claimed_by <> ?) ORDER BY trading_day, subscription_id, kind",
  );
  const reclaim = db.prepare(
    "UPDATE deliveries SET claimed_by = ?, claimed_ms = ? WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'sending' AND (claimed_ms <= ? OR claimed_by = ?)",
  );
  const abandon = db.prepare(
    "UPDATE deliveries SET state = 'skipped', error = ? WHERE subscription_id = ? AND trading_day = ? AND kind = ? AND state = 'sending' AND (claimed_ms <= ? OR claimed_by = ?)",
  );
  const forDay = db.prepare('SELECT * FROM deliveries WHERE trading_day = ? ORDER BY subscription_id, kind');
  const counts = db.prepare('SELECT state, count(*) AS n FROM deliveries WHERE trading_day = ? GROUP BY state');
  const claimDiscussion = db.prepare(
    'INSERT OR IGNORE INTO hedge_discussions (platform, chat_id, position_id, layer, trading_day, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const recordThread = db.prepare(
    'UPDATE hedge_discussions SET thread_id = ? WHERE platform = ? AND chat_id = ? AND position_id = ? AND layer = ?',
  );
  const recordPoll = db.prepare(
    'UPDATE hedge_discussions SET poll_id = ? WHERE platform = ? AND chat_id = ? AND position_id = ? AND layer = ?',
  );
  const claimTx = db.transaction(
    (key: DeliveryKey, nowMs: number) =>
      claim.run(owner, nowMs, key.subscriptionId, key.tradingDay, key.kind).changes === 1,
  );
  const args = (key: DeliveryKey) => [key.subscriptionId, key.tradingDay, key.kind] as const;
  return {
    owner,
    ensure(subscriptionId, tradingDay, kind) {
      insert.run(subscriptionId, tradingDay, kind, nonceFor(subscriptionId, tradingDay, kind));
      return toDelivery(select.get(subscriptionId, tradingDay, kind) as Row);
    },
    ensureAll: db.transaction((keys: readonly DeliveryKey[]) =>
      keys.map((key) => {
        insert.run(
          key.subscriptionId,
          key.tradingDay,
          key.kind,
          nonceFor(key.subscriptionId, key.tradingDay, key.kind),
        );
        return toDelivery(select.get(key.subscriptionId, key.tradingDay, key.kind) as Row);
      }),
    ),
    get(subscriptionId, tradingDay, kind) {
      const row = select.get(subscriptionId, tradingDay, kind) as Row | undefined;
      return row ? toDelivery(row) : null;
    },
    claim: (subscriptionId, tradingDay, kind, nowMs) => claimTx.immediate({ subscriptionId, tradingDay, kind }, nowMs),
    markSent(key, messageId, nowMs) {
      sent.run(nowMs, messageId, ...args(key), owner);
    },
    touch: (key, nowMs) => touch.run(nowMs, ...args(key), owner).changes === 1,
    release(key, error) {
      release.run(error.slice(0, 500), ...args(key), owner);
    },
    markFailed(key, error) {
      failed.run(error.slice(0, 500), ...args(key));
    },
    markSkipped(key, reason) {
      skipped.run(reason.slice(0, 500), ...args(key));
    },
    inFlight: (fromDay, toDay) => (inFlight.all(fromDay, toDay, owner) as Row[]).map(toDelivery),
    reclaim: (key, nowMs, staleMs, goneOwner = null) =>
      reclaim.run(owner, nowMs, ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    abandon: (key, nowMs, staleMs, reason, goneOwner = null) =>
      abandon.run(reason.slice(0, 500), ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    forDay: (tradingDay) => (forDay.all(tradingDay) as Row[]).map(toDelivery),
    claimDiscussion: (key, tradingDay, nowMs) =>
      claimDiscussion.run(key.platform, key.chatId, key.positionId, key.layer, tradingDay, nowMs).changes === 1,
    recordDiscussion(key, messageId) {
      (key.platform === 'discord' ? recordThread : recordPoll).run(
        messageId,
        key.platform,
        key.chatId,
        key.positionId,
        key.layer,
      );
    },
    counts(tradingDay) {
      const out: Record<DeliveryState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const row of counts.all(tradingDay) as { state: DeliveryState; n: number }[]) out[row.state] = row.n;
      return out;
    },
  };
}
