// From an interaction to what the shared command layer wants: the command's name, the raw option
// record (typed values, parsed once by the command's schema) and who and where. One conversion for
// both transports: the gateway hands discord.js objects, the HTTP endpoint raw API payloads; each is
// first reduced to the same facts (CallerFacts, OptionLike[]), then converted here.
import {
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
  type APIInteraction,
  type APIInteractionGuildMember,
  type BaseInteraction,
  type CommandInteractionOption,
} from 'discord.js';
import type { Identity } from '../../app/context.ts';
import type { Chat } from '../../app/ports.ts';

/** An option as both discord.js (options.data) and the API (data.options) carry it. */
export interface OptionLike {
  name: string;
  type: number;
  value?: unknown;
  focused?: boolean;
  options?: readonly OptionLike[];
}

/** Who pressed or typed, and where: what identityFrom needs, whatever the transport. */
export interface CallerFacts {
  userId: string;
  displayName: string;
  guildId: string | null;
  channelId: string | null;
  channelType: number | null;
  /** The member's permissions in the channel (guild only). */
  permissions: bigint | null;
}

const isSubcommand = (option: OptionLike) =>
  option.type === ApplicationCommandOptionType.Subcommand ||
  option.type === ApplicationCommandOptionType.SubcommandGroup;

/** 'condor eval' from condor + [{ type: Subcommand, name: 'eval' }], 'market' from market + []. */
export function commandNameFrom(root: string, options: readonly OptionLike[] | undefined): string {
  const sub = options?.find(isSubcommand);
  return sub ? `${root} ${sub.name}` : root;
}

/** 'condor eval' from /condor eval, 'market' from /market (a discord.js interaction). */
export function commandNameOf(interaction: {
  commandName: string;
  options: { getSubcommand(required: false): string | null };
}): string {
  const sub = interaction.options.getSubcommand(false);
  return sub ? `${interaction.commandName} ${sub}` : interaction.commandName;
}

/** The typed option values by name, flattening the subcommand level. */
export function rawOptions(data: readonly (OptionLike | CommandInteractionOption)[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const option of data as readonly OptionLike[]) {
    if (isSubcommand(option)) {
      Object.assign(raw, rawOptions(option.options ?? []));
    } else if (option.value !== undefined && option.value !== null) {
      raw[option.name] = option.value;
    }
  }
  return raw;
}

/** The option being typed in an autocomplete, below any subcommand. */
export function focusedOption(data: readonly OptionLike[] | undefined): OptionLike | null {
  for (const option of data ?? []) {
    if (option.focused) return option;
    if (isSubcommand(option)) {
      const inner = focusedOption(option.options);
      if (inner) return inner;
    }
  }
  return null;
}

/** Manage Channels or Manage Server (Administrator implies both) in this channel. */
export function canManagePermissions(permissions: bigint | null): boolean {
  if (permissions === null) return false;
  if ((permissions & PermissionFlagsBits.Administrator) === PermissionFlagsBits.Administrator) return true;
  return (
    (permissions & PermissionFlagsBits.ManageChannels) === PermissionFlagsBits.ManageChannels ||
    (permissions & PermissionFlagsBits.ManageGuild) === PermissionFlagsBits.ManageGuild
  );
}

/** Manage Channels or Manage Server (Administrator implies both) in this channel. */
export function canManage(interaction: Pick<BaseInteraction, 'memberPermissions'>): boolean {
  return canManagePermissions(interaction.memberPermissions?.bitfield ?? null);
}

export function displayNameOf(interaction: Pick<BaseInteraction, 'user' | 'member'>): string {
  const member = interaction.member as { displayName?: unknown } | APIInteractionGuildMember | null;
  if (member && 'displayName' in member && typeof member.displayName === 'string' && member.displayName)
    return member.displayName;
  if (member && 'nick' in member && member.nick) return member.nick;
  return interaction.user.globalName ?? interaction.user.username;
}

/** The one conversion of who and where into the command layer's Identity. */
export function identityFrom(facts: CallerFacts): Identity {
  const kind: Chat['kind'] = facts.guildId
    ? 'channel'
    : facts.channelType === ChannelType.GroupDM
      ? 'group'
      : 'private';
  const chat: Chat = {
    platform: 'discord',
    id: facts.channelId ?? facts.userId,
    kind,
    ...(facts.guildId ? { guildId: facts.guildId } : {}),
    callerCanManage: facts.guildId ? canManagePermissions(facts.permissions) : false,
  };
  return { platform: 'discord', platformUserId: facts.userId, displayName: facts.displayName, chat };
}

/** The facts of a discord.js interaction (gateway). */
export function factsOf(interaction: BaseInteraction): CallerFacts {
  return {
    userId: interaction.user.id,
    displayName: displayNameOf(interaction),
    guildId: interaction.guildId ?? null,
    channelId: interaction.channelId ?? null,
    channelType: interaction.channel?.type ?? null,
    permissions: interaction.memberPermissions?.bitfield ?? null,
  };
}

/** The facts of a raw API interaction (HTTP endpoint): a guild one carries member, a DM one user. */
export function factsOfPayload(interaction: APIInteraction): CallerFacts {
  const member = interaction.member;
  const user = member?.user ?? interaction.user;
  if (!user) throw new Error('interaction without a user');
  const permissions = member && 'permissions' in member && member.permissions ? BigInt(member.permissions) : null;
  return {
    userId: user.id,
    displayName: member?.nick || user.global_name || user.username,
    guildId: interaction.guild_id ?? null,
    channelId: interaction.channel?.id ?? interaction.channel_id ?? null,
    channelType: interaction.channel?.type ?? null,
    permissions,
  };
}

export function identityOf(interaction: BaseInteraction): Identity {
  return identityFrom(factsOf(interaction));
}
