-- Signed-in web sessions (issue 21), kept so that a restart of the server
-- does not sign everyone out. The session token is kept only as its SHA-256
-- in hex: reading this table does not let anyone sign in. `last_used` is in
-- seconds since 1970 (UTC), written at most about once a minute per session.
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    last_used   BIGINT NOT NULL
);
CREATE INDEX web_sessions_last_used ON web_sessions (last_used);
