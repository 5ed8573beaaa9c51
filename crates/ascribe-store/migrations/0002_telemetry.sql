-- Sensor-log runs: aggregates by (day, source country, source AS, signature, action)
-- and sightings of indicators, optionally attached to an incident.
-- Portable SQL (TEXT, INTEGER, composite keys) so a PostgreSQL backend can follow.

CREATE TABLE telemetry_runs (
    id                TEXT PRIMARY KEY,
    incident_id       TEXT REFERENCES incidents(id) ON DELETE CASCADE,
    started_at        TEXT NOT NULL,
    inputs_json       TEXT NOT NULL,
    event_types       TEXT NOT NULL,
    summary_json      TEXT NOT NULL
);

CREATE TABLE telemetry_aggregates (
    run_id              TEXT NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    day                 TEXT NOT NULL,
    src_country         TEXT NOT NULL,
    src_asn             INTEGER NOT NULL,
    signature           TEXT NOT NULL,
    action              TEXT NOT NULL,
    events              INTEGER NOT NULL,
    matched_events      INTEGER NOT NULL,
    matched_indicators  TEXT NOT NULL,
    distinct_src_ips    INTEGER NOT NULL,
    first_seen          TEXT NOT NULL,
    last_seen           TEXT NOT NULL,
    PRIMARY KEY (run_id, day, src_country, src_asn, signature, action)
);

CREATE TABLE telemetry_sightings (
    run_id          TEXT NOT NULL REFERENCES telemetry_runs(id) ON DELETE CASCADE,
    indicator_type  TEXT NOT NULL,
    value           TEXT NOT NULL,
    actor           TEXT,
    source          TEXT,
    tlp             TEXT NOT NULL,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    events          INTEGER NOT NULL,
    examples_json   TEXT NOT NULL,
    PRIMARY KEY (run_id, indicator_type, value)
);

CREATE INDEX telemetry_runs_incident ON telemetry_runs (incident_id);
