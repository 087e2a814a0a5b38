// The text of a /link code: generation, the tolerant reading of what a user typed, and its hash.
import { scrypt } from 'node:crypto';
import { LINK_CODE_ALPHABET, LINK_CODE_LENGTH, randomString } from './random.ts';

export const newLinkCode = (): string => randomString(LINK_CODE_ALPHABET, LINK_CODE_LENGTH);

/** 'ABCDEFGH' → 'ABCD-EFGH', for reading aloud and typing. */
export const formatLinkCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** What the user typed, with or without the dash or spaces, in any case; null when it cannot be a code. */
export function normalizeLinkCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== LINK_CODE_LENGTH) return null;
  for (const char of code) if (!LINK_CODE_ALPHABET.includes(char)) return null;
  return code;
}

// Why scrypt and not a plain sha256: 31^8 ≈ 8.5e11 sha256 hashes take a GPU about a minute, well
// inside a code's 10 minutes, so a leaked file would leak live codes after all. scrypt (16 MiB,
// ~60 ms here) puts the same search at years. The salt is random per database (store_meta).
// Asynchronous: the hash runs in libuv's thread pool, so a flood of /link updates cannot stall the
// event loop (scryptSync froze the bot for 13 s under 300 updates).
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

export function hashLinkCode(normalizedCode: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(normalizedCode, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key.toString('hex'))));
  });
}
