// The delivery ledger: one row per (subscription, trading day, kind), moving
//   pending → sending → sent | failed | skipped.
// A row is claimed (pending → sending) by a single UPDATE inside a transaction, so two processes
// on one database never both send it. The planner claims a row only once the pacer has granted
// its send a slot, and releases it (back to pending) while it waits out a 429 or a backoff, so a
// row is `sending` only while its request is about to go out or on the wire. A row found in
// `sending` after a crash is resolved by the platform's idempotency where it has one (Discord: the
// same nonce with enforce_nonce returns the first message) and otherwise counted and logged as
// ambiguous and skipped — never resent blindly.
// Every state change after the claim is conditional on the row still being ours (or still stale),
// so a process that lost its claim, or two processes resolving one crash, cannot overwrite each
// other. hedge_discussions is claimed the same way: one discussion per layer, ever.
import type { Database } from 'better-sqlite3';
import { nonceFor, processOwner } from '../app/delivery.ts';
import type { DeliveryKey, DeliveryLedger, DeliveryState } from '../app/ports.ts';
import { toDelivery, type DeliveryRow } from './ledger-rows.ts';

// One delivery row (its primary key), and one hedge discussion (a layer of a position in a chat).
const KEY = 'subscription_id = ? AND trading_day = ? AND kind = ?';
const DISCUSSION = 'platform = ? AND chat_id = ? AND position_id = ? AND layer = ?';

const SQL = {
  insert: `INSERT OR IGNORE INTO deliveries (subscription_id, trading_day, kind, state, nonce)
      VALUES (?, ?, ?, 'pending', ?)`,
  select: `SELECT * FROM deliveries WHERE ${KEY}`,
  claim: `UPDATE deliveries SET state = 'sending', claimed_by = ?, claimed_ms = ?, attempts = attempts + 1
      WHERE ${KEY} AND state = 'pending'`,
  sent: `UPDATE deliveries SET state = 'sent', sent_ms = ?, platform_message_id = ?, error = NULL
      WHERE ${KEY} AND state = 'sending' AND claimed_by = ?`,
  release: `UPDATE deliveries SET state = 'pending', error = ?, claimed_by = NULL
      WHERE ${KEY} AND state = 'sending' AND claimed_by = ?`,
  failed: `UPDATE deliveries SET state = 'failed', error = ? WHERE ${KEY} AND state IN ('pending', 'sending')`,
  skipped: `UPDATE deliveries SET state = 'skipped', error = ? WHERE ${KEY} AND state IN ('pending', 'sending')`,
  touch: `UPDATE deliveries SET claimed_ms = ? WHERE ${KEY} AND state = 'sending' AND claimed_by = ?`,
  inFlight: `SELECT * FROM deliveries WHERE trading_day BETWEEN ? AND ? AND state = 'sending'
      AND (claimed_by IS NULL OR claimed_by <> ?) ORDER BY trading_day, subscription_id, kind`,
  reclaim: `UPDATE deliveries SET claimed_by = ?, claimed_ms = ?
      WHERE ${KEY} AND state = 'sending' AND (claimed_ms <= ? OR claimed_by = ?)`,
  abandon: `UPDATE deliveries SET state = 'skipped', error = ?
      WHERE ${KEY} AND state = 'sending' AND (claimed_ms <= ? OR claimed_by = ?)`,
  forDay: 'SELECT * FROM deliveries WHERE trading_day = ? ORDER BY subscription_id, kind',
  counts: 'SELECT state, count(*) AS n FROM deliveries WHERE trading_day = ? GROUP BY state',
  claimDiscussion: `INSERT OR IGNORE INTO hedge_discussions
      (platform, chat_id, position_id, layer, trading_day, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
  recordThread: `UPDATE hedge_discussions SET thread_id = ? WHERE ${DISCUSSION}`,
  recordPoll: `UPDATE hedge_discussions SET poll_id = ? WHERE ${DISCUSSION}`,
};

export function createLedger(db: Database, owner = processOwner()): DeliveryLedger {
  const insert = db.prepare(SQL.insert);
  const select = db.prepare(SQL.select);
  const claim = db.prepare(SQL.claim);
  const sent = db.prepare(SQL.sent);
  const release = db.prepare(SQL.release);
  const failed = db.prepare(SQL.failed);
  const skipped = db.prepare(SQL.skipped);
  const touch = db.prepare(SQL.touch);
  const inFlight = db.prepare(SQL.inFlight);
  const reclaim = db.prepare(SQL.reclaim);
  const abandon = db.prepare(SQL.abandon);
  const forDay = db.prepare(SQL.forDay);
  const counts = db.prepare(SQL.counts);
  const claimDiscussion = db.prepare(SQL.claimDiscussion);
  const recordThread = db.prepare(SQL.recordThread);
  const recordPoll = db.prepare(SQL.recordPoll);
  const claimTx = db.transaction(
    (key: DeliveryKey, nowMs: number) =>
      claim.run(owner, nowMs, key.subscriptionId, key.tradingDay, key.kind).changes === 1,
  );
  const args = (key: DeliveryKey) => [key.subscriptionId, key.tradingDay, key.kind] as const;
  const ensureAll = db.transaction((keys: readonly DeliveryKey[]) =>
    keys.map((key) => {
      insert.run(key.subscriptionId, key.tradingDay, key.kind, nonceFor(key.subscriptionId, key.tradingDay, key.kind));
      return toDelivery(select.get(key.subscriptionId, key.tradingDay, key.kind) as DeliveryRow);
    }),
  );
  // Each method runs its statements synchronously (better-sqlite3); `async` only fits them to the port.
  return {
    owner,
    async ensure(subscriptionId, tradingDay, kind) {
      insert.run(subscriptionId, tradingDay, kind, nonceFor(subscriptionId, tradingDay, kind));
      return toDelivery(select.get(subscriptionId, tradingDay, kind) as DeliveryRow);
    },
    ensureAll: async (keys) => ensureAll(keys),
    async get(subscriptionId, tradingDay, kind) {
      const row = select.get(subscriptionId, tradingDay, kind) as DeliveryRow | undefined;
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
    inFlight: async (fromDay, toDay) => (inFlight.all(fromDay, toDay, owner) as DeliveryRow[]).map(toDelivery),
    reclaim: async (key, nowMs, staleMs, goneOwner = null) =>
      reclaim.run(owner, nowMs, ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    abandon: async (key, nowMs, staleMs, reason, goneOwner = null) =>
      abandon.run(reason.slice(0, 500), ...args(key), nowMs - staleMs, goneOwner).changes === 1,
    forDay: async (tradingDay) => (forDay.all(tradingDay) as DeliveryRow[]).map(toDelivery),
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
