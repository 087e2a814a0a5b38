// Open hedge-discussion polls on PostgreSQL (src/store/polls.ts is the SQLite twin and maps rows).
import type { Pool } from './database.ts';
import { toPoll, type PollRow } from '../polls.ts';
import type { PollRepository } from '../../app/ports.ts';
import { inTransaction } from './transaction.ts';

const SQL = {
  // A poll id seen again replaces the old row (SQLite's INSERT OR REPLACE).
  put: `INSERT INTO hedge_polls (platform, poll_id, chat_id, chat_title, message_id, adopt_option, adopt_command,
        adopt_options_json, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT (platform, poll_id) DO UPDATE SET chat_id = excluded.chat_id, chat_title = excluded.chat_title,
        message_id = excluded.message_id, adopt_option = excluded.adopt_option, adopt_command = excluded.adopt_command,
        adopt_options_json = excluded.adopt_options_json, created_ms = excluded.created_ms,
        expires_ms = excluded.expires_ms`,
  // Expired polls are dropped as new ones arrive, so the table holds only live discussions.
  prune: 'DELETE FROM hedge_polls WHERE expires_ms <= $1',
  get: 'SELECT * FROM hedge_polls WHERE platform = $1 AND poll_id = $2 AND expires_ms > $3',
};

export function createPostgresPollRepository(pool: Pool): PollRepository {
  return {
    remember: (poll) =>
      inTransaction(pool, async (client) => {
        await client.query(SQL.prune, [poll.createdMs]);
        await client.query(SQL.put, [
          poll.platform,
          poll.pollId,
          poll.chatId,
          poll.chatTitle ?? null,
          poll.messageId,
          poll.adoptOption,
          poll.adopt.command,
          JSON.stringify(poll.adopt.options),
          poll.createdMs,
          poll.expiresMs,
        ]);
      }),
    async get(platform, pollId, nowMs) {
      const row = (await pool.query<PollRow>(SQL.get, [platform, pollId, nowMs])).rows[0];
      return row ? toPoll(row) : null;
    },
  };
}
