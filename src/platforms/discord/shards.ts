// Sharding (docs/discord.md "Sharding"): discord.js's ShardingManager (src/shard-manager.ts) starts
// one process per shard running the same `start`, with SHARDS and SHARD_COUNT in its environment.
// The once-per-host work (the scheduler, the health endpoint, the interactions endpoint) runs in
// the process that holds shard 0 only; every shard's process serves the commands of its guilds.
// This file reads no discord.js: main.ts asks it before the platforms are loaded.

export interface ShardPlace {
  /** The shard ids this process holds. */
  ids: number[];
  count: number;
}

/** The shards of this process when the ShardingManager started it, else null (one process, every guild). */
export function shardOf(env: Record<string, string | undefined>): ShardPlace | null {
  if (!env.SHARDING_MANAGER || env.SHARDS === undefined || env.SHARD_COUNT === undefined) return null;
  const parsed = JSON.parse(env.SHARDS) as unknown;
  const ids = (Array.isArray(parsed) ? parsed : [parsed]).map(Number).filter(Number.isInteger);
  const count = Number(env.SHARD_COUNT);
  return ids.length && Number.isInteger(count) && count > 0 ? { ids, count } : null;
}

/** Whether this process runs the scheduler and the endpoints: unsharded, or the one holding shard 0. */
export function runsHostDuties(shard: ShardPlace | null): boolean {
  return !shard || shard.ids.includes(0);
}
