-- Issue 18: a schema that means the same in SQLite and PostgreSQL.
--
-- * Column types: BIGINT for every integer, DOUBLE PRECISION for every float,
--   TEXT for text (SQLite's INTEGER is 64-bit, PostgreSQL's 32-bit; REAL is
--   a double in SQLite, a single in PostgreSQL). In SQLite the new names have
--   the same affinity, so the rows are copied unchanged.
-- * Explicit ids: `kb_imports.id` and `stix_objects.seq` are no longer
--   SQLite rowid aliases filled in by the engine; the store takes them from
--   `counters`, one row per counter, held by the writing transaction until
--   it ends (so on PostgreSQL writers take them one after the other, and
--   `seq` order stays commit order, which paging by `seq` relies on).
-- * Relations instead of lists inside columns: `documents.incidents`
--   (comma-joined) becomes `document_incidents`, and
--   `telemetry_aggregates.matched_indicators` ('|'-joined) becomes
--   `telemetry_aggregate_indicators`, each item with its position.
--
-- * No engine-specific planner hints: the TAXII type filter used to read
--   `(o.type || '')` so that SQLite would not pick `stix_objects_by_type`
--   over the reader's own per-clearance index; that index, which no query
--   needs (the type filter runs on the reader's index, the marking lookup
--   names no collection), is not rebuilt, and the filter is plain `o.type`.
--
-- Tables are rebuilt as SQLite wants (new table, copy, drop, rename) with
-- foreign keys off; the runner checks them before it commits. Column order
-- is kept, so statements that name no columns still mean what they meant.

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);

