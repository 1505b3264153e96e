CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id {int} NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  mfa_ok {int} NOT NULL DEFAULT 0,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  ended_at TEXT,
  end_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, ended_at);
CREATE TABLE password_history (
  id {id},
  user_id {int} NOT NULL REFERENCES users(id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
CREATE TABLE login_failures (
  id {id},
  username TEXT NOT NULL,
  at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_failures_user_at ON login_failures (username, at);
CREATE TABLE mfa (
  user_id {int} NOT NULL PRIMARY KEY REFERENCES users(id),
  kind TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  enrolled_at TEXT NOT NULL,
  last_step {int}
);
CREATE TABLE recovery_codes (
  id {id},
  user_id {int} NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT
);
CREATE TABLE role_permissions (
  role TEXT NOT NULL,
  permission TEXT NOT NULL,
  PRIMARY KEY (role, permission)
);
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('deputy_leader', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('supervisor', 'workbench');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'org.view');
INSERT INTO role_permissions (role, permission) VALUES ('deputy_leader', 'org.view');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'org.view');
INSERT INTO role_permissions (role, permission) VALUES ('supervisor', 'org.view');
