-- The link to the interpreted document belongs to the published version:
-- a draft revision's link must not show on the public page before it is
-- published.
ALTER TABLE disclosure_versions ADD COLUMN interprets_id {int};
UPDATE disclosure_versions SET interprets_id = (SELECT i.interprets_id FROM disclosure_items i WHERE i.id = disclosure_versions.item_id);
CREATE INDEX disclosure_versions_interprets ON disclosure_versions (interprets_id);
