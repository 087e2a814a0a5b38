// Discord on loopback, as the tests that log a real bot in need it (test/platforms/discord/
// gateway.test.ts, sharding.test.ts): the fake REST and gateway started together, the REST telling
// discord.js where the gateway is, and a slash command as the gateway dispatches it.
import { gatewayBotAnswer, startDiscordGateway, type FakeGateway } from './discord-gateway.ts';
import { APPLICATION_ID, CHANNEL_ID, GUILD_ID } from './discord-interactions.ts';
import { BOT_USER, startDiscordRest, type FakeDiscordRest } from './discord-rest.ts';

/** The bot token these tests log in with: only the fakes on 127.0.0.1 ever see it. */
export const LOOPBACK_TOKEN = 'MTAw.test-token-not-a-secret.loopback-only';

export interface LoopbackDiscord {
  rest: FakeDiscordRest;
  gateway: FakeGateway;
  /** Closes the gateway, then the REST. */
  close(): Promise<void>;
}

/** A loopback REST and gateway; GET /gateway/bot answers with the gateway's URL and `shards`. */
export async function startLoopbackDiscord(shards = 1): Promise<LoopbackDiscord> {
  const rest = await startDiscordRest();
  const gateway = await startDiscordGateway(BOT_USER, APPLICATION_ID);
  rest.script('GET', /^\/gateway\/bot$/, gatewayBotAnswer(gateway.url, shards), { sticky: true });
  return {
    rest,
    gateway,
    async close() {
      await gateway.close();
      await rest.close();
    },
  };
}

/** Alice, as the gateway describes a guild member without permissions. */
export const GATEWAY_USER = {
  id: '600000000000000001',
  username: 'alice',
  discriminator: '0',
  global_name: null,
  avatar: null,
};

interface SlashDispatch {
  id: string;
  token: string;
  /** The command as Discord sends it: `{ id, name, type: 1, options }`. */
  data: Record<string, unknown>;
  user?: typeof GATEWAY_USER;
  /** The member's permission bits in the channel, as a decimal string ('0': none). */
  permissions?: string;
}

/** The INTERACTION_CREATE data of a slash command typed by a guild member in the test guild's channel. */
export function slashDispatch({ id, token, data, user = GATEWAY_USER, permissions = '0' }: SlashDispatch) {
  return {
    id,
    application_id: APPLICATION_ID,
    type: 2,
    token,
    version: 1,
    data,
    guild_id: GUILD_ID,
    channel: { id: CHANNEL_ID, type: 0 },
    channel_id: CHANNEL_ID,
    member: {
      user,
      roles: [],
      permissions,
      nick: null,
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: '0',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
  };
}

/** The INTERACTION_CREATE data of `/help` typed by GATEWAY_USER in the test guild's channel. */
export function helpDispatch(id: string, token: string) {
  return slashDispatch({ id, token, data: { id: '100', name: 'help', type: 1 } });
}
