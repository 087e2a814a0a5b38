-- 0003: the hedge-discussion polls the bot opened, so a vote (Telegram sends only the poll id, the
-- voter and the options chosen) still finds what Adopt means after a restart. Kept in the database,
-- not in memory; a row is dropped once its discussion has expired.
CREATE TABLE hedge_polls (
  platform          TEXT NOT NULL,
  poll_id           TEXT NOT NULL,
  chat_id           TEXT NOT NULL,
  chat_title        TEXT,
  message_id        TEXT NOT NULL,
  -- Index of the Adopt answer among the poll's options.
  adopt_option      INTEGER NOT NULL CHECK (adopt_option >= 0),
  -- The command an Adopt vote runs as the voter (it records only on the voter's own position).
  adopt_command     TEXT NOT NULL,
  adopt_options_json TEXT NOT NULL CHECK (json_valid(adopt_options_json)),
  created_ms        INTEGER NOT NULL,
  expires_ms        INTEGER NOT NULL,
  PRIMARY KEY (platform, poll_id)
) WITHOUT ROWID;
CREATE INDEX hedge_polls_by_expiry ON hedge_polls (expires_ms);
