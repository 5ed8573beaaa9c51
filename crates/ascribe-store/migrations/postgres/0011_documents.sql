-- The document page (issue 21), as SQLite's 0011: a document's marking, the
-- outlet and address it names, and its text; the index of claims by document.
ALTER TABLE documents ADD COLUMN tlp TEXT COLLATE "C" NOT NULL DEFAULT 'clear';
ALTER TABLE documents ADD COLUMN outlet TEXT COLLATE "C";
ALTER TABLE documents ADD COLUMN url TEXT COLLATE "C";
ALTER TABLE documents ADD COLUMN text TEXT COLLATE "C";
CREATE INDEX claims_doc ON claims (doc);
