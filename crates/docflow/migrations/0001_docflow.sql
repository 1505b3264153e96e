-- 网上会办 (RULES.md §6). Paths are data: the office edits a type's path
-- by adding a version; a document keeps the version it started with.
CREATE TABLE docflow_paths (
  id {id},
  doc_type TEXT NOT NULL,
  version {int} NOT NULL,
  steps TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (doc_type, version)
);
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('city_draft', 1, '[{"step":"draft","role":"lead_division"},{"step":"paper_deputy_review","role":"lead_division"},{"step":"paper_principal_sign","role":"lead_division"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('to_city', 1, '[{"step":"draft","role":"lead_division"},{"step":"division_sign","role":"lead_head"},{"step":"office_review","role":"office"},{"step":"deputy_review","role":"deputy"},{"step":"principal_issue","role":"principal"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('routine', 1, '[{"step":"draft","role":"lead_division"},{"step":"division_sign","role":"lead_head"},{"step":"office_review","role":"office"},{"step":"deputy_issue","role":"deputy"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('joint', 1, '[{"step":"draft","role":"lead_division"},{"step":"division_sign","role":"lead_head"},{"step":"deputy_opinion","role":"deputy"},{"step":"external_cosign","role":"lead_division"},{"step":"consolidate","role":"lead_division"},{"step":"office_review","role":"office"},{"step":"principal_issue","role":"principal"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('office_instructed', 1, '[{"step":"draft","role":"lead_division"},{"step":"division_sign","role":"lead_head"},{"step":"office_review","role":"office"},{"step":"leader_issue","role":"instructing_leader"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('office_own', 1, '[{"step":"draft","role":"lead_division"},{"step":"office_director_issue","role":"office_director"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
INSERT INTO docflow_paths (doc_type, version, steps, note, created_by, created_at) VALUES ('office_name', 1, '[{"step":"draft","role":"lead_division"},{"step":"division_sign","role":"lead_head"},{"step":"office_review","role":"office"},{"step":"deputy_issue","role":"deputy"}]', '按 RULES.md §6 签发矩阵初始设置', 'system', '2026-01-01T00:00:00Z');
-- One row per document, incoming (direction 'in') or outgoing ('out').
CREATE TABLE docflow_docs (
  id {id},
  direction TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  urgency TEXT NOT NULL,
  secrecy TEXT NOT NULL,
  secrecy_years {int},
  lead_division_id {int} REFERENCES divisions(id),
  deputy TEXT NOT NULL,
  major {int} NOT NULL DEFAULT 0,
  summary TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_for TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  limit_days {int},
  due_on TEXT,
  source_org TEXT NOT NULL DEFAULT '',
  source_no TEXT NOT NULL DEFAULT '',
  copies {int} NOT NULL DEFAULT 1,
  received_on TEXT,
  paper {int} NOT NULL DEFAULT 0,
  reg_year {int},
  reg_seq {int},
  return_reason TEXT,
  result TEXT,
  doc_type TEXT,
  path_id {int} REFERENCES docflow_paths(id),
  step_index {int} NOT NULL DEFAULT 0,
  instructing_leader TEXT,
  prefix TEXT,
  no_year {int},
  no_seq {int},
  doc_no TEXT,
  main_to TEXT NOT NULL DEFAULT '',
  cc_to TEXT NOT NULL DEFAULT '',
  print_copies {int},
  public_release {int} NOT NULL DEFAULT 0,
  signed_by TEXT,
  signed_for TEXT,
  signed_on TEXT,
  issued_on TEXT,
  archive_location TEXT,
  topic_id {int},
  paused_status TEXT,
  disclosure_item_id {int},
  closed_at TEXT,
  UNIQUE (reg_year, reg_seq),
  UNIQUE (prefix, no_year, no_seq)
);
CREATE INDEX docflow_docs_list ON docflow_docs (direction, status, id);
CREATE INDEX docflow_docs_topic ON docflow_docs (topic_id);
-- Lead (主办) and co-handling (协办) or co-signing (会签) divisions.
CREATE TABLE docflow_divisions (
  doc_id {int} NOT NULL REFERENCES docflow_docs(id),
  division_id {int} NOT NULL REFERENCES divisions(id),
  role TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (doc_id, division_id)
);
-- Text versions; a frozen version is never updated (签发 or amendment).
CREATE TABLE docflow_versions (
  id {id},
  doc_id {int} NOT NULL REFERENCES docflow_docs(id),
  no {int} NOT NULL,
  body TEXT NOT NULL,
  file_hash TEXT,
  file_name TEXT,
  author TEXT NOT NULL,
  author_for TEXT,
  created_at TEXT NOT NULL,
  frozen {int} NOT NULL DEFAULT 0,
  sm3 TEXT,
  reason TEXT,
  approved_by TEXT,
  UNIQUE (doc_id, no)
);
-- Everyone's inbox: one row per task; the state moves new → claimed →
-- done (or cancelled) by guarded updates, so one act wins.
CREATE TABLE docflow_tasks (
  id {id},
  doc_id {int} NOT NULL REFERENCES docflow_docs(id),
  kind TEXT NOT NULL,
  step TEXT NOT NULL,
  assignee_user_id {int} NOT NULL REFERENCES users(id),
  division_id {int} REFERENCES divisions(id),
  state TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  due_on TEXT,
  claimed_at TEXT,
  done_at TEXT,
  done_on TEXT,
  acted_by TEXT,
  acted_for TEXT,
  verdict TEXT,
  opinion TEXT,
  remind_level {int} NOT NULL DEFAULT 0
);
CREATE INDEX docflow_tasks_inbox ON docflow_tasks (assignee_user_id, state, due_on);
CREATE INDEX docflow_tasks_doc ON docflow_tasks (doc_id);
CREATE INDEX docflow_tasks_open ON docflow_tasks (state, due_on);
-- Scans, attachments, signed pages (bytes in the kernel file store).
CREATE TABLE docflow_files (
  id {id},
  doc_id {int} NOT NULL REFERENCES docflow_docs(id),
  kind TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  file_name TEXT NOT NULL,
  mime TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE INDEX docflow_files_doc ON docflow_files (doc_id);
-- Changes after 签发: requested through the office, approved by the
-- issuing leader, then a new frozen version.
CREATE TABLE docflow_amendments (
  id {id},
  doc_id {int} NOT NULL REFERENCES docflow_docs(id),
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  state TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  version_no {int}
);
