// start() and stop() of the real bot: a discord.js login against a loopback gateway and REST,
// the intents it identifies with, an interaction pushed through the gateway, and a clean stop.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/compose.ts';
import { createConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logging.ts';
import { createDiscordBot, type DiscordBot } from '../../../src/platforms/discord/bot.ts';
import type { FakeGateway } from '../../support/discord-gateway.ts';
import { APPLICATION_ID, CHANNEL_ID, GUILD_ID } from '../../support/discord-interactions.ts';
import {
  GATEWAY_USER,
  helpDispatch,
  LOOPBACK_TOKEN,
  startLoopbackDiscord,
  type LoopbackDiscord,
} from '../../support/discord-loopback.ts';
import { BOT_USER, type FakeDiscordRest } from '../../support/discord-rest.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

let dir: string;
let app: App;
let discord: LoopbackDiscord;
let rest: FakeDiscordRest;
let gateway: FakeGateway;
let bot: DiscordBot;

beforeAll(async () => {
  dir = makeTempDir('condor-gateway-');
  const result = createConfig({
    DATABASE_PATH: join(dir, 'test.db'),
    MARKET_DATA: 'demo',
    DISCORD_TOKEN: LOOPBACK_TOKEN,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
  });
  if (!result.ok) throw new Error(result.error);
  app = buildApp(result.config, silentLogger);
  discord = await startLoopbackDiscord();
  ({ rest, gateway } = discord);
  bot = createDiscordBot({
    config: { ...result.config, DISCORD_API_BASE: rest.url },
    logger: silentLogger,
    deps: app.deps,
  });
});

afterAll(async () => {
  await discord.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

it('logs in with the token and non-privileged intents, answers a gateway interaction, and stops', async () => {
  await bot.start();
  await gateway.ready;
  expect(rest.find('GET', /^\/gateway\/bot$/)[0]!.headers.authorization).toBe(`Bot ${LOOPBACK_TOKEN}`);
  expect(gateway.identifies).toEqual([
    { token: LOOPBACK_TOKEN, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessagePolls },
  ]);
  // Neither intent is privileged (GuildMembers, GuildPresences, MessageContent are not asked for).
  const privileged =
    GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
  expect(gateway.identifies[0]!.intents & privileged).toBe(0);

  gateway.dispatch('INTERACTION_CREATE', helpDispatch('1600000000000000001', 'gateway-token'));
  const callback = await rest.waitFor('POST', /^\/interactions\/1600000000000000001\/gateway-token\/callback$/);
  expect(callback.body.type).toBe(4);
  expect(callback.body.data.flags).toBe(64);
  expect(callback.body.data.embeds[0].title).toBe('condor-xyk commands');
  expect(callback.body.data.allowed_mentions).toEqual({ parse: [] });

  // An Adopt vote on a poll in a known thread reaches the vote handler, which reads the poll back.
  const THREAD_ID = '1700000000000000001';
  gateway.dispatch('GUILD_CREATE', {
    id: GUILD_ID,
    name: 'Traders',
    icon: null,
    owner_id: '600000000000000003',
    features: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: [],
    presences: [],
    voice_states: [],
    channels: [
      { id: CHANNEL_ID, type: 0, name: 'condors', guild_id: GUILD_ID, position: 0, permission_overwrites: [] },
    ],
    threads: [
      {
        id: THREAD_ID,
        type: 11,
        name: 'Hedge k3m9tq L1',
        guild_id: GUILD_ID,
        parent_id: CHANNEL_ID,
        owner_id: BOT_USER.id,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: new Date(0).toISOString(),
          locked: false,
        },
      },
    ],
    member_count: 3,
    large: false,
    unavailable: false,
  });
  rest.script('GET', new RegExp(`^/channels/${THREAD_ID}/messages/1800000000000000001$`), {
    body: { id: '1800000000000000001', channel_id: THREAD_ID, author: { ...BOT_USER, id: '1' }, content: 'not a poll' },
  });
  gateway.dispatch('MESSAGE_POLL_VOTE_ADD', {
    user_id: GATEWAY_USER.id,
    channel_id: THREAD_ID,
    message_id: '1800000000000000001',
    guild_id: GUILD_ID,
    answer_id: 1,
  });
  await rest.waitFor('GET', new RegExp(`^/channels/${THREAD_ID}/messages/1800000000000000001$`));

  await bot.stop();
  await gateway.closed();
  expect(bot.client.isReady()).toBe(false);
});
