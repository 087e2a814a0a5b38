// /link codes: one live code per user, single use, merged on redemption.
//
// Brute force: a wrong code matches no row, so failures are counted per redeeming platform
// identity (link_failures_by_identity, migration 0002): a link, an unlink or a merge changes the
// user behind an identity but never its count. Unknown, used and expired codes count, one's own
// code does not. LINK_MAX_FAILURES wrong codes within LINK_FAILURE_WINDOW_MS lock that identity out
// until the first of them is a window old. The lockout is checked first, before any hashing, and
// every attempt is charged before its hash is computed (and refunded when it turns out not to be a
// wrong guess): concurrent attempts of one identity cannot all slip past the check while their
// hashes run. A locked-out identity's codes are not even looked at. Each identity thus gets 5
// guesses per 10 minutes against 31^8 ≈ 8.5e11 codes; with 10 live codes, 1,000 identities guessing
// non-stop expect a hit after about 300 years.
import type { Database } from 'better-sqlite3';
import type { LinkRedeemer, LinkResult, Platform } from '../app/ports.ts';
import { formatLinkCode, hashLinkCode, newLinkCode } from './link-code.ts';
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
} from './link-rules.ts';
import { mergeUsers, prepareMergeStatements } from './merge.ts';
import { isConstraintError, writeTransaction } from './transaction.ts';

export { LINK_FAILURE_WINDOW_MS, LINK_MAX_FAILURES } from './link-rules.ts';

export function prepareLinkStatements(db: Database) {
  return {
    salt: db.prepare("SELECT value FROM store_meta WHERE key = 'link_code_salt'").pluck(),
    pruneCodes: db.prepare('DELETE FROM link_codes WHERE expires_ms < ?'),
    dropUnused: db.prepare('DELETE FROM link_codes WHERE user_id = ? AND used_ms IS NULL'),
    insertCode: db.prepare('INSERT INTO link_codes (code_hash, user_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)'),
    findCode: db.prepare(
      'SELECT code_hash, user_id, created_ms, expires_ms, used_ms, locked FROM link_codes WHERE code_hash = ?',
    ),
    markUsed: db.prepare(
      'UPDATE link_codes SET used_ms = ?, used_by = ? WHERE code_hash = ? AND used_ms IS NULL AND locked = 0',
    ),
    userOf: db.prepare('SELECT user_id FROM identities WHERE platform = ? AND platform_user_id = ?').pluck(),
    platformsOf: db.prepare('SELECT DISTINCT platform FROM identities WHERE user_id = ?').pluck(),
    failures: db
      .prepare(
        'SELECT count(*) FROM link_failures_by_identity WHERE platform = ? AND platform_user_id = ? AND at_ms > ?',
      )
      .pluck(),
    // The lock lifts when the LINK_MAX_FAILURES-th newest failure is a window old.
    lockingFailure: db
      .prepare(
        `SELECT at_ms FROM link_failures_by_identity WHERE platform = ? AND platform_user_id = ? AND at_ms > ?
          ORDER BY at_ms DESC LIMIT 1 OFFSET ?`,
      )
      .pluck(),
    charge: db.prepare('INSERT INTO link_failures_by_identity (platform, platform_user_id, at_ms) VALUES (?, ?, ?)'),
    refund: db.prepare('DELETE FROM link_failures_by_identity WHERE id = ?'),
    pruneFailures: db.prepare('DELETE FROM link_failures_by_identity WHERE at_ms <= ?'),
  };
}

export function createLinking(db: Database) {
  const s = prepareLinkStatements(db);
  const merge = prepareMergeStatements(db);
  const salt = s.salt.get() as string;
  const hash = (code: string) => hashLinkCode(code, salt);

  const saveCode = writeTransaction(db, (userId: string, nowMs: number, ttlMs: number, codeHash: string): void => {
    s.pruneCodes.run(nowMs - CODE_RETENTION_MS);
    s.dropUnused.run(userId);
    s.insertCode.run(codeHash, userId, nowMs, nowMs + ttlMs);
  });

  const failuresOf = (who: LinkRedeemer, nowMs: number): number =>
    s.failures.get(who.platform, who.platformUserId, nowMs - LINK_FAILURE_WINDOW_MS) as number;

  /** Records an attempt as a failure before it is checked; returns the row to refund. */
  const chargeAttempt = (who: LinkRedeemer, nowMs: number): number | bigint => {
    s.pruneFailures.run(nowMs - LINK_FAILURE_WINDOW_MS);
    return s.charge.run(who.platform, who.platformUserId, nowMs).lastInsertRowid;
  };

  const locked = (who: LinkRedeemer, nowMs: number) =>
    lockedOut(
      s.lockingFailure.get(who.platform, who.platformUserId, nowMs - LINK_FAILURE_WINDOW_MS, LINK_MAX_FAILURES - 1) as
        number | undefined,
      nowMs,
    );

  const complete = writeTransaction(
    db,
    (codeHash: string, owner: string, who: LinkRedeemer, nowMs: number, attempt: number | bigint): LinkResult => {
      const redeemer = (s.userOf.get(who.platform, who.platformUserId) as string | undefined) ?? who.userId;
      const refusal = mergeRefusal(
        redeemer,
        owner,
        s.platformsOf.all(redeemer) as Platform[],
        s.platformsOf.all(owner) as Platform[],
      );
      if (refusal) throw refusal;
      // Re-checked under the write lock: two redemptions of one code cannot both pass.
      if (s.markUsed.run(nowMs, redeemer, codeHash).changes !== 1) throw codeUsed();
      s.refund.run(attempt);
      return { userId: owner, merged: mergeUsers(merge, redeemer, owner) };
    },
  );

  return {
    async createLinkCode(userId: string, nowMs: number, ttlMs: number): Promise<string> {
      // A hash collision with a kept code is as rare as a guess; another code settles it.
      for (let attempt = 0; ; attempt++) {
        const code = newLinkCode();
        try {
          saveCode(userId, nowMs, ttlMs, await hash(code));
          return formatLinkCode(code);
        } catch (error) {
          if (attempt >= 5 || !isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw error;
        }
      }
    },

    async redeemLinkCode(who: LinkRedeemer, input: string, nowMs: number): Promise<LinkResult> {
      // Synchronous steps: the check and the charge cannot interleave with another attempt's.
      const steps: RedemptionSteps<number | bigint> = {
        charge: async () => (failuresOf(who, nowMs) >= LINK_MAX_FAILURES ? null : chargeAttempt(who, nowMs)),
        locked: async () => locked(who, nowMs),
        failures: async () => failuresOf(who, nowMs),
        findCode: async (code) => s.findCode.get(await hash(code)) as CodeRow | undefined,
        refund: async (attempt) => void s.refund.run(attempt),
        complete: async (row, attempt) => complete(row.code_hash, row.user_id, who, nowMs, attempt),
      };
      return redeemWith(steps, who.userId, input, nowMs);
    },
  };
}
