-- 0001: the initial schema. Shipped: never edit this file, add 0002_*.sql instead (see README.md).
-- Times are epoch milliseconds (INTEGER, *_ms); dates are ISO 'YYYY-MM-DD' (TEXT); JSON in *_json.

-- Facts about this database itself (the link-code salt, made here so it is never in the code).
CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO store_meta (key, value) VALUES ('link_code_salt', lower(hex(randomblob(16))));

-- ------------------------------------------------------------------ users and identities

CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- A Discord id and a Telegram id can belong to one user (linked accounts).
CREATE TABLE identities (
  platform         TEXT NOT NULL CHECK (platform IN ('discord', 'telegram', 'console', 'cli')),
  platform_user_id TEXT NOT NULL,
  user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  display_name     TEXT NOT NULL,
  linked_ms        INTEGER NOT NULL,
  UNIQUE (platform, platform_user_id)
);
CREATE INDEX identities_by_user ON identities (user_id, linked_ms);

-- One-time codes of /link. Only a slow hash of the code is kept, so a leaked file leaks no live code.
CREATE TABLE link_codes (
  code_hash  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms    INTEGER,
  -- The user that redeemed it (merged away afterwards, so no foreign key).
  used_by    TEXT,
  -- Times a locked-out user presented this code; such a code is locked (burnt) for everyone.
  attempts   INTEGER NOT NULL DEFAULT 0,
  locked     INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX link_codes_by_user ON link_codes (user_id, used_ms);
CREATE INDEX link_codes_by_expiry ON link_codes (expires_ms);

-- Wrong codes typed, per redeeming user: a wrong code matches no row, so the count lives here.
CREATE TABLE link_failures (
  id      INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at_ms   INTEGER NOT NULL
);
CREATE INDEX link_failures_by_user ON link_failures (user_id, at_ms);

-- ------------------------------------------------------------------ positions

CREATE TABLE positions (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  underlying    TEXT NOT NULL,
  long_put      REAL NOT NULL,
  short_put     REAL NOT NULL,
  short_call    REAL NOT NULL,
  long_call     REAL NOT NULL,
  expiry        TEXT NOT NULL,
  settlement    TEXT NOT NULL CHECK (settlement IN ('PM', 'AM')),
  settlement_ms INTEGER NOT NULL,
  quantity      INTEGER NOT NULL CHECK (typeof(quantity) = 'integer' AND quantity > 0),
  credit        REAL NOT NULL CHECK (credit > 0),
  note          TEXT,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  opened_ms     INTEGER NOT NULL,
  closed_ms     INTEGER,
  close_debit   REAL,
  realized_pl   REAL,
  entry_json    TEXT NOT NULL CHECK (json_valid(entry_json)),
  entry_source  TEXT NOT NULL,
  CHECK ((status = 'open' AND closed_ms IS NULL) OR (status = 'closed' AND closed_ms IS NOT NULL))
);
CREATE INDEX positions_by_user ON positions (user_id, status, opened_ms);

CREATE TABLE position_events (
  id          INTEGER PRIMARY KEY,
  position_id TEXT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('opened', 'rolled', 'hedged', 'closed', 'note')),
  at_ms       INTEGER NOT NULL,
  detail_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail_json))
);
CREATE INDEX position_events_by_position ON position_events (position_id, id);

-- A layer can never be recorded twice for a position (the primary key says so).
CREATE TABLE hedge_layers (
  position_id  TEXT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
  layer        INTEGER NOT NULL CHECK (layer >= 1),
  vix_expiry   TEXT NOT NULL,
  long_strike  REAL NOT NULL,
  short_strike REAL NOT NULL,
  debit        REAL NOT NULL,
  contracts    INTEGER NOT NULL CHECK (typeof(contracts) = 'integer' AND contracts > 0),
  adopted_ms   INTEGER NOT NULL,
  PRIMARY KEY (position_id, layer)
) WITHOUT ROWID;

-- Only the keys a user changed; the code overlays them on the defaults.
CREATE TABLE settings (
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value_json TEXT NOT NULL CHECK (json_valid(value_json)),
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- ------------------------------------------------------------------ daily summaries

CREATE TABLE subscriptions (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('channel', 'personal')),
  platform           TEXT NOT NULL,
  chat_id            TEXT NOT NULL,
  user_id            TEXT REFERENCES users (id) ON DELETE CASCADE,
  time               TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]' AND time <= '23:59'),
  active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  deactivated_reason TEXT,
  created_ms         INTEGER NOT NULL,
  deactivated_ms     INTEGER,
  CHECK ((kind = 'channel' AND user_id IS NULL) OR (kind = 'personal' AND user_id IS NOT NULL))
);
-- SQLite treats NULLs as distinct in UNIQUE: a plain UNIQUE (kind, platform, chat_id, user_id) would let
-- one channel be subscribed twice. The expression makes a channel's NULL user count as one value.
CREATE UNIQUE INDEX subscriptions_identity ON subscriptions (kind, platform, chat_id, coalesce(user_id, ''));
CREATE INDEX subscriptions_active ON subscriptions (active, id);
CREATE INDEX subscriptions_by_user ON subscriptions (user_id);

-- The scheduler's delivery ledger: each summary goes out once per (subscription, trading day, kind).
CREATE TABLE deliveries (
  subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  trading_day         TEXT NOT NULL,
  kind                TEXT NOT NULL CHECK (kind IN ('morning', 'review')),
  state               TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  claimed_by          TEXT,
  claimed_ms          INTEGER,
  sent_ms             INTEGER,
  platform_message_id TEXT,
  nonce               TEXT,
  error               TEXT,
  PRIMARY KEY (subscription_id, trading_day, kind)
) WITHOUT ROWID;
CREATE INDEX deliveries_by_day ON deliveries (trading_day, state);

-- Channel hedge threads (Discord) and polls (Telegram), opened once per layer of a position or of
-- the model condor. Exactly one of position_id and model_key is set; coalesce() for the NULL pitfall.
CREATE TABLE hedge_discussions (
  id          INTEGER PRIMARY KEY,
  platform    TEXT NOT NULL,
  chat_id     TEXT NOT NULL,
  position_id TEXT REFERENCES positions (id) ON DELETE CASCADE,
  model_key   TEXT,
  layer       INTEGER NOT NULL CHECK (layer >= 1),
  trading_day TEXT NOT NULL,
  thread_id   TEXT,
  poll_id     TEXT,
  created_ms  INTEGER NOT NULL,
  CHECK ((position_id IS NULL) <> (model_key IS NULL))
);
CREATE UNIQUE INDEX hedge_discussions_identity
  ON hedge_discussions (platform, chat_id, coalesce(position_id, ''), coalesce(model_key, ''), layer);
CREATE INDEX hedge_discussions_by_position ON hedge_discussions (position_id);

-- ------------------------------------------------------------------ market data

CREATE TABLE quotes (
  symbol     TEXT PRIMARY KEY,
  value      REAL NOT NULL,
  as_of_ms   INTEGER NOT NULL,
  fetched_ms INTEGER NOT NULL,
  source     TEXT NOT NULL,
  extra_json TEXT CHECK (extra_json IS NULL OR json_valid(extra_json))
) WITHOUT ROWID;
