-- The core register: incidents, hypotheses, evidence and claims.
-- Portable SQL (TEXT, INTEGER, REAL, composite keys) so a PostgreSQL backend can follow.

CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    summary       TEXT,
    period_from   TEXT,
    period_to     TEXT,
    victims_json  TEXT NOT NULL DEFAULT '[]',
    -- The case file's [policy] table as JSON, laid over the defaults when assessing.
    policy_json   TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE hypotheses (
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    actor        TEXT,
    actor_name   TEXT,
    sponsor      TEXT,
    prior        REAL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, id)
);

CREATE TABLE evidence (
    incident_id   TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    summary       TEXT NOT NULL,
    source        TEXT NOT NULL,
    reliability   TEXT NOT NULL,
    credibility   INTEGER NOT NULL,
    tlp           TEXT NOT NULL,
    bearing_json  TEXT NOT NULL,
    -- NULL for items an analyst wrote in a case file; otherwise what made it.
    origin        TEXT,
    position      INTEGER NOT NULL,
    PRIMARY KEY (incident_id, id)
);

CREATE TABLE claims (
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
    prob_low           REAL,
    prob_high          REAL,
    claim_date         TEXT,
    quote              TEXT,
    doc                TEXT,
    start_offset       INTEGER,
    end_offset         INTEGER,
    tlp                TEXT NOT NULL,
    -- 'case' for claims written in a case file, 'docs' for claims read from documents.
    provenance         TEXT NOT NULL,
    position           INTEGER NOT NULL,
    PRIMARY KEY (incident_id, id)
);

CREATE INDEX claims_speaker ON claims (speaker_org, speaker);
CREATE INDEX claims_target ON claims (target_canonical, target_state);
