// Merging two users into one when a /link code is redeemed. The code's owner keeps their id;
// the redeeming user's identities, positions (events, layers and discussions follow by key),
// settings and personal subscriptions move over, and the emptied user is deleted.
//
// Settings: the owner's values win where both set a key; the other user's fill the gaps. The two
// thresholds travel as a pair (if the owner set either, the other user's thresholds are dropped),
// so the merge cannot produce threshold_min > threshold_max.
import type { Database } from 'better-sqlite3';

const THRESHOLD_KEYS = new Set(['thresholdMin', 'thresholdMax']);

/**
 * The redeeming user's settings rows that go over to the owner (inserted where the owner has no
 * row for the key: the owner's value wins). Both stores merge with this rule.
 */
export function carriedSettings<Row extends { key: string }>(
  ownerRows: readonly { key: string }[],
  fromRows: readonly Row[],
): Row[] {
  const ownerSetThresholds = ownerRows.some((row) => THRESHOLD_KEYS.has(row.key));
  return fromRows.filter((row) => !(ownerSetThresholds && THRESHOLD_KEYS.has(row.key)));
}

export function prepareMergeStatements(db: Database) {
  return {
    moveIdentities: db.prepare('UPDATE identities SET user_id = @to WHERE user_id = @from'),
    movePositions: db.prepare('UPDATE positions SET user_id = @to WHERE user_id = @from'),
    settingsOf: db.prepare('SELECT key, value_json FROM settings WHERE user_id = ?'),
    addSetting: db.prepare('INSERT OR IGNORE INTO settings (user_id, key, value_json) VALUES (?, ?, ?)'),
    // A personal subscription to a chat the owner already gets is a duplicate: it stays behind and
    // goes with the deleted user.
    moveSubscriptions: db.prepare(`UPDATE subscriptions SET user_id = @to
      WHERE user_id = @from AND kind = 'personal' AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS owned
        WHERE owned.kind = 'personal' AND owned.platform = subscriptions.platform
          AND owned.chat_id = subscriptions.chat_id AND owned.user_id = @to)`),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
  };
}

export type MergeStatements = ReturnType<typeof prepareMergeStatements>;

/** Moves everything of `from` to `to` and deletes `from`. Call inside a write transaction. */
export function mergeUsers(s: MergeStatements, from: string, to: string): { positions: number } {
  const ids = { from, to };
  s.moveIdentities.run(ids);
  const positions = s.movePositions.run(ids).changes;
  const carried = carriedSettings(
    s.settingsOf.all(to) as { key: string }[],
    s.settingsOf.all(from) as { key: string; value_json: string }[],
  );
  for (const row of carried) {
    // OR IGNORE: where the owner set the key too, the owner's value stays.
    s.addSetting.run(to, row.key, row.value_json);
  }
  s.moveSubscriptions.run(ids);
  // Cascades remove what stayed behind: settings, duplicate subscriptions, link codes. Wrong-code
  // counts belong to identities (they moved above), so the lockout survives the merge.
  s.deleteUser.run(from);
  return { positions };
}
