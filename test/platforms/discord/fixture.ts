// One bot on a real AppDeps (SQLite in a temp dir, the demo market, the real calendar) and a
// loopback Discord REST; a fixed clock on a trading day keeps the numbers steady.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'discord.js';
import type { Services } from '../../../src/app/services.ts';
import { buildApp, type App } from '../../../src/compose.ts';
import { createConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logging.ts';
import { createDiscordBot, type DiscordBot } from '../../../src/platforms/discord/bot.ts';
import { startDiscordRest, type FakeDiscordRest } from '../../support/discord-rest.ts';
import { fakeClient } from '../../support/discord-interactions.ts';

/** Tuesday 2026-03-10, 11:00 in New York. */
export const NOW_MS = Date.UTC(2026, 2, 10, 15, 0, 0);

export interface BotFixture {
  app: App;
  rest: FakeDiscordRest;
  client: Client;
  bot: DiscordBot;
  close(): Promise<void>;
}

export async function botFixture(options: { services?: Services; autoDeferMs?: number } = {}): Promise<BotFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'condor-discord-'));
  const result = createConfig({ DATABASE_PATH: join(dir, 'test.db'), MARKET_DATA: 'demo' });
  if (!result.ok) throw new Error(result.error);
  const app = buildApp(result.config, silentLogger, { clock: { now: () => NOW_MS }, ...(options.services ? { services: options.services } : {}) });
  const rest = await startDiscordRest();
  const client = fakeClient(rest.url);
  const bot = createDiscordBot({ config: { DISCORD_API_BASE: rest.url }, logger: silentLogger, deps: app.deps, client, ...(options.autoDeferMs ? { autoDeferMs: options.autoDeferMs } : {}) });
  return {
    app, rest, client, bot,
    async close() {
      await bot.idle();
      await client.destroy();
      await rest.close();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
