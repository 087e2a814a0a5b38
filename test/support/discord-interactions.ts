// Real discord.js interaction objects built from raw gateway payloads, on a Client whose REST
// points at the loopback fake (test/support/discord-rest.ts). Their reply/deferReply/editReply/
// followUp go over HTTP to the fake, exactly as in production, and tests read what arrived.
import {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  PermissionFlagsBits,
  type Interaction,
} from 'discord.js';
import type { z } from 'zod';
import { optionMeta } from '../../src/app/options.ts';
import type { Registry } from '../../src/app/registry.ts';
import { BOT_USER, snowflake } from './discord-rest.ts';

export const APPLICATION_ID = '900000000000000001';
export const GUILD_ID = '800000000000000001';
export const CHANNEL_ID = '700000000000000001';

export interface Caller {
  id: string;
  username?: string;
  nick?: string;
  /** Member permissions in the channel (guild only). */
  permissions?: bigint;
}

export interface Where {
  /** null: a DM with the bot. */
  guildId?: string | null;
  channelId?: string;
}

export const ALICE: Caller = {
  id: '600000000000000001',
  username: 'alice',
  permissions: PermissionFlagsBits.SendMessages,
};
export const BOB: Caller = { id: '600000000000000002', username: 'bob', permissions: PermissionFlagsBits.SendMessages };
export const ADMIN: Caller = {
  id: '600000000000000003',
  username: 'admin',
  permissions: PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels,
};

/** A Client that never logs in: REST to the fake, token set so bot-authenticated routes work. */
export function fakeClient(restUrl: string): Client {
  const client = new Client({ intents: [], rest: { api: restUrl, retries: 0 }, allowedMentions: { parse: [] } });
  client.rest.setToken('test-token-not-a-secret');
  return client;
}

function base(type: number, caller: Caller, where: Where) {
  const guildId = where.guildId === undefined ? GUILD_ID : where.guildId;
  const channelId = where.channelId ?? (guildId ? CHANNEL_ID : `5${caller.id.slice(1)}`);
  const user = {
    id: caller.id,
    username: caller.username ?? 'someone',
    discriminator: '0',
    global_name: null,
    avatar: null,
  };
  const id = snowflake();
  return {
    id,
    application_id: APPLICATION_ID,
    type,
    token: `token-${id}`,
    version: 1,
    channel: { id: channelId, type: guildId ? 0 : 1 },
    channel_id: channelId,
    app_permissions: String(PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { 0: guildId ?? undefined },
    context: guildId ? 0 : 1,
    ...(guildId
      ? {
          guild_id: guildId,
          guild_locale: 'en-US',
          member: {
            user,
            roles: [],
            permissions: String(caller.permissions ?? 0n),
            nick: caller.nick ?? null,
            joined_at: new Date(0).toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : { user }),
  };
}

const OPTION_TYPES = { number: 10, integer: 4, boolean: 5 } as Record<string, number>;

function optionData(
  registry: Registry,
  name: string,
  options: Record<string, string | number | boolean>,
  focused?: string,
) {
  const command = registry.get(name);
  if (!command) throw new Error(`no command ${name}`);
  const shape = command.options.shape as Record<string, z.ZodType>;
  const values = Object.entries(options).map(([key, value]) => {
    const meta = shape[key] ? optionMeta(shape[key]) : undefined;
    return {
      name: key,
      type: OPTION_TYPES[meta?.kind ?? ''] ?? 3,
      value,
      ...(key === focused ? { focused: true } : {}),
    };
  });
  const [root, sub] = name.split(' ');
  return { root: root!, options: sub ? [{ type: 1, name: sub, options: values }] : values };
}

type Construct<T> = new (client: Client, data: unknown) => T;

export function chatInput(
  client: Client,
  registry: Registry,
  name: string,
  options: Record<string, string | number | boolean> = {},
  caller: Caller = ALICE,
  where: Where = {},
): ChatInputCommandInteraction {
  const raw = chatInputPayload(registry, name, options, caller, where);
  return new (ChatInputCommandInteraction as unknown as Construct<ChatInputCommandInteraction>)(client, raw);
}

/** The raw API payload of a slash command (what the gateway dispatches and Discord POSTs over HTTP). */
export function chatInputPayload(
  registry: Registry,
  name: string,
  options: Record<string, string | number | boolean> = {},
  caller: Caller = ALICE,
  where: Where = {},
) {
  const data = optionData(registry, name, options);
  return { ...base(2, caller, where), data: { id: '100', name: data.root, type: 1, options: data.options } };
}

export function autocomplete(
  client: Client,
  registry: Registry,
  name: string,
  focused: string,
  typed: string,
  caller: Caller = ALICE,
  where: Where = {},
): AutocompleteInteraction {
  const raw = autocompletePayload(registry, name, focused, typed, caller, where);
  return new (AutocompleteInteraction as unknown as Construct<AutocompleteInteraction>)(client, raw);
}

/** The raw API payload of an autocomplete request. */
export function autocompletePayload(
  registry: Registry,
  name: string,
  focused: string,
  typed: string,
  caller: Caller = ALICE,
  where: Where = {},
) {
  const data = optionData(registry, name, { [focused]: typed }, focused);
  return { ...base(4, caller, where), data: { id: '100', name: data.root, type: 1, options: data.options } };
}

export function button(client: Client, customId: string, caller: Caller = ALICE, where: Where = {}): ButtonInteraction {
  const raw = buttonPayload(customId, caller, where);
  return new (ButtonInteraction as unknown as Construct<ButtonInteraction>)(client, raw);
}

/** The raw API payload of a button press on one of the bot's messages. */
export function buttonPayload(customId: string, caller: Caller = ALICE, where: Where = {}) {
  const b = base(3, caller, where);
  return {
    ...b,
    data: { custom_id: customId, component_type: 2 },
    message: {
      id: snowflake(),
      channel_id: b.channel.id,
      type: 0,
      content: '',
      author: BOT_USER,
      timestamp: new Date(0).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
    },
  };
}

export type AnyInteraction = Interaction;
