// Daily-summary subscriptions. A channel subscription has no user (NULL); the unique index uses
// coalesce(user_id, '') because SQLite's UNIQUE treats NULLs as distinct.
//
// remove() deactivates rather than deletes: the row keeps its id, so the delivery ledger still
// knows what went out today, and subscribing again the same day does not send a second summary.
import type { Database } from 'better-sqlite3';
import { UserError } from '../app/errors.ts';
import type { Clock, Platform, Subscription, SubscriptionKind, SubscriptionRepository } from '../app/ports.ts';

export interface SubscriptionRow {
  id: number;
  kind: SubscriptionKind;
  platform: Platform;
  chat_id: string;
  user_id: string | null;
  time: string;
  active: 0 | 1;
  deactivated_reason: string | null;
  created_ms: number;
}

export const toSubscription = (row: SubscriptionRow): Subscription => ({
  id: row.id,
  kind: row.kind,
  platform: row.platform,
  chatId: row.chat_id,
  userId: row.user_id,
  time: row.time,
  active: row.active === 1,
  deactivatedReason: row.deactivated_reason,
  createdMs: row.created_ms,
});

export const SUBSCRIPTION_COLUMNS =
  'id, kind, platform, chat_id, user_id, time, active, deactivated_reason, created_ms';
const IDENTITY =
  "kind = @kind AND platform = @platform AND chat_id = @chatId AND coalesce(user_id, '') = coalesce(@userId, '')";
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const REMOVED_REASON = 'unsubscribed';

type IdentityInput = { kind: SubscriptionKind; platform: Platform; chatId: string; userId: string | null };

/** What names a subscription; a channel subscription belongs to the chat, not to the admin who made it. */
export function subscriptionIdentity(input: IdentityInput): IdentityInput {
  if (input.kind === 'personal' && !input.userId) throw new Error('A personal subscription needs a user');
  return {
    kind: input.kind,
    platform: input.platform,
    chatId: input.chatId,
    userId: input.kind === 'channel' ? null : input.userId,
  };
}

export function checkSubscriptionTime(time: string): void {
  if (!TIME.test(time)) {
    throw new UserError(
      'subscription-time',
      `time must be HH:MM in New York time, e.g. time=09:45 (got ${JSON.stringify(time)}).`,
    );
  }
}

export function createSubscriptionRepository(db: Database, clock: Clock): SubscriptionRepository {
  const s = {
    upsert: db.prepare(`INSERT INTO subscriptions (kind, platform, chat_id, user_id, time, active, created_ms)
      VALUES (@kind, @platform, @chatId, @userId, @time, 1, @nowMs)
      ON CONFLICT (kind, platform, chat_id, coalesce(user_id, '')) DO UPDATE SET
        time = excluded.time, active = 1, deactivated_reason = NULL, deactivated_ms = NULL
      RETURNING ${SUBSCRIPTION_COLUMNS}`),
    remove:
      db.prepare(`UPDATE subscriptions SET active = 0, deactivated_reason = '${REMOVED_REASON}', deactivated_ms = @nowMs
      WHERE ${IDENTITY} AND active = 1`),
    forChat: db.prepare(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id`,
    ),
    active: db.prepare(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE active = 1 ORDER BY id`),
    deactivate: db.prepare(
      'UPDATE subscriptions SET active = 0, deactivated_reason = ?, deactivated_ms = ? WHERE id = ? AND active = 1',
    ),
    moveChat: db.prepare('UPDATE subscriptions SET chat_id = ? WHERE id = ?'),
  };

  return {
    async upsert(input) {
      checkSubscriptionTime(input.time);
      return toSubscription(
        s.upsert.get({ ...subscriptionIdentity(input), time: input.time, nowMs: input.nowMs }) as SubscriptionRow,
      );
    },
    async remove(input) {
      return s.remove.run({ ...subscriptionIdentity(input), nowMs: clock.now() }).changes > 0;
    },
    async forChat(platform, chatId) {
      return (s.forChat.all(platform, chatId) as SubscriptionRow[]).map(toSubscription);
    },
    async active() {
      return (s.active.all() as SubscriptionRow[]).map(toSubscription);
    },
    async deactivate(id, reason, nowMs) {
      s.deactivate.run(reason, nowMs, id);
    },
    async moveChat(id, chatId, nowMs) {
      try {
        s.moveChat.run(chatId, id);
      } catch (error) {
        // The new chat already has the same subscription: keep that one, retire this one.
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        s.deactivate.run(`moved to chat ${chatId}, which was already subscribed`, nowMs, id);
      }
    },
  };
}
