// A hedge discussion in a channel: the proposal as a message, a thread started from it, a native
// poll (Adopt / Skip / Need more data) and an Adopt button in the thread. The button runs
// reply.discussion.adopt as whoever presses it, so it records the layer on the presser's own
// position (or says it is not theirs). Missing permissions degrade to one plain message that says
// exactly what was missing. Shared by the interaction handler and the scheduler's sender.
import { Routes, type REST } from 'discord.js';
import type { Logger } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import {
  renderButtons,
  renderDiscordMessage,
  renderNotice,
  renderPoll,
  threadName,
  type DiscordMessage,
} from '../../render/discord.ts';
import { DiscordDeliveryError, classifyDiscordError, missingText, type DiscussionStep } from './errors.ts';

export interface DiscussionResult {
  /** The proposal's message in the channel. */
  messageId: string;
  threadId: string | null;
  pollMessageId: string | null;
  adoptMessageId: string | null;
  /** What could not be done, one sentence each (also posted as a plain message). */
  missing: string[];
}

/** Thread auto-archive after a day of silence (the poll runs 24 h). */
const AUTO_ARCHIVE_MINUTES = 1440;

/** Posts a rendered message to a channel or thread; returns the message id. */
export async function postMessage(
  rest: REST,
  channelId: string,
  message: DiscordMessage,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const files = message.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType }));
  const created = (await rest.post(Routes.channelMessages(channelId), {
    body: { ...message.body, ...extra },
    ...(files.length ? { files } : {}),
  })) as { id: string };
  return created.id;
}

/**
 * Opens the discussion for a reply with `discussion`. Throws DiscordDeliveryError when even the
 * proposal cannot be posted (with `missing` text in its reason when it is a permission problem).
 */
export async function openHedgeDiscussion(
  rest: REST,
  channelId: string,
  reply: Reply,
  logger: Logger,
): Promise<DiscussionResult> {
  const discussion = reply.discussion;
  if (!discussion) throw new Error('openHedgeDiscussion needs a reply with a discussion');
  let messageId: string;
  try {
    messageId = await postMessage(rest, channelId, renderDiscordMessage(reply));
  } catch (error) {
    const failure = classifyDiscordError(error);
    const text = missingText('post', error);
    throw new DiscordDeliveryError(failure.kind === 'permanent' && text ? { ...failure, reason: text } : failure, {
      cause: error,
    });
  }

  const missing: string[] = [];
  const attempt = async <T>(step: DiscussionStep, action: () => Promise<T>): Promise<T | null> => {
    try {
      return await action();
    } catch (error) {
      const text = missingText(step, error);
      if (!text) throw error;
      logger.warn({ channelId, step, code: (error as { code?: unknown }).code }, 'hedge discussion degraded');
      missing.push(text);
      return null;
    }
  };

  const thread = await attempt(
    'thread',
    async () =>
      (await rest.post(Routes.threads(channelId, messageId), {
        body: { name: threadName(discussion.threadName), auto_archive_duration: AUTO_ARCHIVE_MINUTES },
      })) as { id: string },
  );
  const threadId = thread?.id ?? null;

  let pollMessageId: string | null = null;
  let adoptMessageId: string | null = null;
  if (threadId) {
    let pollError: unknown = null;
    try {
      pollMessageId = await postMessage(rest, threadId, {
        body: { allowed_mentions: { parse: [] }, poll: renderPoll(discussion) },
        files: [],
      });
    } catch (error) {
      if (!missingText('poll', error)) throw error;
      pollError = error;
    }
    const adopt = discussion.adopt;
    if (adopt) {
      const adoptButton = renderButtons({
        buttons: [{ label: 'Adopt', style: 'success', command: adopt.command, options: adopt.options }],
      });
      const layer = adopt.options.adopt;
      const positionId = adopt.options.id;
      const what = layer !== undefined ? `layer ${layer}` : 'this hedge';
      const onPosition = positionId !== undefined ? ` on position ${positionId}` : '';
      const adoptText =
        `Adopt records ${what}${onPosition} for whoever presses it, if the position is theirs; ` +
        'the answer is private.';
      adoptMessageId = await attempt('thread-message', async () =>
        postMessage(rest, threadId, {
          ...renderNotice(adoptText),
          body: { ...renderNotice(adoptText).body, components: adoptButton },
        }),
      );
    }
    if (pollError) {
      // If the button message went through, the thread is writable: the poll itself was refused.
      missing.push(
        adoptMessageId
          ? missingText('poll', pollError)!
          : missingText('poll', pollError)!.replace(/Send Polls/, 'Send Polls (and Send Messages in Threads)'),
      );
    }
  }

  if (missing.length) {
    const text =
      `${missing.join('. ')}. The proposal above still works: its buttons record a layer for whoever ` +
      `presses them.`;
    try {
      await postMessage(rest, adoptMessageId ? threadId! : channelId, renderNotice(text));
    } catch (error) {
      logger.warn(
        { channelId, code: (error as { code?: unknown }).code },
        'could not post the degraded-discussion notice',
      );
    }
  }
  return { messageId, threadId, pollMessageId, adoptMessageId, missing };
}
