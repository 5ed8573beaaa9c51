-- STIX objects served over TAXII 2.1, the collections that hold them, the
-- users of the server with their clearance and rights, and the status of
-- TAXII add-objects requests. Portable SQL: TEXT/INTEGER only.

CREATE TABLE stix_collections (
    id          TEXT PRIMARY KEY,          -- a UUID, as TAXII wants
    alias       TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT,
    position    INTEGER NOT NULL
);

-- One row per (collection, object id, version). `seq` is the insertion order
-- (assigned by the store as MAX+1 in the writing transaction); `date_added`
-- never decreases with it, so paging by seq is paging by date_added.
CREATE TABLE stix_objects (
    seq           INTEGER PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES stix_collections (id),
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    version       TEXT NOT NULL,           -- fixed-width modified/created, '' for SCOs
    spec_version  TEXT NOT NULL,
    tlp           INTEGER NOT NULL,        -- 0 clear, 1 green, 2 amber, 3 amber+strict, 4 red
    marked        INTEGER NOT NULL,        -- 1 when tlp came from a marking on the object
    date_added    TEXT NOT NULL,           -- fixed-width UTC timestamp
    json          TEXT NOT NULL,
    UNIQUE (collection_id, id, version)
);
CREATE INDEX stix_objects_by_id ON stix_objects (collection_id, id, version);
CREATE INDEX stix_objects_by_added ON stix_objects (collection_id, date_added);
CREATE INDEX stix_objects_by_type ON stix_objects (collection_id, type);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,           -- reader, analyst, admin
    clearance     INTEGER NOT NULL,        -- highest TLP rank the user may see
    password_hash TEXT NOT NULL,           -- Argon2id PHC string
    created_at    TEXT NOT NULL
);

-- Per-collection rights; without a row the role decides (reader: read,
-- analyst and admin: read and write).
CREATE TABLE collection_rights (
    user_name     TEXT NOT NULL REFERENCES users (name),
    collection_id TEXT NOT NULL REFERENCES stix_collections (id),
    can_read      INTEGER NOT NULL,
    can_write     INTEGER NOT NULL,
    PRIMARY KEY (user_name, collection_id)
);

CREATE TABLE taxii_status (
    id                TEXT PRIMARY KEY,
    user_name         TEXT NOT NULL,
    collection_id     TEXT NOT NULL,
    request_timestamp TEXT NOT NULL,
    total_count       INTEGER NOT NULL,
    success_count     INTEGER NOT NULL,
    failure_count     INTEGER NOT NULL,
    pending_count     INTEGER NOT NULL,
    details_json      TEXT NOT NULL
);

INSERT INTO stix_collections (id, alias, title, description, position)
VALUES ('4f7d3a2e-9c1b-4e8a-b6d5-2a9f0c3e7b14', 'intel', 'ascribe intelligence',
        'Threat intelligence imported into ascribe and added over TAXII.', 1);
INSERT INTO stix_collections (id, alias, title, description, position)
VALUES ('9b2e6c1d-3f4a-4d7b-8e5c-1a0f2b3c4d5e', 'assessments', 'ascribe assessments',
        'Attribution assessments exported by ascribe, with their markings.', 2);
