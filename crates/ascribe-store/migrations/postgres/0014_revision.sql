-- An incident's revision, as SQLite's 0014: a count every write to the
-- incident or its items raises by one, in the same transaction as the write,
-- so a kept computation is checked against one number, exactly.
ALTER TABLE incidents ADD COLUMN revision bigint NOT NULL DEFAULT 0;
