-- 0002: wrong /link codes are counted per platform identity, not per user. Keyed by user, the count
-- was reset by a link then an unlink (a new user) and deleted by a merge (the redeemer's rows went
-- with the deleted user), so the lockout did not hold. Identities are never deleted, so this holds.
CREATE TABLE link_failures_by_identity (
  id               INTEGER PRIMARY KEY,
  platform         TEXT NOT NULL,
  platform_user_id TEXT NOT NULL,
  at_ms            INTEGER NOT NULL
);
-- The failures of the last 10 minutes carry over to every identity of the user that made them.
INSERT INTO link_failures_by_identity (platform, platform_user_id, at_ms)
  SELECT identities.platform, identities.platform_user_id, link_failures.at_ms
  FROM link_failures JOIN identities ON identities.user_id = link_failures.user_id;
DROP TABLE link_failures;
CREATE INDEX link_failures_by_identity_at ON link_failures_by_identity (platform, platform_user_id, at_ms);
CREATE INDEX link_failures_by_time ON link_failures_by_identity (at_ms);
