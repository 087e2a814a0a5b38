// A row of the deliveries table and its mapping to the app's Delivery, for both engines: the
// columns and their JavaScript types are the same on SQLite and PostgreSQL, because the PostgreSQL
// pool reads BIGINT (subscription_id, claimed_ms, sent_ms) as a number (src/store/postgres/database.ts).
import type { Delivery, DeliveryKind, DeliveryState } from '../app/ports.ts';

export interface DeliveryRow {
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

export const toDelivery = (row: DeliveryRow): Delivery => ({
  subscriptionId: row.subscription_id,
  tradingDay: row.trading_day,
  kind: row.kind,
  state: row.state,
  attempts: row.attempts,
  claimedBy: row.claimed_by,
  claimedMs: row.claimed_ms,
  sentMs: row.sent_ms,
  platformMessageId: row.platform_message_id,
  // The column is nullable (the schema does not require it); the port's nonce is always a string.
  nonce: row.nonce ?? '',
  error: row.error,
});
