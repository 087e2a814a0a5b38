// Discord's failures in the words the scheduler and the users need: typed delivery failures
// (pace, retry, deactivate) and plain sentences for missing permissions.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

export const DISCORD_CODES = {
  unknownChannel: 10003,
  unknownGuild: 10004,
  unknownMessage: 10008,
  unknownUser: 10013,
  unknownInteraction: 10062,
  missingAccess: 50001,
  cannotMessageUser: 50007,
  missingPermissions: 50013,
  invalidFormBody: 50035,
  wrongChannelType: 50024,
  threadAlreadyCreated: 160004,
  threadLocked: 160005,
  invalidPollChannel: 520002,
} as const;

export type DeliveryFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | {
      kind: 'permanent';
      code: number;
      reason: string;
      /** The target is gone or closed to the bot: stop sending there. */ deactivate: boolean;
    }
  | { kind: 'transient'; reason: string };

export class DiscordDeliveryError extends Error {
  readonly failure: DeliveryFailure;
  constructor(failure: DeliveryFailure, options?: { cause?: unknown }) {
    super(
      failure.kind === 'rate-limited' ? `rate limited: retry after ${failure.retryAfterMs} ms` : failure.reason,
      options,
    );
    this.name = 'DiscordDeliveryError';
    this.failure = failure;
  }
}

const PERMANENT_REASONS: Record<number, { reason: string; deactivate: boolean }> = {
  [DISCORD_CODES.unknownChannel]: { reason: 'the channel no longer exists (Unknown Channel)', deactivate: true },
  [DISCORD_CODES.unknownGuild]: { reason: 'the bot is no longer in that server (Unknown Guild)', deactivate: true },
  [DISCORD_CODES.unknownUser]: { reason: 'the user no longer exists (Unknown User)', deactivate: true },
  [DISCORD_CODES.missingAccess]: {
    reason: 'the bot cannot see that channel (Missing Access: View Channel)',
    deactivate: true,
  },
  [DISCORD_CODES.cannotMessageUser]: {
    reason: 'the user does not accept direct messages from the bot',
    deactivate: true,
  },
  [DISCORD_CODES.missingPermissions]: {
    reason: 'the bot lacks a permission there (Missing Permissions: Send Messages, Embed Links or Attach Files)',
    deactivate: false,
  },
  [DISCORD_CODES.invalidFormBody]: {
    reason: 'Discord rejected the message body (Invalid Form Body)',
    deactivate: false,
  },
};

/** The Discord JSON error code of an error, when it has one. */
export function discordCode(error: unknown): number | null {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : null;
}

export function classifyDiscordError(error: unknown): DeliveryFailure {
  if (error instanceof DiscordDeliveryError) return error.failure;
  if (error instanceof RateLimitError)
    return { kind: 'rate-limited', retryAfterMs: Math.max(0, Math.ceil(error.retryAfter)) };
  if (error instanceof DiscordAPIError) {
    if (error.status === 429) return { kind: 'rate-limited', retryAfterMs: 1000 };
    if (error.status >= 500) return { kind: 'transient', reason: `Discord answered ${error.status}` };
    const code = typeof error.code === 'number' ? error.code : 0;
    const known = PERMANENT_REASONS[code];
    if (known) return { kind: 'permanent', code, ...known };
    if (error.status === 401)
      return { kind: 'permanent', code, reason: 'the bot token was refused (401 Unauthorized)', deactivate: false };
    return {
      kind: 'permanent',
      code,
      reason: `Discord refused the request: ${error.message} (${code || error.status})`,
      deactivate: false,
    };
  }
  if (error instanceof HTTPError) {
    if (error.status >= 500 || error.status === 408)
      return { kind: 'transient', reason: `Discord answered ${error.status}` };
    return {
      kind: 'permanent',
      code: 0,
      reason: `Discord answered ${error.status} ${error.message}`,
      deactivate: false,
    };
  }
  return { kind: 'transient', reason: error instanceof Error ? error.message : String(error) };
}

export type DiscussionStep = 'post' | 'thread' | 'poll' | 'thread-message';

/** The Discord permission each step needs. */
const STEP_PERMISSION: Record<DiscussionStep, string> = {
  post: 'Send Messages (with Embed Links and Attach Files)',
  thread: 'Create Public Threads',
  poll: 'Send Polls',
  'thread-message': 'Send Messages in Threads',
};

/** One sentence for a user saying what was missing, or null when the error is not about permissions or the channel. */
export function missingText(step: DiscussionStep, error: unknown): string | null {
  const code = discordCode(error);
  if (code === null) return null;
  const lead = {
    post: 'I could not post in this channel',
    thread: 'I could not open a thread here',
    poll: 'I could not post the poll in the thread',
    'thread-message': 'I could not post in the thread',
  }[step];
  switch (code) {
    case DISCORD_CODES.missingPermissions:
      return `${lead}: missing ${STEP_PERMISSION[step]} permission`;
    case DISCORD_CODES.missingAccess:
      return (
        `${lead}: missing access to the channel (View ` +
        `Channel${step === 'thread' ? ' and Read Message History' : ''})`
      );
    case DISCORD_CODES.unknownChannel:
      return `${lead}: the channel no longer exists`;
    case DISCORD_CODES.wrongChannelType:
      return step === 'thread'
        ? `${lead}: threads are not available in this channel`
        : `${lead}: this channel type does not allow it`;
    case DISCORD_CODES.threadAlreadyCreated:
      return `${lead}: a thread already exists for that message`;
    case DISCORD_CODES.threadLocked:
      return `${lead}: the thread is locked`;
    case DISCORD_CODES.invalidPollChannel:
      return `${lead}: polls are not allowed in this channel`;
    case DISCORD_CODES.invalidFormBody:
      return step === 'poll' ? `${lead}: polls are not allowed here` : null;
    default:
      return null;
  }
}
