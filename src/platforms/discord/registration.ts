// Slash-command registration generated from the registry (docs/architecture.md convention 6): roots
// with one command are plain commands, roots with several (/condor, /position) are one command
// with subcommands; options come from each option's metadata. registerCommands bulk-overwrites
// them (idempotent by construction: the same registry always PUTs the same list).
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  REST,
  Routes,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { z } from 'zod';
import type { AnyCommand } from '../../app/command.ts';
import { optionMeta, type OptionMeta } from '../../app/options.ts';
import type { Registry } from '../../app/registry.ts';

export const DISCORD_COMMAND_LIMITS = {
  name: /^[a-z0-9_]{1,32}$/,
  description: 100,
  options: 25,
  choices: 25,
  commands: 100,
} as const;

/** Descriptions of the roots that group subcommands (they have no command of their own). */
const GROUP_DESCRIPTIONS: Record<string, string> = {
  condor: 'Iron condors: evaluate four strikes, or the model condor for today',
  position: 'Your positions: add, list, show, close, history, export',
};

const clip = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/** One option of a command, from its metadata (required first is guaranteed by the registry). */
export function optionPayload(name: string, meta: OptionMeta): APIApplicationCommandBasicOption {
  const base = {
    name,
    description: clip(meta.description, DISCORD_COMMAND_LIMITS.description),
    required: meta.required,
  };
  switch (meta.kind) {
    case 'number':
    case 'integer': {
      const bounds = {
        ...(meta.min !== undefined ? { min_value: meta.min } : {}),
        ...(meta.max !== undefined ? { max_value: meta.max } : {}),
      };
      return meta.kind === 'number'
        ? { ...base, type: ApplicationCommandOptionType.Number, ...bounds }
        : { ...base, type: ApplicationCommandOptionType.Integer, ...bounds };
    }
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: (meta.choices ?? [])
          .slice(0, DISCORD_COMMAND_LIMITS.choices)
          .map((choice) => ({ name: choice, value: choice })),
      };
    case 'position-id':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 12, autocomplete: true };
    case 'date':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 10 };
    case 'expiry':
      // A date or days to expiry ("45", "45d"): a string, parsed by the command's schema.
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 10 };
    case 'string':
    default:
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(meta.maxLength !== undefined ? { max_length: Math.min(6000, meta.maxLength) } : {}),
      };
  }
}

export function commandOptions(command: AnyCommand): APIApplicationCommandBasicOption[] {
  const options = Object.entries(command.options.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const meta = optionMeta(schema);
    if (!meta) throw new Error(`${command.name}: option ${name} has no metadata`);
    return optionPayload(name, meta);
  });
  // Discord rejects a required option after an optional one; the registry checks it too.
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

export interface CommandPayloadOptions {
  /** Global commands also say where they work (servers and DMs with the bot); guild ones cannot. */
  scope: 'guild' | 'global';
}

/** The bulk-overwrite body for the whole registry. */
export function applicationCommands(
  registry: Registry,
  options: CommandPayloadOptions = { scope: 'guild' },
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const where =
    options.scope === 'global'
      ? {
          contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
          integration_types: [ApplicationIntegrationType.GuildInstall],
        }
      : {};
  const payload: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [];
  for (const [root, members] of registry.roots) {
    const plain = members.length === 1 && members[0]!.name === root;
    if (plain) {
      const command = members[0]!;
      const opts = commandOptions(command);
      payload.push({
        type: ApplicationCommandType.ChatInput,
        name: root,
        description: clip(command.description, DISCORD_COMMAND_LIMITS.description),
        ...(opts.length ? { options: opts } : {}),
        ...where,
      });
      continue;
    }
    const subcommands: APIApplicationCommandSubcommandOption[] = members.map((command) => {
      const opts = commandOptions(command);
      return {
        type: ApplicationCommandOptionType.Subcommand,
        name: command.name.split(' ')[1]!,
        description: clip(command.description, DISCORD_COMMAND_LIMITS.description),
        ...(opts.length ? { options: opts } : {}),
      };
    });
    const description =
      GROUP_DESCRIPTIONS[root] ??
      clip(`${root}: ${subcommands.map((s) => s.name).join(', ')}`, DISCORD_COMMAND_LIMITS.description);
    payload.push({ type: ApplicationCommandType.ChatInput, name: root, description, options: subcommands, ...where });
  }
  return payload;
}

/** Every way the payload breaks Discord's limits (empty when it is fine); the tests run it on the whole registry. */
export function payloadProblems(payload: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[]): string[] {
  const problems: string[] = [];
  if (payload.length > DISCORD_COMMAND_LIMITS.commands) problems.push(`${payload.length} commands: at most 100`);
  const checkOptions = (
    path: string,
    options:
      | readonly { name: string; description: string; required?: boolean; options?: unknown; choices?: unknown[] }[]
      | undefined,
  ) => {
    if (!options) return;
    if (options.length > DISCORD_COMMAND_LIMITS.options)
      problems.push(`${path}: ${options.length} options, at most 25`);
    let optionalSeen = false;
    for (const option of options) {
      const where = `${path} ${option.name}`;
      if (!DISCORD_COMMAND_LIMITS.name.test(option.name)) problems.push(`${where}: name must match [a-z0-9_]{1,32}`);
      if (!option.description || option.description.length > DISCORD_COMMAND_LIMITS.description)
        problems.push(`${where}: description must be 1-100 characters`);
      if ((option.choices?.length ?? 0) > DISCORD_COMMAND_LIMITS.choices) problems.push(`${where}: at most 25 choices`);
      if (option.required && optionalSeen) problems.push(`${where}: required after optional`);
      if (!option.required) optionalSeen = true;
      checkOptions(where, option.options as typeof options);
    }
  };
  const names = new Set<string>();
  for (const command of payload) {
    if (names.has(command.name)) problems.push(`${command.name}: defined twice`);
    names.add(command.name);
    if (!DISCORD_COMMAND_LIMITS.name.test(command.name))
      problems.push(`${command.name}: name must match [a-z0-9_]{1,32}`);
    if (!command.description || command.description.length > DISCORD_COMMAND_LIMITS.description)
      problems.push(`${command.name}: description must be 1-100 characters`);
    checkOptions(`/${command.name}`, command.options as never);
  }
  return problems;
}

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Set: register to this server only (instant, for development). Unset: global. */
  guildId?: string;
  /** REST base (DISCORD_API_BASE), e.g. https://discord.com/api; tests point it at loopback. */
  apiBase?: string;
  registry: Registry;
  /** An existing REST client (then token and apiBase are not used). */
  rest?: REST;
}

/** Publishes the registry as slash commands (bulk overwrite); returns how many top-level commands Discord now has. */
export async function registerCommands(options: RegisterOptions): Promise<number> {
  const rest =
    options.rest ??
    new REST({ version: '10', ...(options.apiBase ? { api: options.apiBase } : {}) }).setToken(options.token);
  const scope = options.guildId ? 'guild' : 'global';
  const body = applicationCommands(options.registry, { scope });
  const problems = payloadProblems(body);
  if (problems.length) throw new Error(`the command registry breaks Discord's limits:\n${problems.join('\n')}`);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const result = (await rest.put(route, { body })) as unknown[];
  return Array.isArray(result) ? result.length : body.length;
}
