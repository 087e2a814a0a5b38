// Buttons carry the command they run in their payload (Discord custom_id ≤ 100 characters,
// Telegram callback_data ≤ 64 bytes): "position close|id=k3m9tq|debit=6.1". The command runs as
// whoever presses the button, through runCommand, so a payload can never act for someone else
// and is validated like typed input.
import type { ReplyButton } from './reply.ts';

export const BUTTON_PREFIX = 'cx:';

export function encodeButton(button: Pick<ReplyButton, 'command' | 'options'>): string {
  const parts = [
    button.command,
    ...Object.entries(button.options).map(([key, value]) => `${key}=${String(value).replace(/[|=]/g, '')}`),
  ];
  return BUTTON_PREFIX + parts.join('|');
}

/**
 * The one home of "which buttons lead to a record" (docs/commands.md, "Buttons that record"): a
 * close, and adopting a hedge layer. Pressed (or voted, for a hedge poll's Adopt) without a
 * Confirm code, such a button only shows what it would record and offers a signed Confirm
 * (src/app/confirm.ts); a typed command records at once, as typed.
 */
const RECORDS: Record<string, (options: Record<string, unknown>) => boolean> = {
  'position close': () => true,
  hedge: (options) => options.adopt !== undefined,
};

/** A button that writes to the store when pressed (after its Confirm step). */
export function recordsWhenPressed(button: Pick<ReplyButton, 'command' | 'options'>): boolean {
  return RECORDS[button.command]?.(button.options) ?? false;
}

/** The options a press (or an Adopt vote) runs with: a recording command without a Confirm code only reviews. */
export function asPressed<T extends string | number | boolean>(
  command: string,
  options: Record<string, T>,
): Record<string, T | string> {
  return recordsWhenPressed({ command, options }) && options.confirm === undefined
    ? { ...options, review: 'true' }
    : options;
}

export function decodeButton(payload: string): { command: string; options: Record<string, string> } | null {
  if (!payload.startsWith(BUTTON_PREFIX)) return null;
  const [command, ...pairs] = payload.slice(BUTTON_PREFIX.length).split('|');
  if (!command || !/^[a-z0-9_]+( [a-z0-9_]+)?$/.test(command)) return null;
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) return null;
    options[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { command, options: asPressed(command, options) };
}

/** Byte length of an encoded payload (Telegram counts bytes). */
export const payloadBytes = (payload: string) => Buffer.byteLength(payload, 'utf8');
