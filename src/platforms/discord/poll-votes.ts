// Adopting a hedge through the discussion's poll: an "Adopt" vote on one of our polls runs the
// Adopt button's command (posted right after the poll in the thread) as the voter, exactly as
// pressing the button would: it records nothing, it shows what adopting would record with a
// Confirm button. Only the position's owner gets that review, in a DM (a vote has no reply of its
// own); anyone else's vote is just a vote. Stateless: everything is read back from the thread, so
// it works across restarts.
import { Routes, type REST } from 'discord.js';
import { decodeButton } from '../../app/buttons.ts';
import { runFor, type AppDeps } from '../../app/context.ts';
import type { Logger } from '../../app/ports.ts';
import { ADOPT_ANSWER, type Reply } from '../../app/reply.ts';
import { renderDiscordMessage } from '../../render/discord.ts';
import { postMessage } from './discussion.ts';

export interface PollVote {
  userId: string;
  channelId: string;
  messageId: string;
  answerId: number;
  guildId?: string | null;
}

interface ApiMessage {
  id: string;
  author?: { id: string; bot?: boolean };
  poll?: { answers: { answer_id: number; poll_media: { text?: string } }[] };
  components?: { components?: { custom_id?: string }[] }[];
}

export interface PollVoteContext {
  rest: REST;
  deps: AppDeps;
  logger: Logger;
  /** The bot's own user id, when known (after login): only its polls count. */
  botUserId?: string | null;
}

/** Sends the owner's Adopt vote its review; returns the reply sent, or null when the vote was not one to act on. */
export async function adoptFromPollVote(context: PollVoteContext, vote: PollVote): Promise<Reply | null> {
  const { rest, deps, logger } = context;
  const ours = (message: ApiMessage) =>
    Boolean(message.author?.bot) && (!context.botUserId || message.author?.id === context.botUserId);
  const poll = (await rest.get(Routes.channelMessage(vote.channelId, vote.messageId))) as ApiMessage;
  if (!poll.poll || !ours(poll)) return null;
  const answer = poll.poll.answers.find((a) => a.answer_id === vote.answerId);
  if (answer?.poll_media.text !== ADOPT_ANSWER) return null;

  // The Adopt button is posted right after the poll; its payload says what adopting means.
  const after = (await rest.get(Routes.channelMessages(vote.channelId), {
    query: new URLSearchParams({ after: vote.messageId, limit: '5' }),
  })) as ApiMessage[];
  const adopt = after
    .filter(ours)
    .flatMap((message) => message.components ?? [])
    .flatMap((row) => row.components ?? [])
    .map((component) => (component.custom_id ? decodeButton(component.custom_id) : null))
    .find((decoded) => decoded !== null);
  if (!adopt) {
    logger.warn(
      { channelId: vote.channelId, messageId: vote.messageId },
      'adopt vote on a poll without an Adopt button',
    );
    return null;
  }

  const user = (await rest.get(Routes.user(vote.userId))) as { username: string; global_name?: string | null };
  const reply = await runFor(
    deps,
    {
      platform: 'discord',
      platformUserId: vote.userId,
      displayName: user.global_name ?? user.username,
      chat: {
        platform: 'discord',
        id: vote.channelId,
        kind: 'channel',
        ...(vote.guildId ? { guildId: vote.guildId } : {}),
        callerCanManage: false,
      },
    },
    adopt.command,
    adopt.options,
  );
  // Not the voter's position: a discussion vote, nothing to tell them (docs/discord.md).
  if (reply.error?.identifier === 'position-not-found') return null;
  const told: Reply = {
    ...reply,
    lines: [`You voted ${ADOPT_ANSWER} in a hedge discussion poll:`, ...(reply.lines ?? [])],
  };
  try {
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: vote.userId } })) as { id: string };
    await postMessage(rest, dm.id, renderDiscordMessage(told));
  } catch (error) {
    logger.warn(
      { userId: vote.userId, code: (error as { code?: unknown }).code },
      'could not send the owner the review of their Adopt vote',
    );
  }
  return told;
}
