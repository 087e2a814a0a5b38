// From a discord.js interaction to what the shared command layer wants: the command's name, the
// raw option record (typed values, parsed once by the command's schema) and who and where.
import {
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
  type APIInteractionGuildMember,
  type BaseInteraction,
  type CommandInteractionOption,
} from 'discord.js';
import type { Identity } from '../../app/context.ts';
import type { Chat } from '../../app/ports.ts';

/** 'condor eval' from /condor eval, 'market' from /market. */
export function commandNameOf(interaction: {
  commandName: string;
  options: { getSubcommand(required: false): string | null };
}): string {
  const sub = interaction.options.getSubcommand(false);
  return sub ? `${interaction.commandName} ${sub}` : interaction.commandName;
}

/** The typed option values by name, flattening the subcommand level. */
export function rawOptions(data: readonly CommandInteractionOption[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const option of data) {
    if (
      option.type === ApplicationCommandOptionType.Subcommand ||
      option.type === ApplicationCommandOptionType.SubcommandGroup
    ) {
      Object.assign(raw, rawOptions(option.options ?? []));
    } else if (option.value !== undefined && option.value !== null) {
      raw[option.name] = option.value;
    }
  }
  return raw;
}

/** Manage Channels or Manage Server (Administrator implies both) in this channel. */
export function canManage(interaction: Pick<BaseInteraction, 'memberPermissions'>): boolean {
  const permissions = interaction.memberPermissions;
  return Boolean(
    permissions &&
    (permissions.has(PermissionFlagsBits.ManageChannels) || permissions.has(PermissionFlagsBits.ManageGuild)),
  );
}

export function displayNameOf(interaction: Pick<BaseInteraction, 'user' | 'member'>): string {
  const member = interaction.member as { displayName?: unknown } | APIInteractionGuildMember | null;
  if (member && 'displayName' in member && typeof member.displayName === 'string' && member.displayName)
    return member.displayName;
  if (member && 'nick' in member && member.nick) return member.nick;
  return interaction.user.globalName ?? interaction.user.username;
}

export function identityOf(interaction: BaseInteraction): Identity {
  const channelType = interaction.channel?.type;
  const kind: Chat['kind'] = interaction.guildId
    ? 'channel'
    : channelType === ChannelType.GroupDM
      ? 'group'
      : 'private';
  const chat: Chat = {
    platform: 'discord',
    id: interaction.channelId ?? interaction.user.id,
    kind,
    ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
    callerCanManage: interaction.guildId ? canManage(interaction) : false,
  };
  return { platform: 'discord', platformUserId: interaction.user.id, displayName: displayNameOf(interaction), chat };
}
