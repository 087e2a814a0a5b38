// Random ids and codes from alphabets without look-alikes (no 0/o, 1/l/i).
import { randomInt, randomUUID } from 'node:crypto';

/** Position ids: 6 characters, 31^6 ≈ 8.9e8 values, lower case to type easily. */
export const POSITION_ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const POSITION_ID_LENGTH = 6;

/** Link codes: 8 characters, 31^8 ≈ 8.5e11 values, shown upper case as ABCD-EFGH. */
export const LINK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;

/** Uniform characters from the operating system's generator (randomInt avoids modulo bias). */
export function randomString(alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

export const newPositionId = (): string => randomString(POSITION_ID_ALPHABET, POSITION_ID_LENGTH);

export const newUserId = (): string => `u_${randomUUID()}`;
