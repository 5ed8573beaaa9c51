-- Signed-in web sessions, as SQLite's 0015: the token kept only as its
-- SHA-256 in hex, the last use in seconds since 1970 (UTC).
CREATE TABLE web_sessions (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_name   TEXT COLLATE "C" NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf        TEXT COLLATE "C" NOT NULL,
    last_used   bigint NOT NULL
);
CREATE INDEX web_sessions_last_used ON web_sessions (last_used);
