// The second step of a record proposed by a button (docs/commands.md, "Buttons that record"): the
// first press shows what would be recorded; the Confirm button carries a code that binds the
// presser, the position and the exact value shown, and the minute it was shown. The code is an
// HMAC under a key made when the process starts, or derived from CONFIRM_SECRET when the operator
// sets one (several workers or replicas behind a load balancer: a Confirm pressed on one must check
// on another, docs/scaling.md): a payload edited to another value, made for someone else, or older
// than CONFIRM_MINUTES (or, without the secret, from before a restart) records nothing. It is a
// guard against mis-taps and stale buttons; who may act on a position is decided elsewhere (a
// button always runs as the presser, on the presser's own positions).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CONFIRM_MINUTES = 10;
let key = randomBytes(32);

/** Every worker given the same secret makes and checks the same codes (compose calls this at start). */
export function useConfirmSecret(secret: string): void {
  key = createHash('sha256').update(`condor-xyk confirm\n${secret}`).digest();
}
const MINUTE_MS = 60_000;
/** Minutes since 1970 in base 36, six characters until the year 5000; then 8 characters of MAC. */
const MINUTE_DIGITS = 6;
const MAC_CHARS = 8;

export interface ConfirmSubject {
  /** The internal user id of whoever will press Confirm. */
  userId: string;
  /** What is recorded: the command, the position and the value, as they appear in the payload. */
  command: string;
  positionId: string;
  value: string;
}

function mac(subject: ConfirmSubject, minute: string): string {
  return createHmac('sha256', key)
    .update([subject.userId, subject.command, subject.positionId, subject.value, minute].join('\n'))
    .digest('base64url')
    .slice(0, MAC_CHARS);
}

export function confirmCode(subject: ConfirmSubject, nowMs: number): string {
  const minute = Math.floor(nowMs / MINUTE_MS)
    .toString(36)
    .padStart(MINUTE_DIGITS, '0');
  return minute + mac(subject, minute);
}

export type ConfirmCheck = 'ok' | 'stale' | 'mismatch';

export function checkConfirmCode(code: string, subject: ConfirmSubject, nowMs: number): ConfirmCheck {
  const minute = code.slice(0, MINUTE_DIGITS);
  const given = Buffer.from(code.slice(MINUTE_DIGITS));
  const want = Buffer.from(mac(subject, minute));
  if (code.length !== MINUTE_DIGITS + MAC_CHARS || given.length !== want.length || !timingSafeEqual(given, want))
    return 'mismatch';
  const shownMs = parseInt(minute, 36) * MINUTE_MS;
  return nowMs - shownMs > CONFIRM_MINUTES * MINUTE_MS || shownMs > nowMs + MINUTE_MS ? 'stale' : 'ok';
}
