// Discord interactions over HTTP: the stateless alternative to the gateway (docs/discord.md
// "Interactions over HTTP"). Discord POSTs each interaction to DISCORD_INTERACTIONS_PATH signed with
// Ed25519; every request is verified (node:crypto, the application's public key) before its body is
// parsed, and one older than five minutes is refused as a replay. A PING is answered with a PONG,
// autocomplete with its choices, and a command or button is deferred in the HTTP response at once;
// its answer then goes through the webhook routes (edit @original, follow-ups) with the same runner
// and registry the gateway bot uses (runner.ts). Nothing is kept between requests beyond the shared
// store, so any number of replicas can sit behind a load balancer.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  REST,
  Routes,
  type APIInteraction,
  type APIInteractionResponse,
} from 'discord.js';
import { decodeButton } from '../../app/buttons.ts';
import type { AppDeps } from '../../app/context.ts';
import type { Logger } from '../../app/ports.ts';
import { renderNotice, type DiscordMessage } from '../../render/discord.ts';
import { boundedRefusalLog } from '../../app/refusal-log.ts';
import { commandNameFrom, factsOfPayload, focusedOption, identityFrom, rawOptions } from './interaction.ts';
import { restOptions } from './bot.ts';
import { createInteractionRunner, type Place, type Responder } from './runner.ts';

export const SIGNATURE_HEADER = 'x-signature-ed25519';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
/** A signed request older (or newer) than this is refused: a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_S = 5 * 60;
/**
 * The largest body accepted. An interaction is a few kilobytes; a button press carries its message
 * (at most 6,000 characters of embeds plus components), so 256 KiB is ample and bounds memory per request.
 */
export const MAX_INTERACTION_BYTES = 256 * 1024;

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): followed by the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (64 hex characters from the Developer Portal) as a node:crypto key. */
export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('a Discord public key is 32 bytes (64 hex characters)');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Why a request is refused, or null when its signature and timestamp are good. */
export function signatureProblem(
  key: KeyObject,
  signature: string | string[] | undefined,
  timestamp: string | string[] | undefined,
  body: Buffer,
  nowMs: number,
): string | null {
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'missing signature headers';
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return 'malformed signature';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_S) return 'timestamp outside five minutes';
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  return verify(null, signed, key, Buffer.from(signature, 'hex')) ? null : 'bad signature';
}

export interface InteractionsEndpointOptions {
  /** DISCORD_PUBLIC_KEY, hex. */
  publicKey: string;
  host: string;
  /** 0: any free port (tests). */
  port: number;
  path: string;
  deps: AppDeps;
  logger: Logger;
  /** The bot's REST client: webhook routes (no bot auth) and shared proposals (bot auth). */
  rest: REST;
  maxBodyBytes?: number;
  autocompleteMarketMs?: number;
  /** Commands running at once in this process (default DEFAULT_CONCURRENT_COMMANDS). */
  concurrentCommands?: number;
}

export interface InteractionsEndpoint {
  /** The port it listens on (after start). */
  readonly port: number;
  /** Listens; resolves once it accepts requests. */
  start(signal?: AbortSignal): Promise<void>;
  /** Resolves when every interaction being handled has been answered. */
  idle(): Promise<void>;
  /** Stops accepting, waits for in-flight answers (up to 10 s), then closes. */
  stop(): Promise<void>;
}

const EPHEMERAL = MessageFlags.Ephemeral;

/**
 * Commands that run at once in one process. A command's engine and chart work holds the event
 * loop for tens to hundreds of milliseconds; with every command of a burst running together, the
 * requests that arrive meanwhile waited seconds for their deferral (7 s for the 20th of 20
 * /condor eval at once, past Discord's 3 s). Deferred first and run two at a time, with a turn of
 * the event loop before each, a new request is deferred within about one command's time. More
 * throughput comes from more replicas (docs/discord.md §6).
 */
export const DEFAULT_CONCURRENT_COMMANDS = 2;

/** At most `limit` works at once, first come first served, each started after pending I/O. */
function createSlots(limit: number): (work: () => Promise<void>) => Promise<void> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      // Let the poll phase read and defer the requests that arrived meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** The endpoint's REST client: the gateway client's rate-limit rules, with the bot token for shared proposals. */
export function interactionsRest(token: string, apiBase: string | undefined, logger: Logger): REST {
  return new REST({ version: '10', ...restOptions(apiBase, logger) }).setToken(token);
}

