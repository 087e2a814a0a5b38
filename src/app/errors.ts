// Two kinds of error (docs/architecture.md): a UserError is shown to the user as one line that names
// what, which rule and an example; anything else is logged with a reference id and the user sees
// only the reference.
import { randomBytes } from 'node:crypto';
import type { CondorRule } from '../engine/index.ts';

/**
 * Every refusal's stable id, in one place (like Sapphire's Identifiers): logs count refusals by it
 * ("refused:<id>"), adapters and tests match on it, and a typo is a type error, not a new id.
 * The message is free text; the id is the contract.
 */
export type ErrorId =
  // Reading what was typed (src/app/words.ts, run-command.ts)
  | 'empty'
  | 'unclosed-quote'
  | 'other-bot'
  | 'unknown-command'
  | 'unknown-subcommand'
  | 'unknown-option'
  | 'missing-option'
  | 'invalid-option'
  | 'given-twice'
  | 'too-many-values'
  | 'rate-limited'
  // Who may do it
  | 'not-admin'
  | 'channel-in-private'
  | 'share-in-channel'
  | 'share-or-adopt'
  // Market data and dates
  | 'unavailable'
  | 'no-market'
  | 'spot-required'
  | 'no-credit'
  | 'expiry-settled'
  | 'expiry-not-trading-day'
  | 'date-before-entry'
  // Positions
  | 'position-not-found'
  | 'position-closed'
  | 'opened-future'
  | 'opened-too-early'
  | 'opened-after-expiry'
  | 'entry-market-required'
  | 'debit-above-width'
  | 'confirm-stale'
  | 'confirm-mismatch'
  // Hedge layers
  | 'no-such-layer'
  | 'layer-active'
  | 'layer-empty'
  | 'hedge-layer-exists'
  // Settings and subscriptions
  | 'setting-unknown'
  | 'setting-invalid'
  | 'subscription-time'
  // Linking accounts
  | 'link-unknown'
  | 'link-used'
  | 'link-expired'
  | 'link-locked'
  | 'link-self'
  | 'link-same-platform'
  | 'unlink-not-linked'
  | 'unlink-last'
  // A broken condor rule (the engine names them: src/engine/condor.ts)
  | CondorRule;

export class UserError extends Error {
  readonly identifier: ErrorId;
  readonly context: Record<string, unknown>;
  constructor(identifier: ErrorId, message: string, context: Record<string, unknown> = {}) {
    // One line whatever it quotes: \r, \v, \f, NEL and the Unicode line separators break lines too.
    super(message.replace(/\s*[\n\r\v\f\u0085\u2028\u2029]\s*/g, ' '));
    this.name = 'UserError';
    this.identifier = identifier;
    this.context = context;
  }
}

/** The one "no such position" refusal: the same for a position that is another user's as for none at all. */
export const positionNotFound = (id: string): UserError =>
  new UserError('position-not-found', `No position ${id} in your positions; see /position list.`, { id });

const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short id to find an error in the logs ("ref K7Q2M9"). */
export function errorReference(): string {
  const bytes = randomBytes(6);
  let text = '';
  for (const byte of bytes) text += REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length];
  return text;
}
