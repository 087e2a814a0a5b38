// Daily-summary subscriptions on PostgreSQL (src/store/subscriptions.ts is the SQLite twin and
// holds the rules: identity, time format, row mapping). remove() deactivates rather than deletes.
import type { Clock } from '../../app/ports.ts';
import {
  checkSubscriptionTime,
  REMOVED_REASON,
  SUBSCRIPTION_COLUMNS as COLUMNS,
  subscriptionIdentity,
  toSubscription,
  type SubscriptionRow,
} from '../subscriptions.ts';
import { isUniqueViolation, type Pool } from './database.ts';
import type { SubscriptionRepository } from '../../app/ports.ts';

const IDENTITY = "kind = $1 AND platform = $2 AND chat_id = $3 AND coalesce(user_id, '') = coalesce($4, '')";

const SQL = {
  upsert: `INSERT INTO subscriptions (kind, platform, chat_id, user_id, time, active, created_ms)
      VALUES ($1, $2, $3, $4, $5, 1, $6)
      ON CONFLICT (kind, platform, chat_id, (coalesce(user_id, ''))) DO UPDATE SET
        time = excluded.time, active = 1, deactivated_reason = NULL, deactivated_ms = NULL
      RETURNING ${COLUMNS}`,
  remove: `UPDATE subscriptions SET active = 0, deactivated_reason = '${REMOVED_REASON}', deactivated_ms = $5
      WHERE ${IDENTITY} AND active = 1`,
  forChat: `SELECT ${COLUMNS} FROM subscriptions WHERE platform = $1 AND chat_id = $2 ORDER BY id`,
  active: `SELECT ${COLUMNS} FROM subscriptions WHERE active = 1 ORDER BY id`,
  deactivate:
    'UPDATE subscriptions SET active = 0, deactivated_reason = $1, deactivated_ms = $2 WHERE id = $3 AND active = 1',
  moveChat: 'UPDATE subscriptions SET chat_id = $1 WHERE id = $2',
};

const identityArgs = (input: Parameters<typeof subscriptionIdentity>[0]) => {
  const id = subscriptionIdentity(input);
  return [id.kind, id.platform, id.chatId, id.userId];
};

export function createPostgresSubscriptionRepository(pool: Pool, clock: Clock): SubscriptionRepository {
  return {
    async upsert(input) {
      checkSubscriptionTime(input.time);
      const { rows } = await pool.query<SubscriptionRow>(SQL.upsert, [...identityArgs(input), input.time, input.nowMs]);
      return toSubscription(rows[0]!);
    },
    async remove(input) {
      return ((await pool.query(SQL.remove, [...identityArgs(input), clock.now()])).rowCount ?? 0) > 0;
    },
    async forChat(platform, chatId) {
      return (await pool.query<SubscriptionRow>(SQL.forChat, [platform, chatId])).rows.map(toSubscription);
    },
    async active() {
      return (await pool.query<SubscriptionRow>(SQL.active)).rows.map(toSubscription);
    },
    async deactivate(id, reason, nowMs) {
      await pool.query(SQL.deactivate, [reason, nowMs, id]);
    },
    async moveChat(id, chatId, nowMs) {
      try {
        await pool.query(SQL.moveChat, [chatId, id]);
      } catch (error) {
        // The new chat already has the same subscription: keep that one, retire this one.
        if (!isUniqueViolation(error)) throw error;
        await pool.query(SQL.deactivate, [`moved to chat ${chatId}, which was already subscribed`, nowMs, id]);
      }
    },
  };
}
