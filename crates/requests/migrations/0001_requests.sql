-- 依申请公开. Personal data (ID number, phone, address) is SM4-sealed
-- (kernel pii) with the column and application number as context.
-- Report queries group by indexed plain columns: applicant_kind,
-- received_on, replied_on, outcome.
CREATE TABLE ysq_applications (
  id {id},
  app_no TEXT NOT NULL UNIQUE,
  year {int} NOT NULL,
  code_hash TEXT NOT NULL,
  channel TEXT NOT NULL,
  applicant_kind TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  id_type TEXT NOT NULL,
  id_number_sealed TEXT NOT NULL,
  legal_rep TEXT,
  contact TEXT,
  phone_sealed TEXT NOT NULL,
  email TEXT,
  address_sealed TEXT,
  description TEXT NOT NULL,
  doc_ref TEXT,
  purpose TEXT,
  provision_form TEXT NOT NULL,
  delivery TEXT NOT NULL,
  -- Keyed SM3 of the normalised ID number: finds the same applicant's
  -- earlier applications without decrypting anything.
  applicant_key TEXT NOT NULL,
  arrived_on TEXT NOT NULL,
  received_on TEXT NOT NULL,
  status TEXT NOT NULL,
  post_id {int} REFERENCES posts(id),
  division_id {int} REFERENCES divisions(id),
  supplement_on TEXT,
  supplement_deadline TEXT,
  supplement_request TEXT,
  supplement_received_on TEXT,
  supplement_text TEXT,
  extension_days {int} NOT NULL DEFAULT 0,
  extension_reason TEXT,
  extension_approved_by TEXT,
  fee_method TEXT,
  fee_count {int},
  fee_amount {int},
  fee_calc TEXT,
  -- The current due date and whether the clock is stopped, refreshed on
  -- every change (the inbox and the overdue sweep read these).
  due_on TEXT NOT NULL,
  paused {int} NOT NULL DEFAULT 0,
  -- 1 while the due date runs through a year without a holiday
  -- arrangement (暂定): recomputed once the arrangement is imported.
  provisional {int} NOT NULL DEFAULT 0,
  outcome TEXT,
  replied_on TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ysq_app_received ON ysq_applications (received_on, applicant_kind);
CREATE INDEX ysq_app_replied ON ysq_applications (replied_on, outcome, applicant_kind);
CREATE INDEX ysq_app_open ON ysq_applications (status, paused, due_on);
CREATE INDEX ysq_app_applicant ON ysq_applications (applicant_key, received_on);
CREATE TABLE ysq_pauses (
  id {id},
  app_id {int} NOT NULL REFERENCES ysq_applications(id),
  kind TEXT NOT NULL,
  party TEXT NOT NULL,
  from_on TEXT NOT NULL,
  to_on TEXT,
  limit_on TEXT NOT NULL,
  -- Internal: the consulted party's opinion; never shown to the applicant.
  opinion TEXT,
  created_by TEXT NOT NULL
);
CREATE INDEX ysq_pauses_app ON ysq_pauses (app_id);
CREATE TABLE ysq_consults (
  id {id},
  app_id {int} NOT NULL REFERENCES ysq_applications(id),
  division_id {int} NOT NULL REFERENCES divisions(id),
  question TEXT NOT NULL,
  asked_on TEXT NOT NULL,
  asked_by TEXT NOT NULL,
  opinion TEXT,
  answered_on TEXT,
  answered_by TEXT
);
CREATE INDEX ysq_consults_app ON ysq_consults (app_id);
CREATE TABLE ysq_events (
  id {id},
  app_id {int} NOT NULL REFERENCES ysq_applications(id),
  at TEXT NOT NULL,
  on_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  -- 1: the applicant sees this line (status and dates only).
  public {int} NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX ysq_events_app ON ysq_events (app_id);
CREATE TABLE ysq_replies (
  id {id},
  app_id {int} NOT NULL UNIQUE REFERENCES ysq_applications(id),
  outcome TEXT NOT NULL,
  letter_no TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  drafted_by TEXT NOT NULL,
  issued_on TEXT,
  issued_by TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE ysq_reply_files (
  id {id},
  app_id {int} NOT NULL REFERENCES ysq_applications(id),
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  size {int} NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE TABLE ysq_cases (
  id {id},
  app_id {int} NOT NULL REFERENCES ysq_applications(id),
  kind TEXT NOT NULL,
  filed_on TEXT NOT NULL,
  body TEXT NOT NULL,
  result TEXT NOT NULL,
  concluded_on TEXT,
  note TEXT,
  recorded_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ysq_cases_filed ON ysq_cases (filed_on);
CREATE TABLE ysq_reports (
  year {int} NOT NULL PRIMARY KEY,
  section1 TEXT NOT NULL,
  section5 TEXT NOT NULL,
  section6 TEXT NOT NULL,
  table2 TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_at TEXT,
  published_json TEXT
);
