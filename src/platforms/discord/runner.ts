// Running one interaction through the shared registry, whatever carried it: the gateway bot
// (discord.js interaction objects) and the HTTP endpoint (raw payloads, answered in the HTTP
// response and then through the webhook routes) each wrap their interaction in a Responder, and
// this file decides what to send when: defer, progress edits, the final answer (reply, edit or
// follow-up), the shared hedge discussion, and the error boundary.
import { Routes, type REST } from 'discord.js';
import { decodeButton } from '../../app/buttons.ts';
import type { AnyCommand } from '../../app/command.ts';
import { runFor, type AppDeps, type Identity } from '../../app/context.ts';
import { errorReference, UserError } from '../../app/errors.ts';
import { optionMeta } from '../../app/options.ts';
import type { Logger } from '../../app/ports.ts';
import type { Reply } from '../../app/reply.ts';
import {
  escapeDiscordMarkdown,
  renderDiscordMessage,
  renderNotice,
  type DiscordMessage,
} from '../../render/discord.ts';
import { positionChoices } from './autocomplete.ts';
import { openHedgeDiscussion, postMessage } from './discussion.ts';
import { DISCORD_CODES, DiscordDeliveryError, discordCode } from './errors.ts';

/** One interaction's ways to answer, as discord.js names them (deferred/replied mean the same). */
export interface Responder {
  readonly id: string;
  readonly deferred: boolean;
  readonly replied: boolean;
  /** Whether the deferral (or first reply) is visible to the caller only. */
  readonly ephemeral: boolean;
  /** Autocomplete is answered with choices, never with a message. */
  readonly repliable: boolean;
  defer(ephemeral: boolean): Promise<unknown>;
  reply(message: DiscordMessage, ephemeral: boolean): Promise<unknown>;
  /** Edits the deferred or first reply. */
  edit(message: DiscordMessage): Promise<unknown>;
  /** A progress line in place of "thinking…" (content only). */
  progress(text: string): Promise<unknown>;
  followUp(message: DiscordMessage, ephemeral: boolean): Promise<unknown>;
  deleteReply(): Promise<unknown>;
}

/** Where the interaction happened: a shared proposal opens its discussion there. */
export interface Place {
  guildId: string | null;
  channelId: string | null;
}

export interface RunnerOptions {
  deps: AppDeps;
  logger: Logger;
  /** The bot's REST client (the gateway bot's client may be replaced after a failed login). */
  rest(): REST;
  /** Defer a command that has not answered after this long (Discord allows 3 s). Default 2000. */
  autoDeferMs?: number;
  /** Defer every command and button before running it (the HTTP endpoint answers its request at once). */
  deferAtOnce?: boolean;
  /** How long autocomplete waits for the market to show P/L. Default 1500. */
  autocompleteMarketMs?: number;
}

export interface InteractionRunner {
  /** A slash command by name with its raw options, run as `identity`. */
  command(
    responder: Responder,
    place: Place,
    name: string,
    identity: Identity,
    raw: Record<string, unknown>,
  ): Promise<void>;
  /** A button press: the button's command runs as the presser, never as whoever posted it. */
  button(responder: Responder, place: Place, customId: string, identity: Identity): Promise<void>;
  /** Position-id choices for the focused option, or none. */
  autocomplete(
    name: string,
    focused: { name: string; value?: unknown },
    identity: Identity,
  ): Promise<{ name: string; value: string }[]>;
  /** Runs `work`; a failure is answered with the UserError's line or a reference id, and logged. */
  boundary(responder: Responder, work: () => Promise<void>): Promise<void>;
}

/** How far an interaction has been answered, beyond what the responder tracks. */
interface Answer {
  deferring: Promise<unknown> | null;
  /** Edits (progress) in order; the final answer waits for them. */
  edits: Promise<unknown>;
  progressShown: boolean;
  finalSent: boolean;
}

