// Open hedge-discussion polls (docs/architecture.md: the store behind the app's ports). A vote on a
// poll carries only its id, so the poll's meaning (which command Adopt runs, where the poll is)
// lives here, in the database, and a vote on a poll opened before a restart still resolves.
import type { Database } from 'better-sqlite3';
import type { OpenPoll, Platform, PollRepository } from '../app/ports.ts';

export interface PollRow {
  platform: Platform;
  poll_id: string;
  chat_id: string;
  chat_title: string | null;
  message_id: string;
  adopt_option: number;
  adopt_command: string;
  adopt_options_json: string;
  created_ms: number;
  expires_ms: number;
}

export const toPoll = (row: PollRow): OpenPoll => ({
  platform: row.platform,
  pollId: row.poll_id,
  chatId: row.chat_id,
  ...(row.chat_title !== null ? { chatTitle: row.chat_title } : {}),
  messageId: row.message_id,
  adoptOption: row.adopt_option,
  adopt: {
    command: row.adopt_command,
    options: JSON.parse(row.adopt_options_json) as OpenPoll['adopt']['options'],
  },
  createdMs: row.created_ms,
  expiresMs: row.expires_ms,
});

export function createPollRepository(db: Database): PollRepository {
  const s = {
    put: db.prepare(`INSERT OR REPLACE INTO hedge_polls (platform, poll_id, chat_id, chat_title, message_id,
        adopt_option, adopt_command, adopt_options_json, created_ms, expires_ms)
      VALUES (@platform, @pollId, @chatId, @chatTitle, @messageId, @adoptOption, @adoptCommand, @adoptOptionsJson,
        @createdMs, @expiresMs)`),
    // Expired polls are dropped as new ones arrive, so the table holds only live discussions.
    prune: db.prepare('DELETE FROM hedge_polls WHERE expires_ms <= ?'),
    get: db.prepare('SELECT * FROM hedge_polls WHERE platform = ? AND poll_id = ? AND expires_ms > ?'),
  };
  const remember = db.transaction((poll: OpenPoll) => {
    s.prune.run(poll.createdMs);
    s.put.run({
      platform: poll.platform,
      pollId: poll.pollId,
      chatId: poll.chatId,
      chatTitle: poll.chatTitle ?? null,
      messageId: poll.messageId,
      adoptOption: poll.adoptOption,
      adoptCommand: poll.adopt.command,
      adoptOptionsJson: JSON.stringify(poll.adopt.options),
      createdMs: poll.createdMs,
      expiresMs: poll.expiresMs,
    });
  });
  return {
    remember: async (poll) => remember(poll),
    async get(platform, pollId, nowMs) {
      const row = s.get.get(platform, pollId, nowMs) as PollRow | undefined;
      return row ? toPoll(row) : null;
    },
  };
}
