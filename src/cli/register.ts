// `cli register`: publishes the slash commands to Discord (guild-scoped with DISCORD_GUILD_ID,
// else global) and the command menu to Telegram, both generated from the command registry.
import { commands } from '../../commands/index.ts';
import { createRegistry } from '../app/registry.ts';
import type { Config } from '../config.ts';
import { registerCommands } from '../platforms/discord/index.ts';
import { createTelegramBot } from '../platforms/telegram/index.ts';
import type { AnyApp } from '../compose.ts';
import type { Logger } from '../app/ports.ts';

export async function registerCli(
  args: string[],
  {
    config,
    app,
    logger,
    out,
    err,
  }: {
    config: Config;
    app: () => AnyApp | Promise<AnyApp>;
    logger: Logger;
    out: (text: string) => void;
    err: (text: string) => void;
  },
): Promise<number> {
  if (args.length) {
    err(`register takes no arguments; got ${args.join(' ')}`);
    return 2;
  }
  if (!config.DISCORD_TOKEN && !config.TELEGRAM_BOT_TOKEN) {
    err('register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID, or TELEGRAM_BOT_TOKEN, in .env (see .env.example).');
    return 2;
  }
  const registry = createRegistry(commands);
  let failed = false;
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
    try {
      const count = await registerCommands({
        token: config.DISCORD_TOKEN,
        applicationId: config.DISCORD_APPLICATION_ID,
        guildId: config.DISCORD_GUILD_ID,
        apiBase: config.DISCORD_API_BASE,
        registry,
      });
      const where = config.DISCORD_GUILD_ID
        ? `to server ${config.DISCORD_GUILD_ID} (instant)`
        : 'globally (may take up to an hour to appear)';
      out(`Discord: registered ${count} commands ${where}.`);
    } catch (error) {
      failed = true;
      err(`Discord: registration failed: ${(error as Error).message}`);
    }
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    const built = await app();
    try {
      await createTelegramBot({ config, logger, deps: built.deps }).register();
      out('Telegram: published the command menu (setMyCommands).');
    } catch (error) {
      failed = true;
      err(`Telegram: publishing the menu failed: ${(error as Error).message}`);
    } finally {
      await built.close();
    }
  }
  return failed ? 1 : 0;
}
