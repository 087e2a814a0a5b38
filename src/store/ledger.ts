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
import type { Database } from 'better-sqlite3';
import { nonceFor, processOwner } from '../app/delivery.ts';
import type { Delivery, DeliveryKey, DeliveryKind, DeliveryLedger, DeliveryState } from '../app/ports.ts';

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

export function createLedger(db: Database, owner = processOwner()): DeliveryLedger {
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
  const ensureAll = db.transaction((keys: readonly DeliveryKey[]) =>
    keys.map((key) => {
      insert.run(key.subscriptionId, key.tradingDay, key.kind, nonceFor(key.subscriptionId, key.tradingDay, key.kind));
      return toDelivery(select.get(key.subscriptionId, key.tradingDay, key.kind) as Row);
    }),
  );
  // Each method runs its statements synchronously (better-sqlite3); `async` only fits them to the port.
  return {
    owner,
    async ensure(subscriptionId, tradingDay, kind) {
      insert.run(subscriptionId, tradingDay, kind, nonceFor(subscriptionId, tradingDay, kind));
      return toDelivery(select.get(subscriptionId, tradingDay, kind) as Row);
    },
    ensureAll: async (keys) => ensureAll(keys),
    async get(subscriptionId, tradingDay, kind) {
      const row = select.get(subscriptionId, tradingDay, kind) as Row | undefined;
      return row ? toDelivery(row) : null;
    },
    claim: async (subscriptionId, tradingDay, kind, nowMs) =>
      claimTx.immediate({ subscriptionId, tradingDay, kind }, nowMs),
    async markSent(key, messageId, nowMs) {
      sent.run(nowMs, messageId, ...args(key), owner);
    },
    touch: async (key, nowMs) => touch.run(nowMs, ...args(key), owner).changes === 1,
    async release(key, error) {
      release.run(error.slice(0, 500), ...args(key), owner);
    },
    async markFailed(key, error) {
      failed.run(error.slice(0, 500), ...args(key));
    },
    async markSkipped(key, reason) {
      skipped.run(reason.slice(0, 500), ...args(key));
    },
    inFlight: async (fromDay, toDay) => (inFlight.all(fromDay, toDay, owner) as Row[]).map(toDelivery),
    reclaim: async (key, nowMs, staleMs, goneOwner = null) =>
      reclaim.run(owner, nowMs, ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    abandon: async (key, nowMs, staleMs, reason, goneOwner = null) =>
      abandon.run(reason.slice(0, 500), ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    forDay: async (tradingDay) => (forDay.all(tradingDay) as Row[]).map(toDelivery),
    claimDiscussion: async (key, tradingDay, nowMs) =>
      claimDiscussion.run(key.platform, key.chatId, key.positionId, key.layer, tradingDay, nowMs).changes === 1,
    async recordDiscussion(key, messageId) {
      (key.platform === 'discord' ? recordThread : recordPoll).run(
        messageId,
        key.platform,
        key.chatId,
        key.positionId,
        key.layer,
      );
    },
    async counts(tradingDay) {
      const out: Record<DeliveryState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const row of counts.all(tradingDay) as { state: DeliveryState; n: number }[]) out[row.state] = row.n;
      return out;
    },
  };
}
