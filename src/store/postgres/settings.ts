// A user's settings on PostgreSQL: the rules are src/store/settings.ts's (readSettings,
// settingsWrites); this file only reads and writes the rows. An update locks the user's row first,
// so two concurrent updates of one user validate one after the other (as SQLite's write lock does).
import type { UserSettings } from '../../app/ports.ts';
import { policyChosenIn, readSettings, settingsWrites, type SettingRow } from '../settings.ts';
import type { Pool, Queryable } from './database.ts';
import type { SettingsRepository } from '../../app/ports.ts';
import { inTransaction } from './transaction.ts';

const SQL = {
  all: 'SELECT key, value_json FROM settings WHERE user_id = $1',
  lockUser: 'SELECT id FROM users WHERE id = $1 FOR UPDATE',
  put: `INSERT INTO settings (user_id, key, value_json) VALUES ($1, $2, $3)
      ON CONFLICT (user_id, key) DO UPDATE SET value_json = excluded.value_json`,
  remove: 'DELETE FROM settings WHERE user_id = $1 AND key = $2',
};

export function createPostgresSettingsRepository(pool: Pool, userId: string): SettingsRepository {
  const rows = async (db: Queryable) => (await db.query<SettingRow>(SQL.all, [userId])).rows;
  const get = async (db: Queryable): Promise<UserSettings> => readSettings(await rows(db));
  return {
    get: () => get(pool),
    update: (patch) =>
      inTransaction(pool, async (client) => {
        await client.query(SQL.lockUser, [userId]);
        for (const write of settingsWrites(patch, await get(client))) {
          if (write.valueJson === null) await client.query(SQL.remove, [userId, write.key]);
          else await client.query(SQL.put, [userId, write.key, write.valueJson]);
        }
        return get(client);
      }),
    policyChosen: async () => policyChosenIn(await rows(pool)),
  };
}
