// The delivery ledger on PostgreSQL (src/store/ledger.ts explains the states and why every
// change after the claim is conditional). The claim is ONE conditional statement,
//   UPDATE deliveries SET state = 'sending' ... WHERE <key> AND state = 'pending' RETURNING ...
// Under READ COMMITTED, a second worker's UPDATE on the same row waits for the first to commit,
// then re-checks `state = 'pending'` on the new row version, finds 'sending' and changes nothing:
// each row is claimed by exactly one worker, without a table lock or a retry loop.
import type { DeliveryKey, DeliveryKind, DeliveryLedger, DeliveryState } from '../../app/ports.ts';
import { nonceFor, processOwner } from '../../app/delivery.ts';
import { toDelivery, type DeliveryRow } from '../ledger-rows.ts';
import type { Pool } from './database.ts';
import { inTransaction } from './transaction.ts';

// One delivery row (its primary key), and one hedge discussion (parameters from $2: $1 is the value set).
const KEY = 'subscription_id = $1 AND trading_day = $2 AND kind = $3';
const DISCUSSION = 'platform = $2 AND chat_id = $3 AND position_id = $4 AND layer = $5';

const SQL = {
  insert: `INSERT INTO deliveries (subscription_id, trading_day, kind, state, nonce) VALUES ($1, $2, $3, 'pending', $4)
      ON CONFLICT DO NOTHING`,
  insertMany: `INSERT INTO deliveries (subscription_id, trading_day, kind, state, nonce)
      SELECT s, d, k, 'pending', n FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS keys (s, d, k, n)
      ON CONFLICT DO NOTHING`,
  select: `SELECT * FROM deliveries WHERE ${KEY}`,
  selectMany: `SELECT deliveries.* FROM deliveries
      JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS keys (s, d, k)
        ON subscription_id = keys.s AND trading_day = keys.d AND kind = keys.k`,
  claim: `UPDATE deliveries SET state = 'sending', claimed_by = $4, claimed_ms = $5, attempts = attempts + 1
      WHERE ${KEY} AND state = 'pending' RETURNING subscription_id`,
  sent: `UPDATE deliveries SET state = 'sent', sent_ms = $4, platform_message_id = $5, error = NULL
      WHERE ${KEY} AND state = 'sending' AND claimed_by = $6`,
  release: `UPDATE deliveries SET state = 'pending', error = $4, claimed_by = NULL
      WHERE ${KEY} AND state = 'sending' AND claimed_by = $5`,
  failed: `UPDATE deliveries SET state = 'failed', error = $4 WHERE ${KEY} AND state IN ('pending', 'sending')`,
  skipped: `UPDATE deliveries SET state = 'skipped', error = $4 WHERE ${KEY} AND state IN ('pending', 'sending')`,
  touch: `UPDATE deliveries SET claimed_ms = $4 WHERE ${KEY} AND state = 'sending' AND claimed_by = $5`,
  inFlight: `SELECT * FROM deliveries WHERE trading_day BETWEEN $1 AND $2 AND state = 'sending'
      AND (claimed_by IS NULL OR claimed_by <> $3) ORDER BY trading_day, subscription_id, kind`,
  reclaim: `UPDATE deliveries SET claimed_by = $4, claimed_ms = $5
      WHERE ${KEY} AND state = 'sending' AND (claimed_ms <= $6 OR claimed_by = $7)`,
  abandon: `UPDATE deliveries SET state = 'skipped', error = $4
      WHERE ${KEY} AND state = 'sending' AND (claimed_ms <= $5 OR claimed_by = $6)`,
  forDay: 'SELECT * FROM deliveries WHERE trading_day = $1 ORDER BY subscription_id, kind',
  counts: 'SELECT state, count(*)::int AS n FROM deliveries WHERE trading_day = $1 GROUP BY state',
  claimDiscussion: `INSERT INTO hedge_discussions (platform, chat_id, position_id, layer, trading_day, created_ms)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
  recordThread: `UPDATE hedge_discussions SET thread_id = $1 WHERE ${DISCUSSION}`,
  recordPoll: `UPDATE hedge_discussions SET poll_id = $1 WHERE ${DISCUSSION}`,
};

const args = (key: DeliveryKey) => [key.subscriptionId, key.tradingDay, key.kind];
const changed = (result: { rowCount: number | null }) => result.rowCount === 1;

export function createPostgresLedger(pool: Pool, owner = processOwner()): DeliveryLedger {
  const get = async (subscriptionId: number, tradingDay: string, kind: DeliveryKind) => {
    const row = (await pool.query<DeliveryRow>(SQL.select, [subscriptionId, tradingDay, kind])).rows[0];
    return row ? toDelivery(row) : null;
  };
  return {
    owner,
    async ensure(subscriptionId, tradingDay, kind) {
      await pool.query(SQL.insert, [subscriptionId, tradingDay, kind, nonceFor(subscriptionId, tradingDay, kind)]);
      return (await get(subscriptionId, tradingDay, kind))!;
    },
    // One statement for a whole fan-out (unnest of the key columns), then one read back in key order.
    ensureAll: (keys) =>
      inTransaction(pool, async (client) => {
        const columns = [
          keys.map((key) => key.subscriptionId),
          keys.map((key) => key.tradingDay),
          keys.map((key) => key.kind),
        ];
        const nonces = keys.map((key) => nonceFor(key.subscriptionId, key.tradingDay, key.kind));
        await client.query(SQL.insertMany, [...columns, nonces]);
        const rows = (await client.query<DeliveryRow>(SQL.selectMany, columns)).rows;
        const byKey = new Map(rows.map((row) => [`${row.subscription_id}|${row.trading_day}|${row.kind}`, row]));
        return keys.map((key) => toDelivery(byKey.get(`${key.subscriptionId}|${key.tradingDay}|${key.kind}`)!));
      }),
    get,
    async claim(subscriptionId, tradingDay, kind, nowMs) {
      return changed(await pool.query(SQL.claim, [subscriptionId, tradingDay, kind, owner, nowMs]));
    },
    async markSent(key, messageId, nowMs) {
      await pool.query(SQL.sent, [...args(key), nowMs, messageId, owner]);
    },
    async touch(key, nowMs) {
      return changed(await pool.query(SQL.touch, [...args(key), nowMs, owner]));
    },
    async release(key, error) {
      await pool.query(SQL.release, [...args(key), error.slice(0, 500), owner]);
    },
    async markFailed(key, error) {
      await pool.query(SQL.failed, [...args(key), error.slice(0, 500)]);
    },
    async markSkipped(key, reason) {
      await pool.query(SQL.skipped, [...args(key), reason.slice(0, 500)]);
    },
    async inFlight(fromDay, toDay) {
      return (await pool.query<DeliveryRow>(SQL.inFlight, [fromDay, toDay, owner])).rows.map(toDelivery);
    },
    async reclaim(key, nowMs, staleMs, goneOwner = null) {
      return changed(await pool.query(SQL.reclaim, [...args(key), owner, nowMs, nowMs - staleMs, goneOwner]));
    },
    async abandon(key, nowMs, staleMs, reason, goneOwner = null) {
      return changed(await pool.query(SQL.abandon, [...args(key), reason.slice(0, 500), nowMs - staleMs, goneOwner]));
    },
    async forDay(tradingDay) {
      return (await pool.query<DeliveryRow>(SQL.forDay, [tradingDay])).rows.map(toDelivery);
    },
    async counts(tradingDay) {
      const out: Record<DeliveryState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const row of (await pool.query<{ state: DeliveryState; n: number }>(SQL.counts, [tradingDay])).rows) {
        out[row.state] = row.n;
      }
      return out;
    },
    async claimDiscussion(key, tradingDay, nowMs) {
      return changed(
        await pool.query(SQL.claimDiscussion, [key.platform, key.chatId, key.positionId, key.layer, tradingDay, nowMs]),
      );
    },
    async recordDiscussion(key, messageId) {
      await pool.query(key.platform === 'discord' ? SQL.recordThread : SQL.recordPoll, [
        messageId,
        key.platform,
        key.chatId,
        key.positionId,
        key.layer,
      ]);
    },
  };
}