function sendJson(response: ServerResponse, status: number, body: unknown): Promise<void> {
  const text = JSON.stringify(body);
  return new Promise((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  });
}

/** Reads at most `limit` bytes; null when the body is larger. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A message as the webhook routes take it: JSON body, files as multipart. */
const webhookRequest = (message: DiscordMessage, flags?: number) => ({
  body: { ...message.body, ...(flags ? { flags } : {}) },
  ...(message.files.length
    ? { files: message.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType })) }
    : {}),
  // The interaction token is the credential of these routes, not the bot token.
  auth: false,
});

/**
 * An HTTP interaction as the runner's Responder: the first answer (deferral or reply) is the HTTP
 * response itself, everything after it goes through the webhook routes with the interaction's token.
 */
function webhookResponder(
  interaction: APIInteraction,
  rest: REST,
  answerHttp: (body: APIInteractionResponse) => Promise<void>,
): Responder {
  const original = Routes.webhookMessage(interaction.application_id, interaction.token, '@original');
  let deferred = false;
  let replied = false;
  let ephemeral = false;
  const responder: Responder = {
    id: interaction.id,
    get deferred() {
      return deferred;
    },
    get replied() {
      return replied;
    },
    get ephemeral() {
      return ephemeral;
    },
    repliable: true,
    async defer(asEphemeral) {
      deferred = true;
      ephemeral = asEphemeral;
      await answerHttp({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: asEphemeral ? { flags: EPHEMERAL } : {},
      });
    },
    async reply(message, asEphemeral) {
      if (message.files.length) {
        // Files cannot ride in the JSON answer: defer, then edit them in.
        await responder.defer(asEphemeral);
        await responder.edit(message);
        return;
      }
      replied = true;
      ephemeral = asEphemeral;
      await answerHttp({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { ...message.body, ...(asEphemeral ? { flags: EPHEMERAL } : {}) } as never,
      });
    },
    async edit(message) {
      await rest.patch(original, webhookRequest(message));
      replied = true;
    },
    progress: (text) => rest.patch(original, { body: { content: text, allowed_mentions: { parse: [] } }, auth: false }),
    followUp: (message, asEphemeral) =>
      rest.post(Routes.webhook(interaction.application_id, interaction.token), {
        ...webhookRequest(message, asEphemeral ? EPHEMERAL : undefined),
        query: new URLSearchParams({ wait: 'true' }),
      }),
    deleteReply: () => rest.delete(original, { auth: false }),
  };
  return responder;
}

const notice = (text: string): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { ...renderNotice(text).body, flags: EPHEMERAL } as never,
});

