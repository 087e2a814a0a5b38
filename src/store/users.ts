// The user directory: platform identities → internal users, linking and unlinking accounts.
import type { Database } from 'better-sqlite3';
import { UserError } from '../app/errors.ts';
import type { Clock, LinkedAccount, Platform, UserDirectory } from '../app/ports.ts';
import { createLinking } from './link.ts';
import { newUserId } from './random.ts';
import { writeTransaction } from './transaction.ts';

interface IdentityRow {
  platform: Platform;
  platform_user_id: string;
  display_name: string;
  linked_ms: number;
}

export function prepareUserStatements(db: Database) {
  return {
    owner: db.prepare('SELECT user_id, display_name FROM identities WHERE platform = ? AND platform_user_id = ?'),
    rename: db.prepare('UPDATE identities SET display_name = ? WHERE platform = ? AND platform_user_id = ?'),
    insertUser: db.prepare('INSERT INTO users (id, created_ms) VALUES (?, ?)'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    insertIdentity:
      db.prepare(`INSERT OR IGNORE INTO identities (platform, platform_user_id, user_id, display_name, linked_ms)
      VALUES (?, ?, ?, ?, ?)`),
    identitiesOf: db.prepare(`SELECT platform, platform_user_id, display_name, linked_ms FROM identities
      WHERE user_id = ? ORDER BY linked_ms, platform, platform_user_id`),
    moveIdentities: db.prepare('UPDATE identities SET user_id = ?, linked_ms = ? WHERE user_id = ? AND platform = ?'),
    movePersonalSubscriptions: db.prepare(`UPDATE subscriptions SET user_id = ?
      WHERE user_id = ? AND kind = 'personal' AND platform = ?`),
    dropUnusedCodes: db.prepare('DELETE FROM link_codes WHERE user_id = ? AND used_ms IS NULL'),
  };
}

const toIdentity = (row: IdentityRow): LinkedAccount => ({
  platform: row.platform,
  platformUserId: row.platform_user_id,
  displayName: row.display_name,
  linkedMs: row.linked_ms,
});

export function createUserDirectory(db: Database, clock: Clock): UserDirectory {
  const s = prepareUserStatements(db);
  const linking = createLinking(db);

  type Owner = { user_id: string; display_name: string } | undefined;

  const ownerOf = (platform: Platform, platformUserId: string, displayName: string): string | null => {
    const owner = s.owner.get(platform, platformUserId) as Owner;
    if (!owner) return null;
    if (owner.display_name !== displayName) s.rename.run(displayName, platform, platformUserId);
    return owner.user_id;
  };

  const create = writeTransaction(db, (platform: Platform, platformUserId: string, displayName: string): string => {
    const existing = ownerOf(platform, platformUserId, displayName);
    if (existing) return existing;
    const userId = newUserId();
    const nowMs = clock.now();
    s.insertUser.run(userId, nowMs);
    if (s.insertIdentity.run(platform, platformUserId, userId, displayName, nowMs).changes === 1) return userId;
    // Another connection claimed the identity first: use theirs, drop ours.
    s.deleteUser.run(userId);
    return (s.owner.get(platform, platformUserId) as NonNullable<Owner>).user_id;
  });

  const unlink = writeTransaction(db, (userId: string, platform: Platform, nowMs: number): void => {
    const identities = s.identitiesOf.all(userId) as IdentityRow[];
    const leaving = identities.filter((identity) => identity.platform === platform);
    if (leaving.length === 0) {
      throw new UserError('unlink-not-linked', `No ${platform} account is linked to you; see /link.`, { platform });
    }
    if (leaving.length === identities.length) {
      throw new UserError(
        'unlink-last',
        `Your ${platform} account is the only one you have: there is nothing to unlink it from.`,
        { platform },
      );
    }
    // The leaving identity starts over as a new, empty user; positions and settings stay. Personal
    // subscriptions on that platform go with it, or its chat would keep receiving these positions.
    const newUser = newUserId();
    s.insertUser.run(newUser, nowMs);
    s.moveIdentities.run(newUser, nowMs, userId, platform);
    s.movePersonalSubscriptions.run(newUser, userId, platform);
    // A pending code would re-link what was just split.
    s.dropUnusedCodes.run(userId);
  });

  return {
    async resolve(platform, platformUserId, displayName) {
      // The common case is a known identity: one read, no write lock.
      return ownerOf(platform, platformUserId, displayName) ?? create(platform, platformUserId, displayName);
    },
    async identities(userId) {
      return (s.identitiesOf.all(userId) as IdentityRow[]).map(toIdentity);
    },
    createLinkCode: linking.createLinkCode,
    redeemLinkCode: linking.redeemLinkCode,
    unlink: async (userId, platform, nowMs) => unlink(userId, platform, nowMs),
  };
}
