-- What programs observed (sensor sightings, source territories, device findings),
-- kept as observed: the assessment policy grades it each time a case is assessed,
-- so re-tuning the policy needs no re-ingest. Evidence items written before this
-- table existed stay in `evidence` and are read back into this form at load
-- (ascribe_assess::observed_from_legacy). Portable as 0008 made the rest:
-- TEXT and BIGINT only, a declared key (no rowid alias), the order an explicit
-- position.
CREATE TABLE observed (
    incident_id  TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    summary      TEXT NOT NULL,
    source       TEXT NOT NULL,
    tlp          TEXT NOT NULL,
    origin       TEXT NOT NULL,
    -- The observation (ascribe_model::Fact) as JSON.
    fact_json    TEXT NOT NULL,
    position     BIGINT NOT NULL,
    PRIMARY KEY (incident_id, id)
);
