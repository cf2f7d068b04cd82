-- The failed-login token buckets (beforetrip.LoginLimits), shared by every
-- API instance on the database. full_at is when a bucket has refilled and
-- may be forgotten (PurgeSessionsEvery).
CREATE TABLE login_limits (
	key     text PRIMARY KEY,
	tokens  double precision NOT NULL,
	at      timestamptz NOT NULL,
	full_at timestamptz NOT NULL
);
CREATE INDEX login_limits_full ON login_limits (full_at);
