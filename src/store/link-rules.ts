// The rules of /link redemption, one home for both stores (src/store/link.ts on SQLite,
// src/store/postgres/link.ts on PostgreSQL): the limits, the refusals and their words. The stores
// only read and write rows; what counts as a wrong guess and what each refusal says is decided here.
import { UserError, type ErrorId } from '../app/errors.ts';
import type { LinkResult, Platform } from '../app/ports.ts';
import { normalizeLinkCode } from './link-code.ts';

export const LINK_MAX_FAILURES = 5;
export const LINK_FAILURE_WINDOW_MS = 10 * 60_000;
/** Used and expired codes are kept this long after expiry, to say "used" or "expired" rather than "unknown". */
export const CODE_RETENTION_MS = 24 * 3_600_000;

export const ASK_AGAIN = 'ask for a new code with /link on the other platform';

/** A kept code as both stores read it. */
export interface CodeRow {
  code_hash: string;
  user_id: string;
  created_ms: number;
  expires_ms: number;
  used_ms: number | null;
  locked: 0 | 1;
}

export const UNKNOWN_CODE = `No such code: check it, or ${ASK_AGAIN}`;

/** A wrong code (already charged): the refusal, with the tries left after `failures` in the window. */
export function wrongCode(failures: number, identifier: ErrorId, message: string): UserError {
  const left = LINK_MAX_FAILURES - failures;
  const tries = left > 0 ? ` (${left} ${left === 1 ? 'try' : 'tries'} left)` : '';
  return new UserError(identifier, `${message}${tries}.`);
}

/**
 * Says how long the lockout lasts and that every code is refused until then. `lockingMs` is the
 * LINK_MAX_FAILURES-th newest failure in the window: the lock lifts when it is a window old.
 */
export function lockedOut(lockingMs: number | undefined, nowMs: number): UserError {
  const minutes = Math.max(1, Math.ceil(((lockingMs ?? nowMs) + LINK_FAILURE_WINDOW_MS - nowMs) / 60_000));
  return new UserError(
    'link-locked',
    `Too many wrong codes: linking is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}, ` +
      `and every code typed until then is refused (even a right one). Then ${ASK_AGAIN}.`,
  );
}

export const ownCode = () =>
  new UserError(
    'link-self',
    'That code is your own: type it with the account you want to link, on the other platform.',
  );

export const codeUsed = () => new UserError('link-used', `That code was already used: ${ASK_AGAIN}.`);

/**
 * Why a found code cannot be redeemed before any write (a wrong guess, still charged), or null.
 * `ownCode` is not a guess: the caller refunds it.
 */
export function codeRefusal(row: CodeRow, redeemerUserId: string, nowMs: number, failures: () => number) {
  if (row.user_id === redeemerUserId) return { refund: true, error: ownCode() };
  // Codes burnt by the earlier rule (a locked-out user presenting them) stay unusable.
  if (row.locked || row.used_ms !== null) {
    return { refund: false, error: wrongCode(failures(), 'link-used', `That code was already used: ${ASK_AGAIN}`) };
  }
  if (row.expires_ms <= nowMs) {
    const minutes = Math.round((row.expires_ms - row.created_ms) / 60_000);
    return {
      refund: false,
      error: wrongCode(
        failures(),
        'link-expired',
        `That code has expired (codes last ${minutes} minutes): ${ASK_AGAIN}`,
      ),
    };
  }
  return null;
}

/**
 * The checks made under the write lock, with the identity's user as it is now (a merge may have
 * run while the hash was computed): the same user, or two users sharing a platform, cannot merge.
 */
export function mergeRefusal(
  redeemer: string,
  owner: string,
  redeemerPlatforms: readonly Platform[],
  ownerPlatforms: readonly Platform[],
): UserError | null {
  if (redeemer === owner) return new UserError('link-self', 'These accounts are already linked.');
  const shared = redeemerPlatforms.find((platform) => ownerPlatforms.includes(platform));
  if (!shared) return null;
  return new UserError(
    'link-same-platform',
    `Both accounts have a ${shared} identity: /link joins accounts of different platforms ` +
      '(one Discord, one Telegram). Nothing was merged.',
    { platform: shared },
  );
}

/** Refusals raised by the merge that are not wrong guesses: the attempt is refunded. */
export const refundsAttempt = (error: unknown): boolean =>
  error instanceof UserError && error.identifier !== 'link-used';

/**
 * What redeeming a code asks of a store. Each step reads or writes on its own: no transaction spans
 * them, so a charge and a refusal stay written whatever follows.
 */
export interface RedemptionSteps<Attempt> {
  /**
   * Checks the lockout and charges the attempt as one step, so concurrent attempts of one identity
   * cannot all pass the check before any is charged; null when locked out (nothing charged).
   */
  charge(): Promise<Attempt | null>;
  /** The lockout's refusal, saying how long it lasts. */
  locked(): Promise<UserError>;
  /** This identity's wrong codes in the window, the attempt being made included. */
  failures(): Promise<number>;
  /** The kept code whose hash is that of `code` (normalized), if any. */
  findCode(code: string): Promise<CodeRow | undefined>;
  refund(attempt: Attempt): Promise<void>;
  /** Under the write lock: the merge checks, the code marked used, the attempt refunded, the merge. */
  complete(row: CodeRow, attempt: Attempt): Promise<LinkResult>;
}

/**
 * Redeems a typed code, on either store: the lockout before any hashing, every attempt charged
 * before its hash is computed and refunded when it was not a wrong guess (src/store/link.ts's
 * header says why).
 */
export async function redeemWith<Attempt>(
  steps: RedemptionSteps<Attempt>,
  redeemerUserId: string,
  input: string,
  nowMs: number,
): Promise<LinkResult> {
  const attempt = await steps.charge();
  if (attempt === null) throw await steps.locked();
  const unknown = async () => wrongCode(await steps.failures(), 'link-unknown', UNKNOWN_CODE);
  const code = normalizeLinkCode(input);
  if (!code) throw await unknown();
  let row: CodeRow | undefined;
  try {
    row = await steps.findCode(code);
  } catch (error) {
    await steps.refund(attempt);
    throw error;
  }
  if (!row) throw await unknown();
  const failures = await steps.failures();
  const refusal = codeRefusal(row, redeemerUserId, nowMs, () => failures);
  if (refusal) {
    if (refusal.refund) await steps.refund(attempt);
    throw refusal.error;
  }
  try {
    return await steps.complete(row, attempt);
  } catch (error) {
    // Not a guess: the right code between two accounts that cannot be joined.
    if (refundsAttempt(error)) await steps.refund(attempt);
    throw error;
  }
}
