// A Confirm code made by one worker checks on another when both run with the same CONFIRM_SECRET
// (several workers, or HTTP interactions behind a load balancer), and never under another secret.
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfirmCode, confirmCode, useConfirmSecret, type ConfirmSubject } from '../../src/app/confirm.ts';
import { createConfig, secretsOf } from '../../src/config.ts';

const subject: ConfirmSubject = { userId: 'u1', command: 'position close', positionId: 'abc123', value: '4.10' };
// 2026-11-23 10:00 New York: a fixed instant.
const shownMs = Date.UTC(2026, 10, 23, 15);
const SECRET_A = 'a'.repeat(16) + '0123456789abcdef';
const SECRET_B = 'b'.repeat(16) + '0123456789abcdef';

afterEach(() => useConfirmSecret('test-reset-secret-not-used-by-any-test'));

describe('CONFIRM_SECRET', () => {
  it('makes codes that check under the same secret and not under another', () => {
    useConfirmSecret(SECRET_A);
    const code = confirmCode(subject, shownMs);
    // "Another worker": the key is derived again from the same secret.
    useConfirmSecret(SECRET_A);
    expect(checkConfirmCode(code, subject, shownMs + 60_000)).toBe('ok');
    useConfirmSecret(SECRET_B);
    expect(checkConfirmCode(code, subject, shownMs + 60_000)).toBe('mismatch');
  });

  it('is refused when short, in one line, and is a secret the logs scrub', () => {
    const short = createConfig({ CONFIRM_SECRET: 'too-short' });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error).toMatch(/CONFIRM_SECRET must be at least 32 characters/);
    const good = createConfig({ CONFIRM_SECRET: SECRET_A });
    expect(good.ok).toBe(true);
    if (good.ok) expect(secretsOf(good.config)).toContain(SECRET_A);
  });
});
