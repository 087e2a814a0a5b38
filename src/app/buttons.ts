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
 * Commands whose button records something only with a Confirm code: pressed without one (an old
 * message, an edited payload), the button shows what it would record and asks (src/app/confirm.ts).
 */
const CONFIRMED_BY_BUTTON = new Set(['position close']);

/** A button that writes to the store when pressed (after its Confirm step, for a close). */
export function recordsWhenPressed(button: Pick<ReplyButton, 'command' | 'options'>): boolean {
  return CONFIRMED_BY_BUTTON.has(button.command) || (button.command === 'hedge' && button.options.adopt !== undefined);
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
  if (CONFIRMED_BY_BUTTON.has(command) && options.confirm === undefined) options.review = 'true';
  return { command, options };
}

/** Byte length of an encoded payload (Telegram counts bytes). */
export const payloadBytes = (payload: string) => Buffer.byteLength(payload, 'utf8');