export function createInteractionsEndpoint(options: InteractionsEndpointOptions): InteractionsEndpoint {
  const { deps, rest } = options;
  const logger = options.logger.child({ platform: 'discord', part: 'interactions' });
  const key = discordPublicKey(options.publicKey);
  const maxBody = options.maxBodyBytes ?? MAX_INTERACTION_BYTES;
  const runner = createInteractionRunner({
    deps,
    logger,
    rest: () => rest,
    deferAtOnce: true,
    ...(options.autocompleteMarketMs !== undefined ? { autocompleteMarketMs: options.autocompleteMarketMs } : {}),
  });
  const logRefused = boundedRefusalLog(
    logger,
    () => deps.clock.now(),
    'interaction request refused: missing or invalid signature (at most one such line a minute)',
  );
  const inFlight = new Set<Promise<void>>();
  const commandSlot = createSlots(options.concurrentCommands ?? DEFAULT_CONCURRENT_COMMANDS);
  /** Whether a command answers privately (its deferral must say so: it cannot change later). */
  const callerOnly = (name: string) => (deps.registry.get(name)?.visibility ?? 'caller') === 'caller';
  let server: Server | null = null;
  let port = options.port;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };

  /** Runs a command or button; resolves with the first answer (the deferral), sent as the HTTP response. */
  function runDeferred(
    interaction: APIInteraction,
    response: ServerResponse,
    /** The deferral's visibility (true: private), or null to let the runner answer (an unknown button). */
    deferAs: boolean | null,
    work: (responder: Responder, place: Place) => Promise<void>,
  ): Promise<void> {
    let written: Promise<void> | null = null;
    let firstAnswer!: (body: APIInteractionResponse) => void;
    const first = new Promise<APIInteractionResponse>((resolve) => {
      firstAnswer = resolve;
    });
    const responder = webhookResponder(interaction, rest, (body) => {
      if (written) return Promise.reject(new Error('the interaction was already answered'));
      firstAnswer(body);
      written = sendJson(response, 200, body);
      return written;
    });
    const place: Place = {
      guildId: interaction.guild_id ?? null,
      channelId: interaction.channel?.id ?? interaction.channel_id ?? null,
    };
    const running = track(
      runner.boundary(responder, async () => {
        // Deferred first, then the command waits for its turn (see commandSlot).
        if (deferAs !== null) await responder.defer(deferAs);
        await commandSlot(() => work(responder, place));
      }),
    );
    // A run that ended without answering (it cannot, short of a bug) still gets one line.
    void running.then(() => {
      if (!written) firstAnswer(notice('Nothing to answer.'));
    });
    return first.then((body) => written ?? sendJson(response, 200, body));
  }

  async function dispatch(interaction: APIInteraction, response: ServerResponse): Promise<void> {
    switch (interaction.type) {
      case InteractionType.Ping:
        return sendJson(response, 200, { type: InteractionResponseType.Pong });
      case InteractionType.ApplicationCommand: {
        const data = interaction.data;
        if (data.type !== ApplicationCommandType.ChatInput)
          return sendJson(response, 200, notice('Only slash commands are mine: type / and pick one.'));
        const identity = identityFrom(factsOfPayload(interaction));
        const name = commandNameFrom(data.name, data.options);
        return runDeferred(interaction, response, callerOnly(name), (responder, place) =>
          runner.command(responder, place, name, identity, rawOptions(data.options ?? [])),
        );
      }
      case InteractionType.MessageComponent: {
        if (interaction.data.component_type !== ComponentType.Button)
          return sendJson(response, 200, notice('This control is not one of mine: run the command again.'));
        const identity = identityFrom(factsOfPayload(interaction));
        const customId = interaction.data.custom_id;
        const decoded = decodeButton(customId);
        return runDeferred(interaction, response, decoded ? callerOnly(decoded.command) : null, (responder, place) =>
          runner.button(responder, place, customId, identity),
        );
      }
      case InteractionType.ApplicationCommandAutocomplete: {
        const data = interaction.data;
        const focused = focusedOption(data.options);
        const identity = identityFrom(factsOfPayload(interaction));
        const choices = focused
          ? await runner
              .autocomplete(commandNameFrom(data.name, data.options), focused, identity)
              .catch((error: unknown) => {
                logger.warn({ err: error, interactionId: interaction.id }, 'autocomplete failed');
                return [];
              })
          : [];
        return sendJson(response, 200, {
          type: InteractionResponseType.ApplicationCommandAutocompleteResult,
          data: { choices },
        });
      }
      default:
        return sendJson(response, 200, notice('This kind of interaction is not one I answer.'));
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== options.path) {
      request.resume();
      await sendJson(response, 404, { error: 'not found' });
      return;
    }
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      await sendJson(response, 405, { error: 'POST only' });
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    const body = declared > maxBody ? null : await readBody(request, maxBody);
    if (!body) {
      // Refused before reading (or while reading) the rest; the connection closes after the answer.
      response.setHeader('connection', 'close');
      request.resume();
      await sendJson(response, 413, { error: `body larger than ${maxBody} bytes` });
      return;
    }
    const problem = signatureProblem(
      key,
      request.headers[SIGNATURE_HEADER],
      request.headers[TIMESTAMP_HEADER],
      body,
      deps.clock.now(),
    );
    if (problem) {
      logRefused(request.socket.remoteAddress, problem);
      await sendJson(response, 401, { error: 'invalid request signature' });
      return;
    }
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      await sendJson(response, 400, { error: 'not JSON' });
      return;
    }
    await dispatch(interaction, response);
  }

  const idle = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };

  return {
    get port() {
      return port;
    },
    idle,
    async start() {
      if (server) return;
      const created = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          logger.error({ err: error }, 'interaction request failed');
          if (!response.headersSent) void sendJson(response, 500, { error: 'internal error' });
        });
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(options.port, options.host, () => {
          created.off('error', reject);
          resolve();
        });
      });
      const address = created.address();
      port = address && typeof address === 'object' ? address.port : options.port;
      server = created;
      logger.info({ host: options.host, port, path: options.path }, 'discord interactions endpoint listening');
    },
    async stop() {
      const closing = server;
      server = null;
      if (!closing) return;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 10_000);
        }),
      ]);
      clearTimeout(timer);
      closing.closeAllConnections();
      await closed;
    },
  };
}
