// The scheduler's ChatSender for Discord: posts through the DiscordSender (nonce + enforce_nonce,
// so a resend after a crash cannot duplicate), opens DMs for personal summaries, and maps
// Discord's typed failures to the scheduler's outcomes.
import type { Reply } from '../../app/reply.ts';
import {
  discordBuckets,
  discordPacing,
  type ChatSender,
  type SendOutcome,
  type SendTarget,
} from '../../scheduler/senders.ts';
import { DiscordDeliveryError } from './errors.ts';
import type { DiscordSender } from './sender.ts';

function outcomeOf(error: unknown): SendOutcome {
  if (!(error instanceof DiscordDeliveryError))
    return { ok: false, kind: 'transient', reason: (error as Error)?.message ?? String(error) };
  const failure = error.failure;
  if (failure.kind === 'rate-limited') return { ok: false, kind: 'rate-limited', retryAfterMs: failure.retryAfterMs };
  if (failure.kind === 'transient') return { ok: false, kind: 'transient', reason: failure.reason };
  // A permanent failure that an admin can fix (a missing permission) fails today's send only.
  return failure.deactivate
    ? { ok: false, kind: 'permanent', code: String(failure.code), reason: failure.reason }
    : { ok: false, kind: 'transient', reason: failure.reason };
}

export function discordChatSender(sender: DiscordSender, requestsPerSecond: number): ChatSender {
  const dms = new Map<string, string>();
  const channelFor = async (target: SendTarget) => {
    if (target.kind !== 'personal') return target.chatId;
    let channel = dms.get(target.chatId);
    if (!channel) dms.set(target.chatId, (channel = await sender.openDm(target.chatId)));
    return channel;
  };
  return {
    platform: 'discord',
    idempotent: true,
    buckets: discordBuckets(requestsPerSecond),
    pacing: discordPacing(requestsPerSecond),
    async send(target: SendTarget, reply: Reply, nonce: string) {
      try {
        const { messageId } = await sender.sendReply(await channelFor(target), reply, { nonce });
        return { ok: true, messageId };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async openDiscussion(target: SendTarget, reply: Reply) {
      try {
        const result = await sender.openHedgeDiscussion(await channelFor(target), reply);
        return { ok: true, messageId: result.messageId };
      } catch (error) {
        return outcomeOf(error);
      }
    },
  };
}
