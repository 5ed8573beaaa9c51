-- An incident's revision: a count every write to the incident or its items
-- raises by one, in the same unit as the write. A reader that kept something
-- computed from the incident (the web screen's assessments) knows it is still
-- true by comparing one number, exactly; `updated_at` has whole seconds and
-- cannot tell two writes within one apart. (0010-0013 are other areas.)
ALTER TABLE incidents ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
