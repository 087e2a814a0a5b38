// `npm run start:sharded`: the Discord bot under discord.js's ShardingManager, for a bot in more
// guilds than one gateway connection may hold (Discord requires shards from 2,500 guilds). The
// manager starts one process per shard, each running the same `start` (src/main.ts) with SHARDS and
// SHARD_COUNT in its environment, which discord.js's Client reads by itself. Commands are served by
// whichever shard holds the guild; the scheduler and the endpoints run in shard 0's process only
// (src/platforms/discord/shards.ts; docs/decisions.md "Sharding: the scheduler runs once per host").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConfig, secretsOf } from './config.ts';
import { createLogger } from './logging.ts';
import { createShardManager, recommendedShards } from './platforms/discord/sharding.ts';

// Beside this file: main.ts in the sources (tsx), main.js in the build (dist/src).
const MAIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url));

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const result = createConfig(process.env);
  if (!result.ok) {
    process.stderr.write(`Configuration: ${result.error}\n`);
    process.exit(2);
  }
  const config = result.config;
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: secretsOf(config),
    write: (line) => process.stderr.write(line),
  });
  if (!config.DISCORD_TOKEN) {
    process.stderr.write('start:sharded needs DISCORD_TOKEN (sharding is a Discord gateway feature)\n');
    process.exit(2);
  }
  const totalShards = config.DISCORD_SHARDS ?? (await recommendedShards(config.DISCORD_TOKEN, config.DISCORD_API_BASE));
  const manager = createShardManager({ file: MAIN, token: config.DISCORD_TOKEN, totalShards, logger });
  const stop = () => {
    manager.respawn = false;
    for (const shard of manager.shards.values()) shard.process?.kill('SIGTERM');
    logger.info({}, 'stopping the shard processes');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Discord allows one IDENTIFY per 5 s per bucket: discord.js's default spawn delay respects it.
  await manager.spawn();
  logger.info({ totalShards }, 'every discord shard is ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`condor-xyk sharding failed: ${(error as Error)?.message ?? error}\n`);
  process.exit(1);
});
