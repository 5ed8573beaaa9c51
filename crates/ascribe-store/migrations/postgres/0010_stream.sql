-- Telemetry past one machine (issue 22, ascribe-stream): what the workers count and
-- what they saw. PostgreSQL only: the streaming workers write PostgreSQL, never SQLite.
-- Text compares bytes (COLLATE "C"), as everywhere in this schema.
-- Batch ids name a sensor, so these tables are at least TLP:AMBER: never exported.

-- One row per batch applied: the unique key that makes redelivery a no-op.
CREATE TABLE ingested_batches (
    batch_id   TEXT COLLATE "C" PRIMARY KEY,
    sensor     TEXT COLLATE "C" NOT NULL,
    stream_seq bigint NOT NULL,       -- informational: a republished batch gets a new one
    lines      bigint NOT NULL,
    bad_lines  bigint NOT NULL,
    worker     TEXT COLLATE "C" NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Batches refused whole (too large, binary, bad headers, given up after the last
-- delivery), with the reason: never dropped in silence, never retried forever.
CREATE TABLE rejected_batches (
    batch_id    TEXT COLLATE "C" PRIMARY KEY,
    sensor      TEXT COLLATE "C" NOT NULL,
    stream_seq  bigint NOT NULL,
    bytes       bigint NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    worker      TEXT COLLATE "C" NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now()
);

-- The aggregates of the CSV contract (day = days since 1970-01-01, UTC).
CREATE TABLE telemetry_counts (
    day            bigint NOT NULL,
    src_country    TEXT COLLATE "C" NOT NULL,
    src_asn        bigint NOT NULL,
    signature      TEXT COLLATE "C" NOT NULL,
    action         TEXT COLLATE "C" NOT NULL,
    events         bigint NOT NULL,
    matched_events bigint NOT NULL,
    PRIMARY KEY (day, src_country, src_asn, signature, action)
);

-- The distinct indicator values matched in a group (a set: inserting is the merge).
CREATE TABLE telemetry_count_indicators (
    day         bigint NOT NULL,
    src_country TEXT COLLATE "C" NOT NULL,
    src_asn     bigint NOT NULL,
    signature   TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    indicator   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (day, src_country, src_asn, signature, action, indicator)
);

-- Each worker's running totals, one row per worker (no row shared between workers).
CREATE TABLE stream_workers (
    worker        TEXT COLLATE "C" PRIMARY KEY,
    transactions  bigint NOT NULL,
    batches       bigint NOT NULL,
    duplicates    bigint NOT NULL,
    rejected      bigint NOT NULL,
    rows_upserted bigint NOT NULL,
    lines         bigint NOT NULL,
    updated_at    timestamptz NOT NULL
);
