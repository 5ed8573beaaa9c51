-- The device page (issue 21): each vetting run filed in an incident keeps its
-- whole verdict (`ascribe-device-verdict/v1` JSON) with its marking, keyed by
-- the SHA-256 of its input (the id its evidence items carry in their origin).
CREATE TABLE device_reports (
    id           TEXT COLLATE "C" PRIMARY KEY,
    incident_id  TEXT COLLATE "C" REFERENCES incidents(id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    claim        TEXT COLLATE "C" NOT NULL,
    verdict      TEXT COLLATE "C" NOT NULL,
    tlp          TEXT COLLATE "C" NOT NULL,
    vetted_at    TEXT COLLATE "C" NOT NULL,
    report_json  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX device_reports_incident ON device_reports (incident_id);
