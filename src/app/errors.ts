// Two kinds of error (docs/architecture.md): a UserError is shown to the user as one line that names
// what, which rule and an example; anything else is logged with a reference id and the user sees
// only the reference.
import { randomBytes } from 'node:crypto';

export class UserError extends Error {
  readonly identifier: string;
  readonly context: Record<string, unknown>;
  constructor(identifier: string, message: string, context: Record<string, unknown> = {}) {
    // One line whatever it quotes: \r, \v, \f, NEL and the Unicode line separators break lines too.
    super(message.replace(/\s*[\n\r\v\f\u0085\u2028\u2029]\s*/g, ' '));
    this.name = 'UserError';
    this.identifier = identifier;
    this.context = context;
  }
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short id to find an error in the logs ("ref K7Q2M9"). */
export function errorReference(): string {
  const bytes = randomBytes(6);
  let text = '';
  for (const byte of bytes) text += REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length];
  return text;
}