-- Core.
CREATE TABLE hypotheses_v8 (
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    actor        TEXT,
    actor_name   TEXT,
    sponsor      TEXT,
    prior        DOUBLE PRECISION,
    position     BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
INSERT INTO hypotheses_v8 SELECT incident_id, id, actor, actor_name, sponsor, prior, position FROM hypotheses;
DROP TABLE hypotheses;
ALTER TABLE hypotheses_v8 RENAME TO hypotheses;

CREATE TABLE evidence_v8 (
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    summary       TEXT NOT NULL,
    source        TEXT NOT NULL,
    reliability   TEXT NOT NULL,
    credibility   BIGINT NOT NULL,
    tlp           TEXT NOT NULL,
    bearing_json  TEXT NOT NULL,
    origin        TEXT,
    position      BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
INSERT INTO evidence_v8 SELECT incident_id, id, kind, summary, source, reliability, credibility, tlp,
    bearing_json, origin, position FROM evidence;
DROP TABLE evidence;
ALTER TABLE evidence_v8 RENAME TO evidence;

CREATE TABLE claims_v8 (
    incident_id        TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    kind               TEXT,
    speaker            TEXT,
    speaker_org        TEXT,
    speaker_country    TEXT,
    target             TEXT,
    target_canonical   TEXT,
    target_state       TEXT,
    operation          TEXT,
    confidence_phrase  TEXT,
    prob_low           DOUBLE PRECISION,
    prob_high          DOUBLE PRECISION,
    claim_date         TEXT,
    quote              TEXT,
    doc                TEXT,
    start_offset       BIGINT,
    end_offset         BIGINT,
    tlp                TEXT NOT NULL,
    provenance         TEXT NOT NULL,
    position           BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
INSERT INTO claims_v8 SELECT incident_id, id, kind, speaker, speaker_org, speaker_country, target,
    target_canonical, target_state, operation, confidence_phrase, prob_low, prob_high, claim_date, quote,
    doc, start_offset, end_offset, tlp, provenance, position FROM claims;
DROP TABLE claims;
ALTER TABLE claims_v8 RENAME TO claims;
CREATE INDEX claims_speaker ON claims (speaker_org, speaker);
CREATE INDEX claims_target ON claims (target_canonical, target_state);

-- Telemetry.
CREATE TABLE telemetry_aggregates_v8 (
    run_id              TEXT NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    day                 TEXT NOT NULL,
    src_country         TEXT NOT NULL,
    src_asn             BIGINT NOT NULL,
    signature           TEXT NOT NULL,
    action              TEXT NOT NULL,
    events              BIGINT NOT NULL,
    matched_events      BIGINT NOT NULL,
    distinct_src_ips    BIGINT NOT NULL,
    first_seen          TEXT NOT NULL,
    last_seen           TEXT NOT NULL,
    PRIMARY KEY (run_id, day, src_country, src_asn, signature, action)
);
INSERT INTO telemetry_aggregates_v8 SELECT run_id, day, src_country, src_asn, signature, action, events,
    matched_events, distinct_src_ips, first_seen, last_seen FROM telemetry_aggregates;

-- The indicator values an aggregate row matched, in the order the run listed them.
CREATE TABLE telemetry_aggregate_indicators (
    run_id       TEXT NOT NULL,
    day          TEXT NOT NULL,
    src_country  TEXT NOT NULL,
    src_asn      BIGINT NOT NULL,
    signature    TEXT NOT NULL,
    action       TEXT NOT NULL,
    position     BIGINT NOT NULL,
    indicator    TEXT NOT NULL,
    PRIMARY KEY (run_id, day, src_country, src_asn, signature, action, position),
    FOREIGN KEY (run_id, day, src_country, src_asn, signature, action)
        REFERENCES telemetry_aggregates (run_id, day, src_country, src_asn, signature, action)
        ON DELETE CASCADE
);
WITH RECURSIVE split (run_id, day, src_country, src_asn, signature, action, position, item, rest) AS (
    SELECT run_id, day, src_country, src_asn, signature, action, -1, NULL, matched_indicators || '|'
    FROM telemetry_aggregates WHERE matched_indicators <> ''
    UNION ALL
    SELECT run_id, day, src_country, src_asn, signature, action, position + 1,
           substr(rest, 1, instr(rest, '|') - 1), substr(rest, instr(rest, '|') + 1)
    FROM split WHERE rest <> ''
)
INSERT INTO telemetry_aggregate_indicators (run_id, day, src_country, src_asn, signature, action, position, indicator)
SELECT run_id, day, src_country, src_asn, signature, action, position, item FROM split WHERE position >= 0;
DROP TABLE telemetry_aggregates;
ALTER TABLE telemetry_aggregates_v8 RENAME TO telemetry_aggregates;

CREATE TABLE telemetry_sightings_v8 (
    run_id          TEXT NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    indicator_type  TEXT NOT NULL,
    value           TEXT NOT NULL,
    actor           TEXT,
    source          TEXT,
    tlp             TEXT NOT NULL,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    events          BIGINT NOT NULL,
    examples_json   TEXT NOT NULL,
    PRIMARY KEY (run_id, indicator_type, value)
);
INSERT INTO telemetry_sightings_v8 SELECT run_id, indicator_type, value, actor, source, tlp, first_seen,
    last_seen, events, examples_json FROM telemetry_sightings;
DROP TABLE telemetry_sightings;
ALTER TABLE telemetry_sightings_v8 RENAME TO telemetry_sightings;

-- Documents and knowledge bases.
CREATE TABLE documents_v8 (
    name          TEXT PRIMARY KEY,
    bytes         BIGINT NOT NULL,
    published     TEXT,
    claims        BIGINT NOT NULL,
    ingested_at   TEXT NOT NULL
);
INSERT INTO documents_v8 SELECT name, bytes, published, claims, ingested_at FROM documents;

-- The incidents a document's claims were filed under, in the order recorded.
CREATE TABLE document_incidents (
    document_name  TEXT NOT NULL REFERENCES documents(name) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    incident_id    TEXT NOT NULL,
    PRIMARY KEY (document_name, position)
);
WITH RECURSIVE split (name, position, item, rest) AS (
    SELECT name, -1, NULL, incidents || ',' FROM documents WHERE incidents <> ''
    UNION ALL
    SELECT name, position + 1, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
INSERT INTO document_incidents (document_name, position, incident_id)
SELECT name, position, item FROM split WHERE position >= 0 AND item <> '';
DROP TABLE documents;
ALTER TABLE documents_v8 RENAME TO documents;

CREATE TABLE kb_imports_v8 (
    id            BIGINT PRIMARY KEY,
    source        TEXT NOT NULL,
    groups_count  BIGINT NOT NULL,
    data_json     TEXT NOT NULL,
    imported_at   TEXT NOT NULL
);
INSERT INTO kb_imports_v8 SELECT id, source, groups_count, data_json, imported_at FROM kb_imports;
DROP TABLE kb_imports;
ALTER TABLE kb_imports_v8 RENAME TO kb_imports;
INSERT INTO counters (name, value) SELECT 'kb_imports', COALESCE(MAX(id), 0) FROM kb_imports;

-- STIX, TAXII and users.
CREATE TABLE stix_collections_v8 (
    id          TEXT PRIMARY KEY,
    alias       TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT,
    position    BIGINT NOT NULL
);
INSERT INTO stix_collections_v8 SELECT id, alias, title, description, position FROM stix_collections;
DROP TABLE stix_collections;
ALTER TABLE stix_collections_v8 RENAME TO stix_collections;

CREATE TABLE stix_objects_v8 (
    seq           BIGINT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES stix_collections (id),
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    version       TEXT NOT NULL,
    spec_version  TEXT NOT NULL,
    tlp           BIGINT NOT NULL,
    marked        BIGINT NOT NULL,
    date_added    TEXT NOT NULL,
    json          TEXT NOT NULL,
    ceiling       BIGINT NOT NULL DEFAULT 4,
    UNIQUE (collection_id, id, version, ceiling)
);
INSERT INTO stix_objects_v8 SELECT seq, collection_id, id, type, version, spec_version, tlp, marked,
    date_added, json, ceiling FROM stix_objects;
DROP TABLE stix_objects;
ALTER TABLE stix_objects_v8 RENAME TO stix_objects;
CREATE INDEX stix_objects_by_id ON stix_objects (collection_id, id, version);
CREATE INDEX stix_objects_by_added ON stix_objects (collection_id, date_added);
-- Marking definitions are looked up by id in any letter case, in every collection.
CREATE INDEX stix_objects_marking_ids ON stix_objects (lower(id)) WHERE type = 'marking-definition';
CREATE INDEX stix_objects_seen_by_0 ON stix_objects (collection_id, seq) WHERE tlp <= 0 AND ceiling >= 0;
CREATE INDEX stix_objects_seen_by_1 ON stix_objects (collection_id, seq) WHERE tlp <= 1 AND ceiling >= 1;
CREATE INDEX stix_objects_seen_by_2 ON stix_objects (collection_id, seq) WHERE tlp <= 2 AND ceiling >= 2;
CREATE INDEX stix_objects_seen_by_3 ON stix_objects (collection_id, seq) WHERE tlp <= 3 AND ceiling >= 3;
CREATE INDEX stix_objects_seen_by_4 ON stix_objects (collection_id, seq) WHERE tlp <= 4 AND ceiling >= 4;
INSERT INTO counters (name, value) SELECT 'stix_objects', COALESCE(MAX(seq), 0) FROM stix_objects;

CREATE TABLE users_v8 (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    clearance     BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
INSERT INTO users_v8 SELECT name, role, clearance, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v8 RENAME TO users;

CREATE TABLE collection_rights_v8 (
    user_name     TEXT NOT NULL REFERENCES users (name),
    collection_id TEXT NOT NULL REFERENCES stix_collections (id),
    can_read      BIGINT NOT NULL,
    can_write     BIGINT NOT NULL,
    PRIMARY KEY (user_name, collection_id)
);
INSERT INTO collection_rights_v8 SELECT user_name, collection_id, can_read, can_write FROM collection_rights;
DROP TABLE collection_rights;
ALTER TABLE collection_rights_v8 RENAME TO collection_rights;

CREATE TABLE taxii_status_v8 (
    id                TEXT PRIMARY KEY,
    user_name         TEXT NOT NULL,
    collection_id     TEXT NOT NULL,
    request_timestamp TEXT NOT NULL,
    total_count       BIGINT NOT NULL,
    success_count     BIGINT NOT NULL,
    failure_count     BIGINT NOT NULL,
    pending_count     BIGINT NOT NULL,
    details_json      TEXT NOT NULL
);
INSERT INTO taxii_status_v8 SELECT id, user_name, collection_id, request_timestamp, total_count,
    success_count, failure_count, pending_count, details_json FROM taxii_status;
DROP TABLE taxii_status;
ALTER TABLE taxii_status_v8 RENAME TO taxii_status;
