// Hedge-discussion polls the bot has opened, by poll id, so a poll_answer (which carries only the
// poll id, the voter and the chosen options) can run the adopt command as the voter. Kept in
// memory, bounded and expiring with the discussion: a restart forgets open polls, and votes on
// them are then only counted by Telegram (the Adopt button keeps working, it carries its command).
import type { ReplyDiscussion } from '../../app/reply.ts';

export interface OpenPoll {
  pollId: string;
  chatId: string;
  chatTitle?: string;
  messageId: number;
  adoptOption: number;
  adopt: ReplyDiscussion['adopt'];
  expiresMs: number;
}

export interface PollRegistry {
  remember(poll: OpenPoll): void;
  /** The poll if known and not expired. */
  get(pollId: string, nowMs: number): OpenPoll | undefined;
  readonly size: number;
}

export function createPollRegistry(maxPolls = 1000): PollRegistry {
  const polls = new Map<string, OpenPoll>();
  return {
    remember(poll) {
      polls.delete(poll.pollId);
      polls.set(poll.pollId, poll);
      // Maps iterate in insertion order: the first key is the oldest.
      while (polls.size > maxPolls) polls.delete(polls.keys().next().value!);
    },
    get(pollId, nowMs) {
      const poll = polls.get(pollId);
      if (poll && poll.expiresMs <= nowMs) {
        polls.delete(pollId);
        return undefined;
      }
      return poll;
    },
    get size() {
      return polls.size;
    },
  };
}
