// The user directory on PostgreSQL (src/store/users.ts is the SQLite twin): platform identities →
// internal users, linking (./link.ts) and unlinking. Unlink and the link's merge take one advisory
// lock, as SQLite's global write lock orders them: two merges of overlapping users cannot interleave.
import { UserError } from '../../app/errors.ts';
import type { Clock, LinkedAccount, Platform } from '../../app/ports.ts';
import { newUserId } from '../random.ts';
import type { Pool, Queryable } from './database.ts';
import { createPostgresLinking } from './link.ts';
import type { UserDirectory } from '../../app/ports.ts';
import { inTransaction, lockUsers } from './transaction.ts';

interface IdentityRow {
  platform: Platform;
  platform_user_id: string;
  display_name: string;
  linked_ms: number;
}

const SQL = {
  owner: 'SELECT user_id, display_name FROM identities WHERE platform = $1 AND platform_user_id = $2',
  rename: 'UPDATE identities SET display_name = $1 WHERE platform = $2 AND platform_user_id = $3',
  insertUser: 'INSERT INTO users (id, created_ms) VALUES ($1, $2)',
  deleteUser: 'DELETE FROM users WHERE id = $1',
  insertIdentity: `INSERT INTO identities (platform, platform_user_id, user_id, display_name, linked_ms)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, platform_user_id) DO NOTHING`,
  identitiesOf: `SELECT platform, platform_user_id, display_name, linked_ms FROM identities
      WHERE user_id = $1 ORDER BY linked_ms, platform, platform_user_id`,
  moveIdentities: 'UPDATE identities SET user_id = $1, linked_ms = $2 WHERE user_id = $3 AND platform = $4',
  movePersonalSubscriptions: `UPDATE subscriptions SET user_id = $1
      WHERE user_id = $2 AND kind = 'personal' AND platform = $3`,
  dropUnusedCodes: 'DELETE FROM link_codes WHERE user_id = $1 AND used_ms IS NULL',
};

const toIdentity = (row: IdentityRow): LinkedAccount => ({
  platform: row.platform,
  platformUserId: row.platform_user_id,
  displayName: row.display_name,
  linkedMs: row.linked_ms,
});

export async function createPostgresUserDirectory(pool: Pool, clock: Clock): Promise<UserDirectory> {
  const linking = await createPostgresLinking(pool);

  type Owner = { user_id: string; display_name: string } | undefined;

  const ownerOf = async (
    db: Queryable,
    platform: Platform,
    platformUserId: string,
    displayName: string,
  ): Promise<string | null> => {
    const owner = (await db.query<NonNullable<Owner>>(SQL.owner, [platform, platformUserId])).rows[0];
    if (!owner) return null;
    if (owner.display_name !== displayName) await db.query(SQL.rename, [displayName, platform, platformUserId]);
    return owner.user_id;
  };

  const create = (platform: Platform, platformUserId: string, displayName: string): Promise<string> =>
    inTransaction(pool, async (client) => {
      const existing = await ownerOf(client, platform, platformUserId, displayName);
      if (existing) return existing;
      const userId = newUserId();
      const nowMs = clock.now();
      await client.query(SQL.insertUser, [userId, nowMs]);
      // A concurrent first sight of the same identity waits here for the other transaction, then
      // finds the identity taken: use theirs, drop ours.
      const inserted = await client.query(SQL.insertIdentity, [platform, platformUserId, userId, displayName, nowMs]);
      if (inserted.rowCount === 1) return userId;
      await client.query(SQL.deleteUser, [userId]);
      return (await client.query<NonNullable<Owner>>(SQL.owner, [platform, platformUserId])).rows[0]!.user_id;
    });

  const unlink = (userId: string, platform: Platform, nowMs: number): Promise<void> =>
    inTransaction(pool, async (client) => {
      await lockUsers(client);
      const identities = (await client.query<IdentityRow>(SQL.identitiesOf, [userId])).rows;
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
      // The leaving identity starts over as a new, empty user; positions and settings stay, and
      // personal subscriptions on that platform go with it (src/store/users.ts says why).
      const newUser = newUserId();
      await client.query(SQL.insertUser, [newUser, nowMs]);
      await client.query(SQL.moveIdentities, [newUser, nowMs, userId, platform]);
      await client.query(SQL.movePersonalSubscriptions, [newUser, userId, platform]);
      // A pending code would re-link what was just split.
      await client.query(SQL.dropUnusedCodes, [userId]);
    });

  return {
    async resolve(platform, platformUserId, displayName) {
      // The common case is a known identity: one read, no transaction.
      return (
        (await ownerOf(pool, platform, platformUserId, displayName)) ?? create(platform, platformUserId, displayName)
      );
    },
    async identities(userId) {
      return (await pool.query<IdentityRow>(SQL.identitiesOf, [userId])).rows.map(toIdentity);
    },
    createLinkCode: linking.createLinkCode,
    redeemLinkCode: linking.redeemLinkCode,
    unlink,
  };
}
