// /subscribe: daily summaries. kind=channel subscribes this channel or group (needs the right to
// manage it); kind=personal sends your own positions' summary to you (in a private chat).
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { option, optional } from '../src/app/options.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export default defineCommand({
  name: 'subscribe',
  description: 'Daily summaries here (channel, admins) or to you (personal); the off option stops them',
  options: z
    .object({
      kind: optional(
        option.choice(['channel', 'personal'] as const, {
          description: 'channel (this channel/group) or personal (default in private chats)',
          example: 'channel',
        }),
      ),
      time: optional(
        option.string({
          description: 'Time HH:MM in New York, trading days (default 09:45)',
          example: '09:45',
          maxLength: 5,
          pattern: TIME,
          patternMessage: 'must be a time HH:MM (24 h)',
        }),
      ),
      off: optional(option.boolean({ description: 'Stop the subscription', example: true })),
    })
    .strict(),
  visibility: 'caller',
  // Subscribing the channel or group needs the right to manage it; a private chat has no channel to subscribe.
  requires: {
    permission: 'manage-chat',
    when: (input, chat) => chat.kind !== 'private' && (input.kind ?? 'channel') === 'channel',
    doing: (platform) =>
      platform === 'telegram' ? 'subscribe this group to daily summaries' : 'subscribe this channel',
  },
  examples: ['/subscribe channel', '/subscribe personal 16:15', '/subscribe channel off=true'],
  async run(input, context) {
    const { chat, userId } = context.caller;
    const kind = input.kind ?? (chat.kind === 'private' ? 'personal' : 'channel');
    const zone = context.defaults.summaryTimeZone;
    if (kind === 'channel') {
      if (chat.kind === 'private')
        throw new UserError(
          'channel-in-private',
          'Option kind=channel works in a channel or group; here use /subscribe personal.',
        );
    }
    const target = {
      kind,
      platform: chat.platform,
      // Personal summaries go to the user's private chat: Telegram's private chat id is the user
      // id, and Discord opens a DM from the user id.
      chatId: kind === 'personal' ? context.caller.platformUserId : chat.id,
      userId: kind === 'personal' ? userId : null,
    } as const;
    // A channel's subscription is the channel's business: answered where everyone sees it.
    const visibility = kind === 'channel' ? 'channel' : 'caller';
    if (input.off) {
      const mine = (await context.directory.subscriptions.forChat(target.platform, target.chatId)).filter(
        (s) => s.kind === kind && s.userId === target.userId,
      );
      const stopping = mine.find((s) => s.active);
      // The bot stopped it itself (direct messages closed, the chat gone): say when it was and why.
      const stoppedByBot = mine.findLast(
        (s) => !s.active && s.deactivatedReason && s.deactivatedReason !== 'unsubscribed',
      );
      const removed = await context.directory.subscriptions.remove(target);
      const place = kind === 'channel' ? 'in this channel' : 'to you';
      const at = stopping ? ` at ${stopping.time} ${zone}` : '';
      const line = removed
        ? `Stopped the daily ${kind} summary${at} ${place}; nothing else changed.`
        : stoppedByBot
          ? `The daily ${kind} summary at ${stoppedByBot.time} ${zone} ${place} had already stopped: ` +
            `${stoppedByBot.deactivatedReason}. Nothing else to stop.`
          : `There was no ${kind} daily summary ${place} to stop.`;
      return { title: removed ? 'Unsubscribed' : 'Nothing to stop', visibility, lines: [line] };
    }
    const time = input.time ?? context.defaults.summaryTime;
    const subscription = await context.directory.subscriptions.upsert({ ...target, time, nowMs: context.clock.now() });
    const where =
      kind === 'channel'
        ? 'this channel'
        : chat.kind === 'private'
          ? 'this private chat'
          : chat.platform === 'discord'
            ? 'your direct messages' // the bot opens the DM itself
            : 'your private chat with the bot (start one if you have not)';
    return {
      title: 'Subscribed',
      visibility,
      tone: 'good',
      lines: [
        `Daily ${kind} summary at ${subscription.time} ${zone} on NYSE trading days, to ${where}. Stop with ` +
          `/subscribe ${kind} off=true.`,
      ],
      data: { subscription },
    };
  },
});
