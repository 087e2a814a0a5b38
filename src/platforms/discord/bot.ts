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
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type RepliableInteraction,
  type RateLimitData,
  type RESTOptions,
} from 'discord.js';
import type { AppDeps } from '../../app/context.ts';
import { errorReference } from '../../app/errors.ts';
import type { Logger } from '../../app/ports.ts';
import type { DiscordMessage } from '../../render/discord.ts';
import { commandNameOf, identityOf, rawOptions } from './interaction.ts';
import { adoptFromPollVote, type PollVote } from './poll-votes.ts';
import { createInteractionRunner, type Responder } from './runner.ts';
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

/** A discord.js interaction as the runner's Responder (gateway: every answer is a REST call). */
export function gatewayResponder(interaction: RepliableInteraction): Responder {
  return {
    id: interaction.id,
    get deferred() {
      return interaction.deferred;
    },
    get replied() {
      return interaction.replied;
    },
    get ephemeral() {
      return Boolean(interaction.ephemeral);
    },
    repliable: true,
    defer: (ephemeral) => interaction.deferReply(ephemeral ? { flags: EPHEMERAL } : {}),
    reply: (message, ephemeral) =>
      interaction.reply({ ...toInteractionOptions(message), ...(ephemeral ? { flags: EPHEMERAL } : {}) }),
    edit: (message) => interaction.editReply(toInteractionOptions(message)),
    progress: (text) => interaction.editReply({ content: text, allowedMentions: NO_MENTIONS }),
    followUp: (message, ephemeral) =>
      interaction.followUp({ ...toInteractionOptions(message), ...(ephemeral ? { flags: EPHEMERAL } : {}) }),
    deleteReply: () => interaction.deleteReply(),
  };
}

/** Autocomplete has no message to answer with: the runner never asks it to reply. */
function choicesOnly(interaction: AutocompleteInteraction): Responder {
  const refuse = () => Promise.reject(new Error('autocomplete cannot reply'));
  return {
    id: interaction.id,
    deferred: false,
    replied: false,
    ephemeral: false,
    repliable: false,
    defer: refuse,
    reply: refuse,
    edit: refuse,
    progress: refuse,
    followUp: refuse,
    deleteReply: refuse,
  };
}

export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const { deps, config } = options;
  const logger = options.logger.child({ platform: 'discord' });
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
  const runner = createInteractionRunner({
    deps,
    logger,
    rest: () => client.rest,
    ...(options.autoDeferMs !== undefined ? { autoDeferMs: options.autoDeferMs } : {}),
    ...(options.autocompleteMarketMs !== undefined ? { autocompleteMarketMs: options.autocompleteMarketMs } : {}),
  });
  const placeOf = (interaction: Interaction) => ({
    guildId: interaction.guildId ?? null,
    channelId: interaction.channelId ?? null,
  });

  function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    return runner.command(
      gatewayResponder(interaction),
      placeOf(interaction),
      commandNameOf(interaction),
      identityOf(interaction),
      rawOptions(interaction.options.data),
    );
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const choices = await runner.autocomplete(commandNameOf(interaction), focused, identityOf(interaction));
    await interaction.respond(choices);
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
    if (interaction.isChatInputCommand())
      return track(runner.boundary(gatewayResponder(interaction), () => onCommand(interaction)));
    if (interaction.isAutocomplete())
      return track(runner.boundary(choicesOnly(interaction), () => onAutocomplete(interaction)));
    if (interaction.isButton()) {
      const responder = gatewayResponder(interaction);
      return track(
        runner.boundary(responder, () =>
          runner.button(responder, placeOf(interaction), interaction.customId, identityOf(interaction)),
        ),
      );
    }
    return Promise.resolve();
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
