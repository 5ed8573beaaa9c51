-- Documents read by `ascribe docs ingest` and knowledge bases imported by `ascribe kb import`.
-- Portable SQL (TEXT, INTEGER), as the core schema.

CREATE TABLE documents (
    name          TEXT PRIMARY KEY,
    bytes         INTEGER NOT NULL,
    published     TEXT,
    claims        INTEGER NOT NULL,
    -- The incidents its claims were filed under, comma-separated.
    incidents     TEXT NOT NULL,
    ingested_at   TEXT NOT NULL
);

CREATE TABLE kb_imports (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    groups_count  INTEGER NOT NULL,
    -- The threat groups as ascribe-kb JSON (KnowledgeBase::to_json).
    data_json     TEXT NOT NULL,
    imported_at   TEXT NOT NULL
);
