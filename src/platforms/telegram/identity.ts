// Who typed or pressed something, and where, in the app's terms.
import type { Telegram } from 'telegraf';
import type { Chat as TelegramChat, User } from 'telegraf/types';
import type { Identity } from '../../app/context.ts';
import type { Chat, Logger } from '../../app/ports.ts';

/** Telegram's stand-ins for anonymous group admins and for posts on behalf of a channel. */
const ANONYMOUS_SENDERS = new Set([1087968824, 136817688]);

export const displayName = (user: User) =>
  [user.first_name, user.last_name].filter(Boolean).join(' ').trim() ||
  (user.username ? `@${user.username}` : `user ${user.id}`);

export function chatKind(chat: Pick<TelegramChat, 'type'>): Chat['kind'] {
  if (chat.type === 'private') return 'private';
  return chat.type === 'channel' ? 'channel' : 'group';
}

export const isGroupChat = (chat: Pick<TelegramChat, 'type'>) => chat.type === 'group' || chat.type === 'supergroup';

/** A message sent as the group itself (anonymous admin) or as a channel: no person to answer. */
export function isAnonymousSender(from: User, senderChat?: { id: number }): boolean {
  return ANONYMOUS_SENDERS.has(from.id) || senderChat !== undefined;
}

export function identityOf(user: User, chat: TelegramChat, callerCanManage: boolean): Identity {
  const title = 'title' in chat && chat.title ? chat.title : undefined;
  return {
    platform: 'telegram',
    platformUserId: String(user.id),
    displayName: displayName(user),
    chat: {
      platform: 'telegram',
      id: String(chat.id),
      kind: chatKind(chat),
      ...(title ? { title } : {}),
      // In a private chat the user is the only member: theirs to manage.
      callerCanManage: callerCanManage || chat.type === 'private',
    },
  };
}

/** The private chat with a user (Telegram's private chat id is the user id). */
export function privateChatOf(user: User): TelegramChat {
  return {
    id: user.id,
    type: 'private',
    first_name: user.first_name,
    ...(user.username ? { username: user.username } : {}),
  } as TelegramChat;
}

/** Whether a user is an administrator (or the creator) of a chat; false when it cannot be told. */
export async function isChatAdministrator(
  telegram: Pick<Telegram, 'getChatMember'>,
  chatId: number,
  userId: number,
  logger: Logger,
): Promise<boolean> {
  try {
    const member = await telegram.getChatMember(chatId, userId);
    return member.status === 'creator' || member.status === 'administrator';
  } catch (error) {
    logger.warn(
      { err: error, chatId: String(chatId) },
      'getChatMember failed: treating the caller as not an administrator',
    );
    return false;
  }
}
