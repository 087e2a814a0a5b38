// The Discord bot: a discord.js v14 gateway client (Guilds intent only, nothing privileged) whose
// interactions run the shared registry. Slash commands and buttons run a command as the person
// who typed or pressed; caller-visible answers are ephemeral; commands marked `defer` (and any
// command still running after autoDeferMs) defer within Discord's 3-second window and edit the
// reply when done. An error boundary answers with the UserError's line or a reference id.
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Routes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type RepliableInteraction,
  type RateLimitData,
  type RESTOptions,
} from 'discord.js';
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
import { commandNameOf, identityOf, rawOptions } from './interaction.ts';
import { adoptFromPollVote, type PollVote } from './poll-votes.ts';
import type { ConnectionState } from '../../app/supervise.ts';

export interface DiscordBotConfig {
  DISCORD_TOKEN?: string;
  /** REST base, e.g. https://discord.com/api (tests: a loopback server). */
  DISCORD_API_BASE?: string;
}

export interface DiscordBotOptions {
  config: DiscordBotConfig;
  logger: Logger;
  deps: AppDeps;
  /** A ready-made client (tests); by default one is created with the Guilds intent. */
  client?: Client;
  /** Defer a command that has not answered after this long (Discord allows 3 s). Default 2000. */
  autoDeferMs?: number;
  /** How long autocomplete waits for the market to show P/L. Default 1500. */
  autocompleteMarketMs?: number;
  /** The gateway connection as the health report shows it. */
  onState?(state: ConnectionState, detail?: string): void;
}

export interface DiscordBot {
  /** The current client (a failed start replaces it: discord.js cannot log in again after one). */
  readonly client: Client;
  /** Logs in (gateway) with DISCORD_TOKEN; the signal abandons the attempt and destroys its client. */
  start(signal?: AbortSignal): Promise<void>;
  /** Waits for in-flight interactions (up to 10 s), then closes the gateway connection. */
  stop(): Promise<void>;
  /** Handles one interaction (what the interactionCreate listener calls); resolves when answered. */
  handleInteraction(interaction: Interaction): Promise<void>;
  /** Handles one poll vote (what the messagePollVoteAdd listener calls): an Adopt vote adopts as the voter. */
  handlePollVote(vote: PollVote): Promise<void>;
  /** Resolves when every interaction and vote being handled has been answered. */
  idle(): Promise<void>;
}

/**
 * Gateway intents: Guilds (slash commands, threads) and GuildMessagePolls, so that an "Adopt" vote
 * on a hedge poll can adopt the layer for the voter. Neither is privileged. Polls posted over REST
 * are not in the client's cache, hence the Message/Poll/PollAnswer partials.
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessagePolls];

const EPHEMERAL = MessageFlags.Ephemeral;

/** The one line for a personal subscription whose confirmation Discord refused to DM (50007). */
export const DMS_CLOSED =
  'Personal summary not set up: I cannot send you direct messages. Allow direct messages from server members (server name → Privacy Settings), then run /subscribe kind:personal again.';

/** A personal summary subscription that was just made (or renewed). */
const personalSubscription = (reply: Reply) =>
  !reply.error && (reply.data as { subscription?: { kind?: string } } | undefined)?.subscription?.kind === 'personal';
const NO_MENTIONS = { parse: [] as [] };

/** The longest Retry-After the bot's REST client waits out; beyond it the request fails. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * REST options of the gateway client. discord.js retries a 429 forever, without pause when it
 * has no Retry-After (a hostile or broken peer drew 41,657 requests in 14.5 minutes): such a 429,
 * or one asking for more than MAX_RATE_LIMIT_WAIT_MS, fails the request instead, with a log line;
 * the start's backoff (src/app/supervise.ts) bounds the retries of the login.
 */
