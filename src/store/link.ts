// /link codes: one live code per user, single use, merged on redemption.
//
// Brute force: a wrong code matches no row, so failures are counted per redeeming user
// (link_failures); unknown, used and expired codes count, one's own code does not.
// LINK_MAX_FAILURES wrong codes within LINK_FAILURE_WINDOW_MS lock that user out of redeeming until
// the first of them is a window old. While locked, even a right code is refused, and a live code
// presented by a locked-out user is burnt (locked for everyone): that is what a lucky guess looks
// like. Each account thus gets 5 guesses per 10 minutes against 31^8 ≈ 8.5e11 codes; with 10 live
// codes, 1,000 accounts guessing non-stop expect a hit after about 300 years.
import type { Database } from 'better-sqlite3';
import { UserError } from '../app/errors.ts';
import { formatLinkCode, hashLinkCode, newLinkCode, normalizeLinkCode } from './link-code.ts';
import { mergeUsers, prepareMergeStatements } from './merge.ts';
import { isConstraintError, writeTransaction } from './transaction.ts';

export const LINK_MAX_FAILURES = 5;
export const LINK_FAILURE_WINDOW_MS = 10 * 60_000;
/** Used and expired codes are kept this long after expiry, to say "used" or "expired" rather than "unknown". */
const CODE_RETENTION_MS = 24 * 3_600_000;

interface CodeRow {
  code_hash: string;
  user_id: string;
  created_ms: number;
  expires_ms: number;
  used_ms: number | null;
  locked: 0 | 1;
}

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
    burn: db.prepare('UPDATE link_codes SET attempts = attempts + 1, locked = 1 WHERE code_hash = ?'),
    failures: db.prepare('SELECT count(*) FROM link_failures WHERE user_id = ? AND at_ms > ?').pluck(),
    addFailure: db.prepare('INSERT INTO link_failures (user_id, at_ms) VALUES (?, ?)'),
    pruneFailures: db.prepare('DELETE FROM link_failures WHERE user_id = ? AND at_ms <= ?'),
  };
}

const ASK_AGAIN = 'ask for a new code with /link on the other platform';

export function createLinking(db: Database) {
  const s = prepareLinkStatements(db);
  const merge = prepareMergeStatements(db);
  const salt = s.salt.get() as string;
  const hash = (code: string) => hashLinkCode(code, salt);

  const createLinkCode = writeTransaction(db, (userId: string, nowMs: number, ttlMs: number, code: string): void => {
    s.pruneCodes.run(nowMs - CODE_RETENTION_MS);
    s.dropUnused.run(userId);
    s.insertCode.run(hash(code), userId, nowMs, nowMs + ttlMs);
  });

  const failed = (userId: string, nowMs: number, identifier: string, message: string): UserError => {
    s.pruneFailures.run(userId, nowMs - LINK_FAILURE_WINDOW_MS);
    s.addFailure.run(userId, nowMs);
    const left = LINK_MAX_FAILURES - (s.failures.get(userId, nowMs - LINK_FAILURE_WINDOW_MS) as number);
    const tries = left > 0 ? ` (${left} ${left === 1 ? 'try' : 'tries'} left)` : '';
    return new UserError(identifier, `${message}${tries}.`);
  };

  const lockedOut = (userId: string, nowMs: number): boolean =>
    (s.failures.get(userId, nowMs - LINK_FAILURE_WINDOW_MS) as number) >= LINK_MAX_FAILURES;

  const locked = () => new UserError('link-locked', `Too many wrong codes: ${ASK_AGAIN}.`);

  const complete = writeTransaction(db, (codeHash: string, owner: string, redeemer: string, nowMs: number) => {
    // Re-checked under the write lock: two redemptions of one code cannot both pass.
    if (s.markUsed.run(nowMs, redeemer, codeHash).changes !== 1) {
      throw new UserError('link-used', `That code was already used: ${ASK_AGAIN}.`);
    }
    return { userId: owner, merged: mergeUsers(merge, redeemer, owner) };
  });

  return {
    createLinkCode(userId: string, nowMs: number, ttlMs: number): string {
      // A hash collision with a kept code is as rare as a guess; another code settles it.
      for (let attempt = 0; ; attempt++) {
        const code = newLinkCode();
        try {
          createLinkCode(userId, nowMs, ttlMs, code);
          return formatLinkCode(code);
        } catch (error) {
          if (attempt >= 5 || !isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw error;
        }
      }
    },

    redeemLinkCode(userId: string, input: string, nowMs: number) {
      const code = normalizeLinkCode(input);
      const row = code ? (s.findCode.get(hash(code)) as CodeRow | undefined) : undefined;
      // The failures and burns below are written on their own: the UserError that follows must not
      // roll them back.
      if (lockedOut(userId, nowMs)) {
        if (row && row.used_ms === null && row.expires_ms > nowMs && row.user_id !== userId) s.burn.run(row.code_hash);
        throw locked();
      }
      if (!row) throw failed(userId, nowMs, 'link-unknown', `No such code: check it, or ${ASK_AGAIN}`);
      if (row.user_id === userId) {
        throw new UserError(
          'link-self',
          'That code is your own: type it with the account you want to link, on the other platform.',
        );
      }
      if (row.locked) throw locked();
      if (row.used_ms !== null) throw failed(userId, nowMs, 'link-used', `That code was already used: ${ASK_AGAIN}`);
      if (row.expires_ms <= nowMs) {
        const minutes = Math.round((row.expires_ms - row.created_ms) / 60_000);
        throw failed(
          userId,
          nowMs,
          'link-expired',
          `That code has expired (codes last ${minutes} minutes): ${ASK_AGAIN}`,
        );
      }
      return complete(row.code_hash, row.user_id, userId, nowMs);
    },
  };
}
