-- 权力清单 (RULES.md §7). An item's every version is kept with its reason
-- (seed document 1's 回头看: adjusted items keep the old versions).
CREATE TABLE power_items (
  id {id},
  code TEXT NOT NULL UNIQUE,
  version {int} NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  active {int} NOT NULL DEFAULT 1,
  content TEXT NOT NULL,
  updated_on TEXT NOT NULL
);
CREATE INDEX power_items_list ON power_items (category, unit, code);
CREATE TABLE power_item_versions (
  id {id},
  item_id {int} NOT NULL REFERENCES power_items(id),
  version {int} NOT NULL,
  content TEXT NOT NULL,
  reason TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  UNIQUE (item_id, version)
);
-- Process definitions: BPMN as imported, one row a version. A case keeps
-- the version it started on.
CREATE TABLE power_processes (
  id {id},
  process_key TEXT NOT NULL,
  version {int} NOT NULL,
  name TEXT NOT NULL,
  xml TEXT NOT NULL,
  definition TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (process_key, version)
);