export function restOptions(apiBase: string | undefined, logger: Logger): Partial<RESTOptions> {
  return {
    ...(apiBase ? { api: apiBase } : {}),
    retries: 1,
    timeout: 10_000,
    rejectOnRateLimit: (limit: RateLimitData) => {
      const refuse = !(limit.retryAfter > 0) || limit.retryAfter > MAX_RATE_LIMIT_WAIT_MS;
      logger.warn(
        { route: limit.route, method: limit.method, retryAfterMs: limit.retryAfter, global: limit.global },
        refuse ? 'discord rate limit without a usable Retry-After; request failed' : 'discord rate limit; waiting',
      );
      return refuse;
    },
  };
}

/** A rendered message as discord.js interaction options (camelCase; embeds and components as API JSON). */
export function toInteractionOptions(message: DiscordMessage): InteractionReplyOptions & InteractionEditReplyOptions {
  const { body, files } = message;
  return {
    ...(body.content !== undefined ? { content: body.content } : {}),
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    files: files.map((file) => ({
      attachment: file.data,
      name: file.name,
      ...(file.description ? { description: file.description } : {}),
    })),
    allowedMentions: NO_MENTIONS,
  };
}

/** How far an interaction has been answered, beyond what discord.js tracks. */
interface Answer {
  deferring: Promise<unknown> | null;
  /** Edits (progress) in order; the final answer waits for them. */
  edits: Promise<unknown>;
  progressShown: boolean;
  finalSent: boolean;
}

