// The bot under discord.js's ShardingManager: two real shard processes running `start`
// (src/main.ts) against the loopback gateway and REST, each identifying as its own shard; a command
// dispatched on shard 1's connection is answered by shard 1's process; the scheduler starts in
// shard 0's process only.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shard, ShardingManager } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logging.ts';
import { createShardManager, recommendedShards } from '../../../src/platforms/discord/sharding.ts';
import { gatewayBotAnswer, startDiscordGateway, type FakeGateway } from '../../support/discord-gateway.ts';
import { APPLICATION_ID, CHANNEL_ID, GUILD_ID } from '../../support/discord-interactions.ts';
import { BOT_USER, startDiscordRest, type FakeDiscordRest } from '../../support/discord-rest.ts';

const TOKEN = 'MTAw.test-token-not-a-secret.loopback-only';
let dir: string;
let rest: FakeDiscordRest;
let gateway: FakeGateway;
let manager: ShardingManager | null = null;
/** Each shard process's log lines (JSON), by shard id. */
const logs = new Map<number, string[]>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'condor-sharding-'));
  rest = await startDiscordRest();
  gateway = await startDiscordGateway(BOT_USER, APPLICATION_ID);
  rest.script('GET', /^\/gateway\/bot$/, gatewayBotAnswer(gateway.url, 2), { sticky: true });
});

afterAll(async () => {
  if (manager) {
    manager.respawn = false;
    await Promise.all(
      [...manager.shards.values()].map((shard) => {
        const child = shard.process as ChildProcess | null;
        if (!child || child.exitCode !== null) return Promise.resolve();
        return new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      }),
    );
  }
  await gateway.close();
  await rest.close();
  rmSync(dir, { recursive: true, force: true });
});

const messages = (shard: number) =>
  (logs.get(shard) ?? []).flatMap((line) => {
    try {
      return [(JSON.parse(line) as { msg?: string }).msg ?? ''];
    } catch {
      return [];
    }
  });

it('runs two shard processes that each identify, answer their own commands, and run the scheduler once', async () => {
  // What `npm run start:sharded` asks Discord when DISCORD_SHARDS is unset.
  expect(await recommendedShards(TOKEN, rest.url)).toBe(2);
  manager = createShardManager({
    file: fileURLToPath(new URL('../../../src/main.ts', import.meta.url)),
    token: TOKEN,
    totalShards: 2,
    logger: silentLogger,
    silent: true,
    respawn: false,
    env: {
      CONDOR_XYK_TEST: '1',
      DATABASE_PATH: join(dir, 'shared.db'),
      MARKET_DATA: 'demo',
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_BASE: rest.url,
      LOG_LEVEL: 'info',
      HEALTH_PORT: '',
      DISCORD_PUBLIC_KEY: '',
      TELEGRAM_BOT_TOKEN: '',
    },
  });
  manager.on('shardCreate', (shard: Shard) => {
    logs.set(shard.id, []);
    shard.once('spawn', (spawned) => {
      const child = spawned as ChildProcess;
      let partial = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        logs.get(shard.id)!.push(...lines);
      });
    });
  });
  await manager.spawn({ amount: 2, delay: 0, timeout: 90_000 });

  expect([...gateway.shards].sort((a, b) => a[0] - b[0])).toEqual([
    [0, 2],
    [1, 2],
  ]);
  expect(gateway.identifies.map((identify) => identify.token)).toEqual([TOKEN, TOKEN]);

  // A command on shard 1's connection only: answered once, by that process.
  const user = { id: '600000000000000001', username: 'alice', discriminator: '0', global_name: null, avatar: null };
  gateway.dispatch(
    'INTERACTION_CREATE',
    {
      id: '1600000000000000009',
      application_id: APPLICATION_ID,
      type: 2,
      token: 'shard-one-token',
      version: 1,
      data: { id: '100', name: 'help', type: 1 },
      guild_id: GUILD_ID,
      channel: { id: CHANNEL_ID, type: 0 },
      channel_id: CHANNEL_ID,
      member: {
        user,
        roles: [],
        permissions: '0',
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
    },
    1,
  );
  const callback = await rest.waitFor('POST', /^\/interactions\/1600000000000000009\/shard-one-token\/callback$/);
  expect(callback.body.data.embeds[0].title).toBe('condor-xyk commands');
  expect(rest.find('POST', /shard-one-token/)).toHaveLength(1);

  // The scheduler: started in shard 0's process, not in shard 1's.
  expect(messages(0)).toContain('scheduler started');
  expect(messages(1)).not.toContain('scheduler started');
  expect(messages(0)).toContain('discord shard process');
  expect(messages(1)).toContain('discord shard process');
}, 180_000);
