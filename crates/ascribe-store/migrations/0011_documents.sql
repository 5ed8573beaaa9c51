-- The document page (issue 21): a document's marking, the outlet and address
-- it names, and its text (the document decoded as UTF-8, which its claims'
-- offsets index). Documents recorded before this came from `docs ingest`,
-- whose claims are all TLP:CLEAR; they keep no text (NULL).
ALTER TABLE documents ADD COLUMN tlp TEXT NOT NULL DEFAULT 'clear';
ALTER TABLE documents ADD COLUMN outlet TEXT;
ALTER TABLE documents ADD COLUMN url TEXT;
ALTER TABLE documents ADD COLUMN text TEXT;
-- A document's claims are read by its name.
CREATE INDEX claims_doc ON claims (doc);
