// What a failed Bot API call means for the caller: wait and retry (429 with retry_after), give up on
// this chat (403 blocked/kicked, 400 chat not found or no rights), or try again later (network,
// 5xx). The scheduler deactivates a subscription only when `chatGone` is set; another permanent
// failure (a message Telegram refuses) is our fault and must not silence the chat.

export type TelegramSendFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'permanent'; code: number; reason: string; chatGone: boolean; migrateToChatId?: number }
  | { kind: 'transient'; code?: number; reason?: string };

/** A send that failed; `sentMessageIds` are the parts that did go out before the failure. */
export class TelegramSendError extends Error {
  readonly failure: TelegramSendFailure;
  readonly sentMessageIds: number[];
  constructor(failure: TelegramSendFailure, sentMessageIds: number[] = [], options?: { cause?: unknown }) {
    super(describeFailure(failure), options);
    this.name = 'TelegramSendError';
    this.failure = failure;
    this.sentMessageIds = sentMessageIds;
  }
  get kind(): TelegramSendFailure['kind'] {
    return this.failure.kind;
  }
}

function describeFailure(failure: TelegramSendFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return `Telegram rate limit: retry after ${failure.retryAfterMs} ms`;
    case 'permanent':
      return `Telegram refused (${failure.code}): ${failure.reason}`;
    default:
      return (
        `Telegram unreachable${failure.code ? ` (${failure.code})` : ''}` +
        (failure.reason ? `: ${failure.reason}` : '')
      );
  }
}

interface ApiErrorShape {
  code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
  response?: {
    error_code?: unknown;
    description?: unknown;
    parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
  };
}

/** The Bot API's error code and description of a telegraf TelegramError (null for anything else). */
export function apiError(
  error: unknown,
): { code: number; description: string; retryAfter?: number; migrateToChatId?: number } | null {
  if (!error || typeof error !== 'object') return null;
  const shaped = error as ApiErrorShape;
  const code = shaped.response?.error_code ?? shaped.code;
  if (typeof code !== 'number') return null;
  const description = String(shaped.response?.description ?? shaped.description ?? '');
  const parameters = shaped.response?.parameters ?? shaped.parameters;
  const retryAfter = typeof parameters?.retry_after === 'number' ? parameters.retry_after : undefined;
  const migrateToChatId =
    typeof parameters?.migrate_to_chat_id === 'number' ? parameters.migrate_to_chat_id : undefined;
  return {
    code,
    description,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(migrateToChatId !== undefined ? { migrateToChatId } : {}),
  };
}

// 400s that mean the chat is gone for this bot, or the bot may not write there.
// "not enough rights to send polls" is not among them: the chat still takes messages.
const CHAT_GONE_400 = new RegExp(
  [
    'chat not found',
    'peer_id_invalid',
    'user not found',
    'group chat was upgraded',
    'chat_write_forbidden',
    'have no rights to send a message',
    'not enough rights to send text messages',
    'need administrator rights in the channel',
    'bot is not a member',
    'chat is deactivated',
  ].join('|'),
  'i',
);

export function classifyTelegramError(error: unknown): TelegramSendFailure {
  const api = apiError(error);
  if (!api) return { kind: 'transient', reason: error instanceof Error ? error.message : String(error) };
  if (api.code === 429) return { kind: 'rate-limited', retryAfterMs: Math.max(1, api.retryAfter ?? 5) * 1000 };
  if (api.code === 403) return { kind: 'permanent', code: 403, reason: api.description, chatGone: true };
  if (api.code === 400) {
    return {
      kind: 'permanent',
      code: 400,
      reason: api.description,
      chatGone: CHAT_GONE_400.test(api.description),
      ...(api.migrateToChatId !== undefined ? { migrateToChatId: api.migrateToChatId } : {}),
    };
  }
  if (api.code === 401 || api.code === 404)
    return { kind: 'permanent', code: api.code, reason: api.description, chatGone: false };
  return { kind: 'transient', code: api.code, reason: api.description };
}

/** 403 on a private chat: the user never pressed Start, or blocked the bot. */
export const isForbidden = (error: unknown) => apiError(error)?.code === 403;
