// Running the bot under discord.js's ShardingManager (docs/discord.md §7): one process per shard,
// each running the same `start` with SHARDS and SHARD_COUNT in its environment, which discord.js's
// Client reads by itself. The entry point is src/shard-manager.ts; shards.ts says which process
// does the once-per-host work.
import { REST, Routes, ShardingManager } from 'discord.js';
import type { Logger } from '../../app/ports.ts';

export interface ShardManagerOptions {
  /** The script every shard process runs (src/main.ts), with `start`. */
  file: string;
  token: string;
  totalShards: number;
  logger: Logger;
  /** Extra environment for every shard process (tests: the loopback Discord, a temp database). */
  env?: Record<string, string>;
  /** Pipe the shards' stdout/stderr instead of sharing the terminal (tests read their logs). */
  silent?: boolean;
  /** Restart a shard process that exits (default true). */
  respawn?: boolean;
}

/** Discord's recommended shard count (GET /gateway/bot), from DISCORD_API_BASE when set. */
export async function recommendedShards(token: string, apiBase?: string): Promise<number> {
  const rest = new REST({ version: '10', ...(apiBase ? { api: apiBase } : {}) }).setToken(token);
  const answer = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  return Math.max(1, Number(answer.shards) || 1);
}

export function createShardManager(options: ShardManagerOptions): ShardingManager {
  const manager = new ShardingManager(options.file, {
    token: options.token,
    totalShards: options.totalShards,
    mode: 'process',
    shardArgs: ['start'],
    // The shards run the TypeScript sources as `npm start` does.
    execArgv: ['--import', 'tsx'],
    respawn: options.respawn ?? true,
    silent: options.silent ?? false,
  });
  manager.on('shardCreate', (shard) => {
    Object.assign(shard.env as Record<string, unknown>, options.env ?? {});
    options.logger.info({ shard: shard.id, shardCount: options.totalShards }, 'discord shard process starting');
    shard.on('death', () => options.logger.warn({ shard: shard.id }, 'discord shard process exited'));
  });
  return manager;
}
