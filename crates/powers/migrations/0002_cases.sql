-- 办件: a case runs the process version it started on (process_id); its
-- engine state and statutory facts are JSON, the columns lists and
-- statistics filter on are kept beside them.
CREATE TABLE power_cases (
  id {id},
  case_no TEXT NOT NULL UNIQUE,
  code_hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_id {int} NOT NULL REFERENCES power_items(id),
  item_version {int} NOT NULL,
  process_id {int} NOT NULL REFERENCES power_processes(id),
  unit TEXT NOT NULL,
  party_sealed TEXT NOT NULL,
  party_masked TEXT NOT NULL,
  contact_sealed TEXT NOT NULL,
  subject TEXT NOT NULL,
  channel TEXT NOT NULL,
  first_contact TEXT NOT NULL,
  owner TEXT NOT NULL,
  state TEXT NOT NULL,
  rev {int} NOT NULL DEFAULT 0,
  next_timer_on TEXT,
  facts TEXT NOT NULL,
  open {int} NOT NULL DEFAULT 1,
  received_on TEXT NOT NULL,
  due_on TEXT,
  due_label TEXT NOT NULL DEFAULT '',
  decided_on TEXT,
  decided_year {int},
  on_time {int},
  topic_id {int},
  topic_node TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX power_cases_open ON power_cases (open, due_on);
CREATE INDEX power_cases_timers ON power_cases (open, next_timer_on);
CREATE INDEX power_cases_item ON power_cases (item_id);
CREATE INDEX power_cases_topic ON power_cases (topic_id);
CREATE INDEX power_cases_decided ON power_cases (decided_year, kind);
-- Every step a case took, in order: what the engine did and who did it.
CREATE TABLE power_case_steps (
  id {id},
  case_id {int} NOT NULL REFERENCES power_cases(id),
  seq {int} NOT NULL,
  node TEXT NOT NULL,
  name TEXT NOT NULL,
  what TEXT NOT NULL,
  on_date TEXT NOT NULL,
  at TEXT NOT NULL,
  by_user TEXT NOT NULL DEFAULT '',
  acting_for TEXT NOT NULL DEFAULT '',
  opinion TEXT NOT NULL DEFAULT '',
  UNIQUE (case_id, seq)
);
-- The open steps of every case, for inboxes: who may act (a role code or
-- a post name), since when, until when. Rewritten with each change.
CREATE TABLE power_case_tasks (
  case_id {int} NOT NULL REFERENCES power_cases(id),
  node TEXT NOT NULL,
  name TEXT NOT NULL,
  candidate_kind TEXT NOT NULL,
  candidate TEXT NOT NULL,
  since TEXT NOT NULL,
  due TEXT,
  PRIMARY KEY (case_id, node)
);
CREATE INDEX power_case_tasks_who ON power_case_tasks (candidate_kind, candidate);
-- 首问负责: who owned the case from when, and why it was handed on.
CREATE TABLE power_case_owners (
  id {id},
  case_id {int} NOT NULL REFERENCES power_cases(id),
  owner TEXT NOT NULL,
  since TEXT NOT NULL,
  reason TEXT NOT NULL,
  by_user TEXT NOT NULL
);
-- Decisions taken on powers run outside the system, entered by the office
-- for table 二 of the annual report (marked as entered).
CREATE TABLE power_entered_counts (
  year {int} NOT NULL,
  kind TEXT NOT NULL,
  count {int} NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  PRIMARY KEY (year, kind)
);