export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const { deps, config } = options;
  const logger = options.logger.child({ platform: 'discord' });
  const autoDeferMs = options.autoDeferMs ?? 2000;
  const onState = options.onState ?? (() => {});
  const newClient = () =>
    new Client({
      intents: DISCORD_INTENTS,
      partials: [Partials.Channel, Partials.Message, Partials.Poll, Partials.PollAnswer],
      allowedMentions: NO_MENTIONS,
      rest: restOptions(config.DISCORD_API_BASE, logger),
    });
  let client = options.client ?? newClient();
  const inFlight = new Set<Promise<void>>();

  const answerOf = (): Answer => ({
    deferring: null,
    edits: Promise.resolve(),
    progressShown: false,
    finalSent: false,
  });

  function defer(interaction: RepliableInteraction, answer: Answer, ephemeral: boolean): Promise<unknown> {
    if (!answer.deferring && !interaction.deferred && !interaction.replied) {
      answer.deferring = interaction.deferReply(ephemeral ? { flags: EPHEMERAL } : {});
    }
    return answer.deferring ?? Promise.resolve();
  }

  /** Sends the final answer: reply, edit the deferred reply, or follow up (whichever is possible). */
  async function respond(
    interaction: RepliableInteraction,
    answer: Answer,
    message: DiscordMessage,
    ephemeral: boolean,
  ): Promise<void> {
    await answer.deferring;
    await answer.edits.catch(() => {});
    const payload = toInteractionOptions(message);
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ ...payload, ...(ephemeral ? { flags: EPHEMERAL } : {}) });
    } else if (interaction.deferred && !answer.finalSent) {
      if (Boolean(interaction.ephemeral) === ephemeral) {
        await interaction.editReply({
          ...payload,
          ...(answer.progressShown && payload.content === undefined ? { content: '' } : {}),
        });
      } else {
        // The deferral's visibility cannot change: replace it with a follow-up of the right kind.
        await interaction.deleteReply().catch(() => {});
        await interaction.followUp({ ...payload, ...(ephemeral ? { flags: EPHEMERAL } : {}) });
      }
    } else {
      await interaction.followUp({ ...payload, ...(ephemeral ? { flags: EPHEMERAL } : {}) });
    }
    answer.finalSent = true;
  }

  /** Posts a shared proposal with its thread and poll, and tells the caller privately how it went. */
  async function shareDiscussion(interaction: RepliableInteraction, answer: Answer, reply: Reply): Promise<void> {
    const channelId = interaction.channelId!;
    let text: string;
    try {
      const result = await openHedgeDiscussion(client.rest, channelId, reply, logger);
      text = result.threadId
        ? `Shared in <#${channelId}> with a discussion thread <#${result.threadId}>${result.pollMessageId ? ' and a poll' : ''}.`
        : `Shared in <#${channelId}>.`;
      if (result.missing.length) text += ` ${result.missing.join('. ')}.`;
    } catch (error) {
      if (!(error instanceof DiscordDeliveryError) || error.failure.kind !== 'permanent') throw error;
      text = `${error.failure.reason}.`;
    }
    // Our own sentence with channel links: not escaped, still mention-free.
    await respond(interaction, answer, { body: { content: text, allowed_mentions: { parse: [] } }, files: [] }, true);
  }

  async function execute(
    interaction: RepliableInteraction,
    name: string,
    command: AnyCommand | undefined,
    identity: Identity,
    raw: Record<string, unknown>,
  ): Promise<void> {
    const answer = answerOf();
    const callerOnly = (command?.visibility ?? 'caller') === 'caller';
    if (command?.defer) await defer(interaction, answer, callerOnly);
    const progress = async (text: string) => {
      if (answer.finalSent) return;
      await defer(interaction, answer, callerOnly);
      answer.progressShown = true;
      answer.edits = answer.edits
        .then(() =>
          interaction.editReply({ content: escapeDiscordMarkdown(text).slice(0, 2000), allowedMentions: NO_MENTIONS }),
        )
        .catch((error: unknown) => {
          logger.warn({ err: error, interactionId: interaction.id }, 'progress edit failed');
        });
      await answer.edits;
    };
    const running = runFor(deps, identity, name, raw, progress);
    // A command not marked defer that runs long (a cold market fetch) is deferred before 3 s pass.
    const timer = setTimeout(() => void defer(interaction, answer, callerOnly).catch(() => {}), autoDeferMs);
    timer.unref?.();
    let reply: Reply;
    try {
      reply = await running;
    } finally {
      clearTimeout(timer);
    }
    if (reply.discussion && reply.visibility === 'channel' && interaction.guildId && interaction.channelId) {
      await shareDiscussion(interaction, answer, reply);
      return;
    }
    if (personalSubscription(reply) && identity.chat.kind !== 'private') {
      // Two more requests before the answer: deferred, so Discord's 3 seconds cannot run out.
      await defer(interaction, answer, true);
      await respond(interaction, answer, await confirmInDm(identity, reply), true);
      return;
    }
    await respond(interaction, answer, renderDiscordMessage(reply), reply.visibility === 'caller');
  }

  /**
   * A personal summary subscribed from a server channel goes to the user's DMs: the confirmation
   * is sent there first, so a user whose DMs are closed (50007) learns it now, in one line, and is
   * not subscribed, rather than being dropped silently by the first morning's delivery.
   */
  async function confirmInDm(identity: Identity, reply: Reply): Promise<DiscordMessage> {
    try {
      const dm = (await client.rest.post(Routes.userChannels(), {
        body: { recipient_id: identity.platformUserId },
      })) as { id: string };
      await postMessage(client.rest, dm.id, renderDiscordMessage(reply));
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

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = commandNameOf(interaction);
    await execute(
      interaction,
      name,
      deps.registry.get(name),
      identityOf(interaction),
      rawOptions(interaction.options.data),
    );
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const decoded = decodeButton(interaction.customId);
    if (!decoded) {
      await interaction.reply({
        ...toInteractionOptions(
          renderNotice('This button is not one of mine, or it is from an older version: run the command again.'),
        ),
        flags: EPHEMERAL,
      });
      return;
    }
    // The button's command runs as the presser, never as whoever posted it.
    await execute(
      interaction,
      decoded.command,
      deps.registry.get(decoded.command),
      identityOf(interaction),
      decoded.options,
    );
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = deps.registry.get(commandNameOf(interaction));
    const focused = interaction.options.getFocused(true);
    const schema = command ? (command.options.shape as Record<string, never>)[focused.name] : undefined;
    if (!schema || optionMeta(schema)?.kind !== 'position-id') {
      await interaction.respond([]);
      return;
    }
    const choices = await positionChoices(deps, identityOf(interaction), String(focused.value ?? ''), {
      marketTimeoutMs: options.autocompleteMarketMs ?? 1500,
    });
    await interaction.respond(choices);
  }

  async function boundary(interaction: Interaction, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const code = discordCode(error);
      if (code === DISCORD_CODES.unknownInteraction) {
        logger.warn({ interactionId: interaction.id }, 'interaction expired before it was answered');
        return;
      }
      const reference = errorReference();
      logger.error({ err: error, reference, interactionId: interaction.id, code }, 'discord interaction failed');
      if (!interaction.isRepliable()) return;
      const text =
        error instanceof UserError
          ? error.message
          : `Something went wrong on my side. It is logged as ref ${reference}.`;
      const payload = toInteractionOptions(renderNotice(text));
      try {
        if (!interaction.deferred && !interaction.replied) await interaction.reply({ ...payload, flags: EPHEMERAL });
        else if (interaction.deferred && !interaction.replied) await interaction.editReply(payload);
        else await interaction.followUp({ ...payload, flags: EPHEMERAL });
      } catch (secondError) {
        logger.warn(
          { err: secondError, reference, interactionId: interaction.id },
          'could not tell the user about the failure',
        );
      }
    }
  }

  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  }

  function handlePollVote(vote: PollVote): Promise<void> {
    return track(
      (async () => {
        try {
          await adoptFromPollVote({ rest: client.rest, deps, logger, botUserId: client.user?.id ?? null }, vote);
        } catch (error) {
          logger.error(
            { err: error, reference: errorReference(), channelId: vote.channelId, messageId: vote.messageId },
            'poll vote failed',
          );
        }
      })(),
    );
  }

  function handleInteraction(interaction: Interaction): Promise<void> {
    const work = interaction.isChatInputCommand()
      ? () => onCommand(interaction)
      : interaction.isAutocomplete()
        ? () => onAutocomplete(interaction)
        : interaction.isButton()
          ? () => onButton(interaction)
          : null;
    if (!work) return Promise.resolve();
    return track(boundary(interaction, work));
  }

  function wire(target: Client): Client {
    if (config.DISCORD_TOKEN) target.rest.setToken(config.DISCORD_TOKEN);
    target.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction));
    target.on(Events.MessagePollVoteAdd, (answer, userId) => {
      const poll = answer.poll;
      void handlePollVote({
        userId,
        channelId: poll.channelId,
        messageId: poll.messageId,
        answerId: answer.id,
        guildId: poll.message.guildId,
      });
    });
    target.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
    target.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
    // One line when the bot is up (a reconnect is logged by its own events, not as a new start).
    target.once(Events.ClientReady, (ready) => {
      onState('connected');
      logger.info({ bot: ready.user.id, guilds: ready.guilds.cache.size }, 'discord ready');
    });
    target.on(Events.ShardDisconnect, (event) => {
      onState('retrying', `gateway closed (${event.code})`);
      logger.warn({ closeCode: event.code }, 'discord gateway disconnected');
    });
    target.on(Events.ShardReconnecting, () => onState('retrying'));
    target.on(Events.ShardResume, () => onState('connected'));
    target.on(Events.ShardReady, () => onState('connected'));
    target.on(Events.Invalidated, () => {
      onState('stopped', 'session invalidated');
      logger.error({}, 'discord session invalidated; the bot is offline until restarted');
    });
    return target;
  }
  wire(client);

  const idle = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };

  return {
    get client() {
      return client;
    },
    handleInteraction,
    handlePollVote,
    idle,
    async start(signal) {
      if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set');
      const attempt = client;
      // discord.js cannot log in again with a client whose login failed: the next attempt gets a new one.
      const replace = () => {
        if (!options.client && client === attempt) client = wire(newClient());
      };
      const abandon = () => {
        replace();
        void attempt.destroy().catch(() => {});
      };
      signal?.addEventListener('abort', abandon, { once: true });
      try {
        await attempt.login(config.DISCORD_TOKEN);
      } catch (error) {
        replace();
        throw error;
      } finally {
        signal?.removeEventListener('abort', abandon);
      }
    },
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 10_000);
        }),
      ]);
      clearTimeout(timer);
      await client.destroy();
    },
  };
}
