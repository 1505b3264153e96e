CREATE TABLE agencies (
  id {id},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL,
  doc_prefix TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE divisions (
  id {id},
  agency_id {int} NOT NULL REFERENCES agencies(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  sort {int} NOT NULL DEFAULT 0,
  UNIQUE (agency_id, code)
);
CREATE TABLE users (
  id {id},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  agency_id {int} REFERENCES agencies(id),
  division_id {int} REFERENCES divisions(id),
  title TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  locked {int} NOT NULL DEFAULT 0,
  password_changed_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user_id {int} NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE TABLE posts (
  id {id},
  agency_id {int} NOT NULL REFERENCES agencies(id),
  division_id {int} REFERENCES divisions(id),
  name TEXT NOT NULL,
  a_user_id {int} NOT NULL REFERENCES users(id),
  b_user_id {int} REFERENCES users(id)
);
CREATE TABLE leaves (
  id {id},
  user_id {int} NOT NULL REFERENCES users(id),
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  cancelled_at TEXT
);
CREATE INDEX leaves_user ON leaves (user_id, from_date);
CREATE TABLE calendar_days (
  day TEXT NOT NULL PRIMARY KEY,
  year {int} NOT NULL,
  kind TEXT NOT NULL,
  festival TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE calendar_years (
  year {int} NOT NULL PRIMARY KEY,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE local_days_off (
  id {id},
  agency_id {int} NOT NULL REFERENCES agencies(id),
  day TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agency_id, day)
);
CREATE TABLE clocks (
  id {id},
  module TEXT NOT NULL,
  object TEXT NOT NULL,
  received TEXT NOT NULL,
  base {int} NOT NULL,
  extension {int} NOT NULL DEFAULT 0,
  restart TEXT,
  pauses TEXT NOT NULL DEFAULT '[]',
  due TEXT NOT NULL,
  provisional {int} NOT NULL DEFAULT 0,
  closed_at TEXT,
  UNIQUE (module, object)
);
CREATE INDEX clocks_open_due ON clocks (closed_at, due);
CREATE TABLE audit_log (
  seq {int} NOT NULL PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  acting_for TEXT,
  event_type TEXT NOT NULL,
  object TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE TABLE audit_head (
  id {int} NOT NULL PRIMARY KEY,
  seq {int} NOT NULL,
  mac TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, '');
CREATE TABLE outbox (
  id {id},
  at TEXT NOT NULL,
  topic TEXT NOT NULL,
  object TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE TABLE outbox_cursors (
  consumer TEXT NOT NULL PRIMARY KEY,
  last_id {int} NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sequences (
  scope TEXT NOT NULL,
  year {int} NOT NULL,
  value {int} NOT NULL,
  PRIMARY KEY (scope, year)
);
CREATE TABLE files (
  hash TEXT NOT NULL PRIMARY KEY,
  size {int} NOT NULL,
  mime TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE settings (
  key TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
