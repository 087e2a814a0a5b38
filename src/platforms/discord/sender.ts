// The scheduler's way to Discord: post a Reply to a channel (idempotent with a nonce), open a DM,
// open a hedge discussion. Failures come back as DiscordDeliveryError with a typed failure, so the
// scheduler can pace (rate-limited), retry (transient) and deactivate (permanent + deactivate).
import { createHash } from 'node:crypto';
import { REST, Routes, type RateLimitData } from 'discord.js';
import type { Logger } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import { renderDiscordMessage } from '../../render/discord.ts';
import { openHedgeDiscussion, postMessage, type DiscussionResult } from './discussion.ts';
import { DiscordDeliveryError, classifyDiscordError } from './errors.ts';

export interface DiscordSender {
  /**
   * Posts a reply; with a nonce, a retry within Discord's dedup window returns the original message instead of a
   * duplicate.
   */
  sendReply(channelId: string, reply: Reply, options?: { nonce?: string }): Promise<{ messageId: string }>;
  /** The DM channel with a user (created or found). */
  openDm(userId: string): Promise<string>;
  /** The proposal, a thread, a poll and an Adopt button (see discussion.ts). */
  openHedgeDiscussion(channelId: string, reply: Reply): Promise<DiscussionResult>;
  readonly rest: REST;
}

export interface DiscordSenderOptions {
  logger: Logger;
  /** An existing REST client (e.g. the bot client's); else one is made from token and apiBase. */
  rest?: REST;
  token?: string;
  /** DISCORD_API_BASE, e.g. https://discord.com/api. */
  apiBase?: string;
  /**
   * A 429 whose Retry-After is at most this long is waited out inside discord.js REST; a longer
   * one is thrown as { kind: 'rate-limited', retryAfterMs } for the scheduler to reschedule.
   * Only applies to a REST client made here. Default 10 s.
   */
  maxRateLimitWaitMs?: number;
  /** Retries of 5xx / reset connections inside REST (default 3). */
  retries?: number;
}

/** Discord's nonce is at most 25 characters: longer keys (ledger keys) are hashed to 25. */
export function discordNonce(key: string): string {
  return key.length <= 25 ? key : createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

export function createDiscordRest(options: {
  token: string;
  apiBase?: string;
  maxRateLimitWaitMs?: number;
  retries?: number;
}): REST {
  const maxWait = options.maxRateLimitWaitMs ?? 10_000;
  return new REST({
    version: '10',
    ...(options.apiBase ? { api: options.apiBase } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > maxWait,
  }).setToken(options.token);
}

export function createDiscordSender(options: DiscordSenderOptions): DiscordSender {
  const rest =
    options.rest ??
    (options.token
      ? createDiscordRest({
          token: options.token,
          apiBase: options.apiBase,
          maxRateLimitWaitMs: options.maxRateLimitWaitMs,
          retries: options.retries,
        })
      : null);
  if (!rest) throw new Error('createDiscordSender needs rest or token');
  const logger = options.logger.child({ platform: 'discord', part: 'sender' });

  const typed = async <T>(what: string, target: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      const failure = classifyDiscordError(error);
      logger.warn({ what, target, failure }, 'discord delivery failed');
      throw error instanceof DiscordDeliveryError ? error : new DiscordDeliveryError(failure, { cause: error });
    }
  };

  return {
    rest,
    sendReply(channelId, reply, sendOptions = {}) {
      return typed('message', channelId, async () => {
        const extra = sendOptions.nonce ? { nonce: discordNonce(sendOptions.nonce), enforce_nonce: true } : {};
        const messageId = await postMessage(rest, channelId, renderDiscordMessage(reply), extra);
        return { messageId };
      });
    },
    openDm(userId) {
      return typed('dm', userId, async () => {
        const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
        return channel.id;
      });
    },
    openHedgeDiscussion(channelId, reply) {
      return typed('discussion', channelId, () => openHedgeDiscussion(rest, channelId, reply, logger));
    },
  };
}
