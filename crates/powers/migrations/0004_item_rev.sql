-- The list revision at which each item last changed, so a node's cached
-- copy of the list reloads only the items changed since its own revision.
ALTER TABLE power_items ADD COLUMN rev {int} NOT NULL DEFAULT 0;
CREATE INDEX power_items_rev ON power_items (rev);