/** The one line for a personal subscription whose confirmation Discord refused to DM (50007). */
export const DMS_CLOSED =
  'Personal summary not set up: I cannot send you direct messages. Allow direct messages from server members ' +
  '(server name → Privacy Settings), then run /subscribe kind:personal again.';

/** A personal summary subscription that was just made (or renewed). */
const personalSubscription = (reply: Reply) =>
  !reply.error && (reply.data as { subscription?: { kind?: string } } | undefined)?.subscription?.kind === 'personal';

export function createInteractionRunner(options: RunnerOptions): InteractionRunner {
  const { deps, logger } = options;
  const autoDeferMs = options.autoDeferMs ?? 2000;

  function defer(responder: Responder, answer: Answer, ephemeral: boolean): Promise<unknown> {
    if (!answer.deferring && !responder.deferred && !responder.replied) answer.deferring = responder.defer(ephemeral);
    return answer.deferring ?? Promise.resolve();
  }

  /** Sends the final answer: reply, edit the deferred reply, or follow up (whichever is possible). */
  async function respond(responder: Responder, answer: Answer, message: DiscordMessage, ephemeral: boolean) {
    await answer.deferring;
    await answer.edits.catch(() => {});
    if (!responder.deferred && !responder.replied) {
      await responder.reply(message, ephemeral);
    } else if (responder.deferred && !answer.finalSent) {
      if (responder.ephemeral === ephemeral) {
        const clearProgress = answer.progressShown && message.body.content === undefined;
        await responder.edit(clearProgress ? { ...message, body: { ...message.body, content: '' } } : message);
      } else {
        // The deferral's visibility cannot change: replace it with a follow-up of the right kind.
        await responder.deleteReply().catch(() => {});
        await responder.followUp(message, ephemeral);
      }
    } else {
      await responder.followUp(message, ephemeral);
    }
    answer.finalSent = true;
  }

  /** Posts a shared proposal with its thread and poll, and tells the caller privately how it went. */
  async function shareDiscussion(responder: Responder, answer: Answer, channelId: string, reply: Reply) {
    let text: string;
    try {
      const result = await openHedgeDiscussion(options.rest(), channelId, reply, logger);
      text = result.threadId
        ? `Shared in <#${channelId}> with a discussion thread <#${result.threadId}>` +
          `${result.pollMessageId ? ' and a poll' : ''}.`
        : `Shared in <#${channelId}>.`;
      if (result.missing.length) text += ` ${result.missing.join('. ')}.`;
    } catch (error) {
      if (!(error instanceof DiscordDeliveryError) || error.failure.kind !== 'permanent') throw error;
      text = `${error.failure.reason}.`;
    }
    // Our own sentence with channel links: not escaped, still mention-free.
    await respond(responder, answer, { body: { content: text, allowed_mentions: { parse: [] } }, files: [] }, true);
  }

  async function execute(
    responder: Responder,
    place: Place,
    name: string,
    command: AnyCommand | undefined,
    identity: Identity,
    raw: Record<string, unknown>,
  ): Promise<void> {
    const answer: Answer = { deferring: null, edits: Promise.resolve(), progressShown: false, finalSent: false };
    const callerOnly = (command?.visibility ?? 'caller') === 'caller';
    if (command?.defer || options.deferAtOnce) await defer(responder, answer, callerOnly);
    const progress = async (text: string) => {
      if (answer.finalSent) return;
      await defer(responder, answer, callerOnly);
      answer.progressShown = true;
      answer.edits = answer.edits
        .then(() => responder.progress(escapeDiscordMarkdown(text).slice(0, 2000)))
        .catch((error: unknown) => {
          logger.warn({ err: error, interactionId: responder.id }, 'progress edit failed');
        });
      await answer.edits;
    };
    const running = runFor(deps, identity, name, raw, progress);
    // A command not marked defer that runs long (a cold market fetch) is deferred before 3 s pass.
    const timer = setTimeout(() => void defer(responder, answer, callerOnly).catch(() => {}), autoDeferMs);
    timer.unref?.();
    let reply: Reply;
    try {
      reply = await running;
    } finally {
      clearTimeout(timer);
    }
    if (reply.discussion && reply.visibility === 'channel' && place.guildId && place.channelId) {
      await shareDiscussion(responder, answer, place.channelId, reply);
      return;
    }
    if (personalSubscription(reply) && identity.chat.kind !== 'private') {
      // Two more requests before the answer: deferred, so Discord's 3 seconds cannot run out.
      await defer(responder, answer, true);
      await respond(responder, answer, await confirmInDm(identity, reply), true);
      return;
    }
    await respond(responder, answer, renderDiscordMessage(reply), reply.visibility === 'caller');
  }

  /**
   * A personal summary subscribed from a server channel goes to the user's DMs: the confirmation
   * is sent there first, so a user whose DMs are closed (50007) learns it now, in one line, and is
   * not subscribed, rather than being dropped silently by the first morning's delivery.
   */
  async function confirmInDm(identity: Identity, reply: Reply): Promise<DiscordMessage> {
    const rest = options.rest();
    try {
      const dm = (await rest.post(Routes.userChannels(), {
        body: { recipient_id: identity.platformUserId },
      })) as { id: string };
      await postMessage(rest, dm.id, renderDiscordMessage(reply));
      return renderDiscordMessage({
        ...reply,
        lines: [...(reply.lines ?? []), 'I sent this confirmation to your direct messages too.'],
      });
    } catch (error) {
      if (discordCode(error) !== DISCORD_CODES.cannotMessageUser) {
        // Not a refusal of DMs (an outage, a timeout): the subscription stands; the scheduler retries.
        logger.warn({ err: error, code: discordCode(error) }, 'could not send the subscription confirmation by DM');
        return renderDiscordMessage(reply);
      }
      const stopped = await runFor(deps, identity, 'subscribe', { kind: 'personal', off: true });
      if (stopped.error)
        logger.warn({ identifier: stopped.error.identifier }, 'could not drop the undeliverable subscription');
      return renderNotice(DMS_CLOSED);
    }
  }

  return {
    command: (responder, place, name, identity, raw) =>
      execute(responder, place, name, deps.registry.get(name), identity, raw),

    async button(responder, place, customId, identity) {
      const decoded = decodeButton(customId);
      if (!decoded) {
        await responder.reply(
          renderNotice('This button is not one of mine, or it is from an older version: run the command again.'),
          true,
        );
        return;
      }
      await execute(responder, place, decoded.command, deps.registry.get(decoded.command), identity, decoded.options);
    },

    async autocomplete(name, focused, identity) {
      const command = deps.registry.get(name);
      const schema = command ? (command.options.shape as Record<string, never>)[focused.name] : undefined;
      if (!schema || optionMeta(schema)?.kind !== 'position-id') return [];
      return positionChoices(deps, identity, String(focused.value ?? ''), {
        marketTimeoutMs: options.autocompleteMarketMs ?? 1500,
      });
    },

    async boundary(responder, work) {
      try {
        await work();
      } catch (error) {
        const code = discordCode(error);
        if (code === DISCORD_CODES.unknownInteraction) {
          logger.warn({ interactionId: responder.id }, 'interaction expired before it was answered');
          return;
        }
        const reference = errorReference();
        logger.error({ err: error, reference, interactionId: responder.id, code }, 'discord interaction failed');
        if (!responder.repliable) return;
        const text =
          error instanceof UserError
            ? error.message
            : `Something went wrong on my side. It is logged as ref ${reference}.`;
        const notice = renderNotice(text);
        try {
          if (!responder.deferred && !responder.replied) await responder.reply(notice, true);
          else if (responder.deferred && !responder.replied) await responder.edit(notice);
          else await responder.followUp(notice, true);
        } catch (secondError) {
          logger.warn(
            { err: secondError, reference, interactionId: responder.id },
            'could not tell the user about the failure',
          );
        }
      }
    },
  };
}
