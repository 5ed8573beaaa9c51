-- The device page (issue 21): each vetting run filed in an incident keeps its
-- whole verdict (`ascribe-device-verdict/v1` JSON) with its marking, keyed by
-- the SHA-256 of its input (the id its evidence items carry in their origin).
CREATE TABLE device_reports (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT REFERENCES incidents(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    claim        TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    tlp          TEXT NOT NULL,
    vetted_at    TEXT NOT NULL,
    report_json  TEXT NOT NULL
);
CREATE INDEX device_reports_incident ON device_reports (incident_id);
