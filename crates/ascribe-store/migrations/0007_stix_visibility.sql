-- Who may see each stored object version, beyond its TLP.
--
-- `ceiling` is the highest reader clearance (TLP rank) that sees the row. It
-- is 4 (everyone cleared for the row's TLP) unless the row was written by a
-- writer who could not see every stored version of that object: then it is
-- one below the lowest TLP the writer could not see, so the write never
-- supersedes, for readers who can see them, versions its writer could not see
-- (and a writer who re-posts the id and version of a hidden object gets its
-- own row instead of a silent no-op). A row is visible to clearance r when
-- tlp <= r AND ceiling >= r; for each reader at most one row per
-- (collection, id, version) is visible, which the unique key keeps.
CREATE TABLE stix_objects_v6 (
    seq           INTEGER PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES stix_collections (id),
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    version       TEXT NOT NULL,
    spec_version  TEXT NOT NULL,
    tlp           INTEGER NOT NULL,
    marked        INTEGER NOT NULL,
    date_added    TEXT NOT NULL,
    json          TEXT NOT NULL,
    ceiling       INTEGER NOT NULL DEFAULT 4,
    UNIQUE (collection_id, id, version, ceiling)
);
INSERT INTO stix_objects_v6 (seq, collection_id, id, type, version, spec_version, tlp, marked, date_added, json, ceiling)
SELECT seq, collection_id, id, type, version, spec_version, tlp, marked, date_added, json, 4 FROM stix_objects;
DROP TABLE stix_objects;
ALTER TABLE stix_objects_v6 RENAME TO stix_objects;
CREATE INDEX stix_objects_by_id ON stix_objects (collection_id, id, version);
CREATE INDEX stix_objects_by_added ON stix_objects (collection_id, date_added);
CREATE INDEX stix_objects_by_type ON stix_objects (collection_id, type);

-- One index per reader clearance, holding only the rows that reader sees, in
-- paging order: a reader who sees few rows pages through those, not through
-- the whole collection.
CREATE INDEX stix_objects_seen_by_0 ON stix_objects (collection_id, seq) WHERE tlp <= 0 AND ceiling >= 0;
CREATE INDEX stix_objects_seen_by_1 ON stix_objects (collection_id, seq) WHERE tlp <= 1 AND ceiling >= 1;
CREATE INDEX stix_objects_seen_by_2 ON stix_objects (collection_id, seq) WHERE tlp <= 2 AND ceiling >= 2;
CREATE INDEX stix_objects_seen_by_3 ON stix_objects (collection_id, seq) WHERE tlp <= 3 AND ceiling >= 3;
CREATE INDEX stix_objects_seen_by_4 ON stix_objects (collection_id, seq) WHERE tlp <= 4 AND ceiling >= 4;

-- The TLP rank of each entry of a status is kept in details_json; statuses
-- are read by id only.
