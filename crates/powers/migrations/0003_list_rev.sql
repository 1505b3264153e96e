-- The list's revision: bumped in every transaction that changes an item,
-- so each node's in-memory copy of the list knows when to reload.
CREATE TABLE power_list_rev (
  id {int} PRIMARY KEY,
  rev {int} NOT NULL
);
INSERT INTO power_list_rev (id, rev) VALUES (1, 0);
-- The columns the list holds in memory, so reloading it reads this index
-- alone, not the rows with their full content.
CREATE INDEX power_items_summary ON power_items (category, code, name, unit, active);
