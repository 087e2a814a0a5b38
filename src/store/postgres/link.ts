// /link codes on PostgreSQL: the same flow as src/store/link.ts (its header explains the
// brute-force rules) with the same rules (../link-rules.ts) and code helpers (../link-code.ts).
// The lockout is checked before any hashing; every attempt is charged before its hash is computed
// and refunded when it was not a wrong guess; the merge runs in one transaction behind the users lock.
import type { LinkRedeemer, LinkResult, Platform } from '../../app/ports.ts';
import { formatLinkCode, hashLinkCode, newLinkCode } from '../link-code.ts';
import {
  CODE_RETENTION_MS,
  codeUsed,
  LINK_FAILURE_WINDOW_MS,
  LINK_MAX_FAILURES,
  lockedOut,
  mergeRefusal,
  redeemWith,
  type CodeRow,
  type RedemptionSteps,
} from '../link-rules.ts';
import { carriedSettings } from '../merge.ts';
import type { Pool, PoolClient, Queryable } from './database.ts';
import { inTransaction, lockUsers } from './transaction.ts';

/** Any fixed number: the advisory lock under which one identity's attempt is checked and charged. */
const ATTEMPT_LOCK = 0x67756573; // 'gues'

const SQL = {
  salt: "SELECT value FROM store_meta WHERE key = 'link_code_salt'",
  pruneCodes: 'DELETE FROM link_codes WHERE expires_ms < $1',
  dropUnused: 'DELETE FROM link_codes WHERE user_id = $1 AND used_ms IS NULL',
  insertCode: `INSERT INTO link_codes (code_hash, user_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT (code_hash) DO NOTHING`,
  findCode: 'SELECT code_hash, user_id, created_ms, expires_ms, used_ms, locked FROM link_codes WHERE code_hash = $1',
  markUsed: 'UPDATE link_codes SET used_ms = $1, used_by = $2 WHERE code_hash = $3 AND used_ms IS NULL AND locked = 0',
  userOf: 'SELECT user_id FROM identities WHERE platform = $1 AND platform_user_id = $2',
  platformsOf: 'SELECT DISTINCT platform FROM identities WHERE user_id = $1',
  failures: `SELECT count(*)::int AS n FROM link_failures_by_identity
      WHERE platform = $1 AND platform_user_id = $2 AND at_ms > $3`,
  // The lock lifts when the LINK_MAX_FAILURES-th newest failure is a window old.
  lockingFailure: `SELECT at_ms FROM link_failures_by_identity
      WHERE platform = $1 AND platform_user_id = $2 AND at_ms > $3 ORDER BY at_ms DESC LIMIT 1 OFFSET $4`,
  charge: 'INSERT INTO link_failures_by_identity (platform, platform_user_id, at_ms) VALUES ($1, $2, $3) RETURNING id',
  refund: 'DELETE FROM link_failures_by_identity WHERE id = $1',
  pruneFailures: 'DELETE FROM link_failures_by_identity WHERE at_ms <= $1',
  // Two 32-bit keys (a key space apart from the one-key locks of transaction.ts): this lock, then the identity.
  lockIdentity: "SELECT pg_advisory_xact_lock($1, hashtext($2 || ':' || $3))",
  // The merge (src/store/merge.ts says what moves and why).
  moveIdentities: 'UPDATE identities SET user_id = $2 WHERE user_id = $1',
  movePositions: 'UPDATE positions SET user_id = $2 WHERE user_id = $1',
  settingsOf: 'SELECT key, value_json FROM settings WHERE user_id = $1',
  addSetting: 'INSERT INTO settings (user_id, key, value_json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  moveSubscriptions: `UPDATE subscriptions SET user_id = $2
      WHERE user_id = $1 AND kind = 'personal' AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS owned
        WHERE owned.kind = 'personal' AND owned.platform = subscriptions.platform
          AND owned.chat_id = subscriptions.chat_id AND owned.user_id = $2)`,
  deleteUser: 'DELETE FROM users WHERE id = $1',
};

/** Moves everything of `from` to `to` and deletes `from`, inside the caller's transaction. */
async function mergeUsers(client: PoolClient, from: string, to: string): Promise<{ positions: number }> {
  await client.query(SQL.moveIdentities, [from, to]);
  const positions = (await client.query(SQL.movePositions, [from, to])).rowCount ?? 0;
  type Row = { key: string; value_json: string };
  const owner = (await client.query<Row>(SQL.settingsOf, [to])).rows;
  const other = (await client.query<Row>(SQL.settingsOf, [from])).rows;
  for (const row of carriedSettings(owner, other)) await client.query(SQL.addSetting, [to, row.key, row.value_json]);
  await client.query(SQL.moveSubscriptions, [from, to]);
  await client.query(SQL.deleteUser, [from]);
  return { positions };
}

export async function createPostgresLinking(pool: Pool) {
  const salt = (await pool.query<{ value: string }>(SQL.salt)).rows[0]!.value;
  const hash = (code: string) => hashLinkCode(code, salt);

  const failuresOf = async (who: LinkRedeemer, nowMs: number, db: Queryable = pool): Promise<number> =>
    (await db.query<{ n: number }>(SQL.failures, [who.platform, who.platformUserId, nowMs - LINK_FAILURE_WINDOW_MS]))
      .rows[0]!.n;

  // The check and the charge in one transaction, one identity at a time: concurrent attempts (from one
  // process or several replicas) cannot all pass the check before any is charged, which SQLite gets
  // from checking and charging synchronously. Null when the identity is locked out (nothing charged).
  const chargeAttempt = async (who: LinkRedeemer, nowMs: number): Promise<number | null> => {
    await pool.query(SQL.pruneFailures, [nowMs - LINK_FAILURE_WINDOW_MS]);
    return inTransaction(pool, async (client) => {
      await client.query(SQL.lockIdentity, [ATTEMPT_LOCK, who.platform, who.platformUserId]);
      if ((await failuresOf(who, nowMs, client)) >= LINK_MAX_FAILURES) return null;
      return (await client.query<{ id: number }>(SQL.charge, [who.platform, who.platformUserId, nowMs])).rows[0]!.id;
    });
  };
  const refund = async (attempt: number) => {
    await pool.query(SQL.refund, [attempt]);
  };

  const locked = async (who: LinkRedeemer, nowMs: number) => {
    const { rows } = await pool.query<{ at_ms: number }>(SQL.lockingFailure, [
      who.platform,
      who.platformUserId,
      nowMs - LINK_FAILURE_WINDOW_MS,
      LINK_MAX_FAILURES - 1,
    ]);
    return lockedOut(rows[0]?.at_ms, nowMs);
  };

  const platformsOf = async (client: PoolClient, userId: string) =>
    (await client.query<{ platform: Platform }>(SQL.platformsOf, [userId])).rows.map((row) => row.platform);

  const complete = (codeHash: string, owner: string, who: LinkRedeemer, nowMs: number, attempt: number) =>
    inTransaction(pool, async (client): Promise<LinkResult> => {
      await lockUsers(client);
      const current = await client.query<{ user_id: string }>(SQL.userOf, [who.platform, who.platformUserId]);
      const redeemer = current.rows[0]?.user_id ?? who.userId;
      const refusal = mergeRefusal(
        redeemer,
        owner,
        await platformsOf(client, redeemer),
        await platformsOf(client, owner),
      );
      if (refusal) throw refusal;
      // Conditional: two redemptions of one code cannot both pass.
      if ((await client.query(SQL.markUsed, [nowMs, redeemer, codeHash])).rowCount !== 1) throw codeUsed();
      await client.query(SQL.refund, [attempt]);
      return { userId: owner, merged: await mergeUsers(client, redeemer, owner) };
    });

  return {
    async createLinkCode(userId: string, nowMs: number, ttlMs: number): Promise<string> {
      // A hash collision with a kept code is as rare as a guess; another code settles it.
      for (let attempt = 0; attempt <= 5; attempt++) {
        const code = newLinkCode();
        const codeHash = await hash(code);
        const saved = await inTransaction(pool, async (client) => {
          await client.query(SQL.pruneCodes, [nowMs - CODE_RETENTION_MS]);
          await client.query(SQL.dropUnused, [userId]);
          return (await client.query(SQL.insertCode, [codeHash, userId, nowMs, nowMs + ttlMs])).rowCount === 1;
        });
        if (saved) return formatLinkCode(code);
      }
      throw new Error('No free link code after 6 attempts');
    },

    async redeemLinkCode(who: LinkRedeemer, input: string, nowMs: number): Promise<LinkResult> {
      const steps: RedemptionSteps<number> = {
        charge: () => chargeAttempt(who, nowMs),
        locked: () => locked(who, nowMs),
        failures: () => failuresOf(who, nowMs),
        findCode: async (code) => (await pool.query<CodeRow>(SQL.findCode, [await hash(code)])).rows[0],
        refund,
        complete: (row, attempt) => complete(row.code_hash, row.user_id, who, nowMs, attempt),
      };
      return redeemWith(steps, who.userId, input, nowMs);
    },
  };
}
