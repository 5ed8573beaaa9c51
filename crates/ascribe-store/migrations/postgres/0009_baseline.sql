-- The PostgreSQL baseline: the schema SQLite has after its migrations
-- 0001..0009 (see ../0001_core.sql .. ../0009_observed.sql for what each
-- column means), written at once for PostgreSQL. Recorded as version 9, so
-- the two engines share the numbers of every later migration.
--
-- What makes it mean the same as SQLite's:
-- * Types: TEXT, BIGINT (SQLite's 64-bit INTEGER) and DOUBLE PRECISION
--   (SQLite's REAL) only; keys declared, ids explicit (from `counters`).
-- * Every text column is `COLLATE "C"`: SQLite compares and orders text by
--   its bytes (BINARY), and so does "C" (UTF-8 byte order is code point
--   order), whatever collation the database was created with. Ids, STIX
--   version keys (`MAX(version)`, `version > ...`) and `ORDER BY` on text
--   depend on it; `lower()` under "C" changes ASCII letters only, as
--   SQLite's does.
-- * Column order is SQLite's, so a statement that names no columns means
--   the same on both.

-- Core (0001, made portable by 0008).
CREATE TABLE incidents (
    id            TEXT COLLATE "C" PRIMARY KEY,
    title         TEXT COLLATE "C" NOT NULL,
    summary       TEXT COLLATE "C",
    period_from   TEXT COLLATE "C",
    period_to     TEXT COLLATE "C",
    victims_json  TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    policy_json   TEXT COLLATE "C",
    updated_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE hypotheses (
    incident_id  TEXT COLLATE "C" NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id           TEXT COLLATE "C" NOT NULL,
    actor        TEXT COLLATE "C",
    actor_name   TEXT COLLATE "C",
    sponsor      TEXT COLLATE "C",
    prior        DOUBLE PRECISION,
    position     BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);

CREATE TABLE evidence (
    incident_id   TEXT COLLATE "C" NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id            TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL,
    summary       TEXT COLLATE "C" NOT NULL,
    source        TEXT COLLATE "C" NOT NULL,
    reliability   TEXT COLLATE "C" NOT NULL,
    credibility   BIGINT NOT NULL,
    tlp           TEXT COLLATE "C" NOT NULL,
    bearing_json  TEXT COLLATE "C" NOT NULL,
    origin        TEXT COLLATE "C",
    position      BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);

CREATE TABLE claims (
    incident_id        TEXT COLLATE "C" NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id                 TEXT COLLATE "C" NOT NULL,
    kind               TEXT COLLATE "C",
    speaker            TEXT COLLATE "C",
    speaker_org        TEXT COLLATE "C",
    speaker_country    TEXT COLLATE "C",
    target             TEXT COLLATE "C",
    target_canonical   TEXT COLLATE "C",
    target_state       TEXT COLLATE "C",
    operation          TEXT COLLATE "C",
    confidence_phrase  TEXT COLLATE "C",
    prob_low           DOUBLE PRECISION,
    prob_high          DOUBLE PRECISION,
    claim_date         TEXT COLLATE "C",
    quote              TEXT COLLATE "C",
    doc                TEXT COLLATE "C",
    start_offset       BIGINT,
    end_offset         BIGINT,
    tlp                TEXT COLLATE "C" NOT NULL,
    provenance         TEXT COLLATE "C" NOT NULL,
    position           BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
CREATE INDEX claims_speaker ON claims (speaker_org, speaker);
CREATE INDEX claims_target ON claims (target_canonical, target_state);

-- Observations (0009).
CREATE TABLE observed (
    incident_id  TEXT COLLATE "C" NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id           TEXT COLLATE "C" NOT NULL,
    summary      TEXT COLLATE "C" NOT NULL,
    source       TEXT COLLATE "C" NOT NULL,
    tlp          TEXT COLLATE "C" NOT NULL,
    origin       TEXT COLLATE "C" NOT NULL,
    fact_json    TEXT COLLATE "C" NOT NULL,
    position     BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);

-- Explicit ids (0008): one row per counter, held by the writing unit.
CREATE TABLE counters (
    name   TEXT COLLATE "C" PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('kb_imports', 0), ('stix_objects', 0);

-- Telemetry (0002, 0006, 0008).
CREATE TABLE telemetry_runs (
    id                TEXT COLLATE "C" PRIMARY KEY,
    incident_id       TEXT COLLATE "C" REFERENCES incidents(id) ON DELETE CASCADE,
    started_at        TEXT COLLATE "C" NOT NULL,
    inputs_json       TEXT COLLATE "C" NOT NULL,
    event_types       TEXT COLLATE "C" NOT NULL,
    summary_json      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX telemetry_runs_incident ON telemetry_runs (incident_id);

CREATE TABLE telemetry_aggregates (
    run_id              TEXT COLLATE "C" NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    day                 TEXT COLLATE "C" NOT NULL,
    src_country         TEXT COLLATE "C" NOT NULL,
    src_asn             BIGINT NOT NULL,
    signature           TEXT COLLATE "C" NOT NULL,
    action              TEXT COLLATE "C" NOT NULL,
    events              BIGINT NOT NULL,
    matched_events      BIGINT NOT NULL,
    distinct_src_ips    BIGINT NOT NULL,
    first_seen          TEXT COLLATE "C" NOT NULL,
    last_seen           TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, day, src_country, src_asn, signature, action)
);

CREATE TABLE telemetry_aggregate_indicators (
    run_id       TEXT COLLATE "C" NOT NULL,
    day          TEXT COLLATE "C" NOT NULL,
    src_country  TEXT COLLATE "C" NOT NULL,
    src_asn      BIGINT NOT NULL,
    signature    TEXT COLLATE "C" NOT NULL,
    action       TEXT COLLATE "C" NOT NULL,
    position     BIGINT NOT NULL,
    indicator    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, day, src_country, src_asn, signature, action, position),
    FOREIGN KEY (run_id, day, src_country, src_asn, signature, action)
        REFERENCES telemetry_aggregates (run_id, day, src_country, src_asn, signature, action)
        ON DELETE CASCADE
);

CREATE TABLE telemetry_sightings (
    run_id          TEXT COLLATE "C" NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    indicator_type  TEXT COLLATE "C" NOT NULL,
    value           TEXT COLLATE "C" NOT NULL,
    actor           TEXT COLLATE "C",
    source          TEXT COLLATE "C",
    tlp             TEXT COLLATE "C" NOT NULL,
    first_seen      TEXT COLLATE "C" NOT NULL,
    last_seen       TEXT COLLATE "C" NOT NULL,
    events          BIGINT NOT NULL,
    examples_json   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, indicator_type, value)
);

-- Documents and knowledge bases (0003, 0008).
CREATE TABLE documents (
    name          TEXT COLLATE "C" PRIMARY KEY,
    bytes         BIGINT NOT NULL,
    published     TEXT COLLATE "C",
    claims        BIGINT NOT NULL,
    ingested_at   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE document_incidents (
    document_name  TEXT COLLATE "C" NOT NULL REFERENCES documents(name) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    incident_id    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (document_name, position)
);

CREATE TABLE kb_imports (
    id            BIGINT PRIMARY KEY,
    source        TEXT COLLATE "C" NOT NULL,
    groups_count  BIGINT NOT NULL,
    data_json     TEXT COLLATE "C" NOT NULL,
    imported_at   TEXT COLLATE "C" NOT NULL
);

-- STIX, TAXII and users (0004, 0007, 0008).
CREATE TABLE stix_collections (
    id          TEXT COLLATE "C" PRIMARY KEY,
    alias       TEXT COLLATE "C" NOT NULL UNIQUE,
    title       TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    position    BIGINT NOT NULL
);
INSERT INTO stix_collections (id, alias, title, description, position)
VALUES ('4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14', 'intel', 'ascribe intelligence',
        'Threat intelligence imported into ascribe and added over TAXII.', 1),
       ('9b2e6c1d-3f4a-4d7b-8e5c-1a0f2b3c4d5e', 'assessments', 'ascribe assessments',
        'Attribution assessments exported by ascribe, with their markings.', 2);

CREATE TABLE stix_objects (
    seq           BIGINT PRIMARY KEY,
    collection_id TEXT COLLATE "C" NOT NULL REFERENCES stix_collections (id),
    id            TEXT COLLATE "C" NOT NULL,
    type          TEXT COLLATE "C" NOT NULL,
    version       TEXT COLLATE "C" NOT NULL,
    spec_version  TEXT COLLATE "C" NOT NULL,
    tlp           BIGINT NOT NULL,
    marked        BIGINT NOT NULL,
    date_added    TEXT COLLATE "C" NOT NULL,
    json          TEXT COLLATE "C" NOT NULL,
    ceiling       BIGINT NOT NULL DEFAULT 4,
    UNIQUE (collection_id, id, version, ceiling)
);
CREATE INDEX stix_objects_by_id ON stix_objects (collection_id, id, version);
CREATE INDEX stix_objects_by_added ON stix_objects (collection_id, date_added);
CREATE INDEX stix_objects_marking_ids ON stix_objects (lower(id)) WHERE type = 'marking-definition';
CREATE INDEX stix_objects_seen_by_0 ON stix_objects (collection_id, seq) WHERE tlp <= 0 AND ceiling >= 0;
CREATE INDEX stix_objects_seen_by_1 ON stix_objects (collection_id, seq) WHERE tlp <= 1 AND ceiling >= 1;
CREATE INDEX stix_objects_seen_by_2 ON stix_objects (collection_id, seq) WHERE tlp <= 2 AND ceiling >= 2;
CREATE INDEX stix_objects_seen_by_3 ON stix_objects (collection_id, seq) WHERE tlp <= 3 AND ceiling >= 3;
CREATE INDEX stix_objects_seen_by_4 ON stix_objects (collection_id, seq) WHERE tlp <= 4 AND ceiling >= 4;

CREATE TABLE users (
    name          TEXT COLLATE "C" PRIMARY KEY,
    role          TEXT COLLATE "C" NOT NULL,
    clearance     BIGINT NOT NULL,
    password_hash TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE collection_rights (
    user_name     TEXT COLLATE "C" NOT NULL REFERENCES users (name),
    collection_id TEXT COLLATE "C" NOT NULL REFERENCES stix_collections (id),
    can_read      BIGINT NOT NULL,
    can_write     BIGINT NOT NULL,
    PRIMARY KEY (user_name, collection_id)
);

CREATE TABLE taxii_status (
    id                TEXT COLLATE "C" PRIMARY KEY,
    user_name         TEXT COLLATE "C" NOT NULL,
    collection_id     TEXT COLLATE "C" NOT NULL,
    request_timestamp TEXT COLLATE "C" NOT NULL,
    total_count       BIGINT NOT NULL,
    success_count     BIGINT NOT NULL,
    failure_count     BIGINT NOT NULL,
    pending_count     BIGINT NOT NULL,
    details_json      TEXT COLLATE "C" NOT NULL
);
