// The command menu (setMyCommands) from the registry: Telegram commands are one word, so the menu
// lists the roots (/condor, /position, /hedge ...); a root with subcommands names them and shows
// an example. Descriptions stay within Telegram's 256 characters.
import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import type { Registry } from '../../app/registry.ts';

export const MENU_DESCRIPTION_MAX = 256;

const clip = (text: string) =>
  text.length <= MENU_DESCRIPTION_MAX ? text : `${text.slice(0, MENU_DESCRIPTION_MAX - 1)}…`;

export function menuCommands(registry: Registry): BotCommand[] {
  return [...registry.roots].map(([root, members]) => {
    const single = members.length === 1 && members[0]!.name === root;
    if (single) return { command: root, description: clip(members[0]!.description) };
    const subcommands = members.map((member) => member.name.split(' ')[1]).join(', ');
    return { command: root, description: clip(`${subcommands}. E.g. ${members[0]!.examples[0]}`) };
  });
}

/** Publishes the menu for every chat (the default scope covers private chats and groups). */
export async function registerTelegramCommands(
  telegram: Pick<Telegram, 'setMyCommands'>,
  registry: Registry,
): Promise<BotCommand[]> {
  const commands = menuCommands(registry);
  await telegram.setMyCommands(commands, { scope: { type: 'default' } });
  return commands;
}
