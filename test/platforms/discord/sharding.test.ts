// The bot under discord.js's ShardingManager: two real shard processes running `start`
// (src/main.ts) against the loopback gateway and REST, each identifying as its own shard; a command
// dispatched on shard 1's connection is answered by shard 1's process; the scheduler starts in
// shard 0's process only.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shard, ShardingManager } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logging.ts';
import { createShardManager, recommendedShards } from '../../../src/platforms/discord/sharding.ts';
import type { FakeGateway } from '../../support/discord-gateway.ts';
import { APPLICATION_ID } from '../../support/discord-interactions.ts';
import {
  helpDispatch,
  LOOPBACK_TOKEN,
  startLoopbackDiscord,
  type LoopbackDiscord,
} from '../../support/discord-loopback.ts';
import type { FakeDiscordRest } from '../../support/discord-rest.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

let dir: string;
let discord: LoopbackDiscord;
let rest: FakeDiscordRest;
let gateway: FakeGateway;
let manager: ShardingManager | null = null;
/** Each shard process's log lines (JSON), by shard id. */
const logs = new Map<number, string[]>();

beforeAll(async () => {
  dir = makeTempDir('condor-sharding-');
  discord = await startLoopbackDiscord(2);
  ({ rest, gateway } = discord);
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
  await discord.close();
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
  expect(await recommendedShards(LOOPBACK_TOKEN, rest.url)).toBe(2);
  manager = createShardManager({
    file: fileURLToPath(new URL('../../../src/main.ts', import.meta.url)),
    token: LOOPBACK_TOKEN,
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
  expect(gateway.identifies.map((identify) => identify.token)).toEqual([LOOPBACK_TOKEN, LOOPBACK_TOKEN]);

  // A command on shard 1's connection only: answered once, by that process.
  gateway.dispatch('INTERACTION_CREATE', helpDispatch('1600000000000000009', 'shard-one-token'), 1);
  const callback = await rest.waitFor('POST', /^\/interactions\/1600000000000000009\/shard-one-token\/callback$/);
  expect(callback.body.data.embeds[0].title).toBe('condor-xyk commands');
  expect(rest.find('POST', /shard-one-token/)).toHaveLength(1);

  // The scheduler: started in shard 0's process, not in shard 1's.
  expect(messages(0)).toContain('scheduler started');
  expect(messages(1)).not.toContain('scheduler started');
  expect(messages(0)).toContain('discord shard process');
  expect(messages(1)).toContain('discord shard process');
}, 180_000);
