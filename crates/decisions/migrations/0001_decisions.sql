CREATE TABLE decision_procedures (
  meeting_type TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  basis TEXT NOT NULL,
  quorum_num {int},
  quorum_den {int},
  personnel_num {int},
  personnel_den {int},
  chair TEXT,
  vote_roles TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
INSERT INTO decision_procedures (meeting_type, name, basis, quorum_num, quorum_den, personnel_num, personnel_den, chair, vote_roles, updated_at) VALUES ('party', '党组会议', 'expected', 1, 2, 2, 3, NULL, 'principal_leader,deputy_leader,supervisor,office', '2026-01-01T00:00:00Z');
INSERT INTO decision_procedures (meeting_type, name, basis, quorum_num, quorum_den, personnel_num, personnel_den, chair, vote_roles, updated_at) VALUES ('executive', '局长办公会议', 'head', 1, 2, 1, 2, NULL, 'principal_leader,deputy_leader,supervisor,office', '2026-01-01T00:00:00Z');
INSERT INTO decision_procedures (meeting_type, name, basis, quorum_num, quorum_den, personnel_num, personnel_den, chair, vote_roles, updated_at) VALUES ('joint', '党政联席会议', 'present', 1, 2, 1, 2, NULL, 'principal_leader,deputy_leader,supervisor,office', '2026-01-01T00:00:00Z');
INSERT INTO decision_procedures (meeting_type, name, basis, quorum_num, quorum_den, personnel_num, personnel_den, chair, vote_roles, updated_at) VALUES ('business', '业务会议', 'head', NULL, NULL, NULL, NULL, NULL, 'principal_leader,deputy_leader,supervisor,office', '2026-01-01T00:00:00Z');
CREATE TABLE decision_members (
  meeting_type TEXT NOT NULL REFERENCES decision_procedures(meeting_type),
  username TEXT NOT NULL,
  sort {int} NOT NULL DEFAULT 0,
  PRIMARY KEY (meeting_type, username)
);
CREATE TABLE decision_topics (
  id {id},
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  lead_unit TEXT NOT NULL,
  deputy TEXT NOT NULL,
  amount_fen {int},
  procurement {int} NOT NULL DEFAULT 0,
  cadre {int} NOT NULL DEFAULT 0,
  scope_required {int} NOT NULL,
  scope_rule TEXT NOT NULL,
  m_topic TEXT NOT NULL,
  m_background TEXT NOT NULL,
  m_research TEXT NOT NULL,
  m_proposal TEXT NOT NULL,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  submitted_at TEXT,
  approved_by TEXT,
  approved_at TEXT,
  recorded_by TEXT,
  recorded_at TEXT,
  pre_decision TEXT,
  pre_note TEXT,
  pre_by TEXT,
  pre_at TEXT,
  meeting_id {int},
  outcome TEXT,
  outcome_reason TEXT,
  method TEXT,
  head_decision TEXT,
  override_reason TEXT,
  t_expected {int},
  t_present {int},
  t_for {int},
  t_against {int},
  t_abstain {int},
  closed_at TEXT,
  higher_body TEXT,
  higher_result TEXT,
  higher_on TEXT,
  reconvened_from {int}
);
CREATE INDEX decision_topics_status ON decision_topics (status);
CREATE TABLE decision_checks (
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  check_kind TEXT NOT NULL,
  file_hash TEXT,
  file_name TEXT,
  done_on TEXT,
  not_needed_reason TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (topic_id, check_kind)
);
CREATE TABLE decision_attachments (
  id {id},
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  file_hash TEXT NOT NULL,
  file_name TEXT NOT NULL,
  mime TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE TABLE decision_meetings (
  id {id},
  meeting_type TEXT NOT NULL REFERENCES decision_procedures(meeting_type),
  title TEXT NOT NULL,
  meeting_on TEXT NOT NULL,
  place TEXT NOT NULL,
  chair TEXT NOT NULL,
  status TEXT NOT NULL,
  notice_on TEXT,
  notice_special TEXT,
  notified_by TEXT,
  opened_at TEXT,
  closed_at TEXT,
  archived_at TEXT,
  archived_by TEXT,
  archive_hash TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE decision_agenda (
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  position {int} NOT NULL,
  outcome TEXT,
  outcome_reason TEXT,
  method TEXT,
  override_reason TEXT,
  t_expected {int},
  t_present {int},
  t_for {int},
  t_against {int},
  t_abstain {int},
  closed_at TEXT,
  PRIMARY KEY (meeting_id, topic_id)
);
CREATE TABLE decision_attendees (
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  username TEXT NOT NULL,
  attendance TEXT NOT NULL,
  absent_reason TEXT,
  PRIMARY KEY (meeting_id, username)
);
CREATE TABLE decision_recusals (
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  username TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (meeting_id, topic_id, username)
);
CREATE TABLE decision_votes (
  id {id},
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  username TEXT NOT NULL,
  vote TEXT NOT NULL,
  opinion TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (meeting_id, topic_id, username)
);
CREATE TABLE decision_written_opinions (
  id {id},
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  username TEXT NOT NULL,
  opinion TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE decision_speeches (
  id {id},
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  topic_id {int} NOT NULL REFERENCES decision_topics(id),
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE decision_minutes (
  id {id},
  meeting_id {int} NOT NULL UNIQUE REFERENCES decision_meetings(id),
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  year {int},
  seq {int},
  number TEXT UNIQUE,
  drafted_by TEXT NOT NULL,
  drafted_at TEXT NOT NULL,
  approved_by TEXT,
  approved_at TEXT,
  issued_on TEXT,
  publicity_ends TEXT,
  publicity_result TEXT,
  publicity_change TEXT,
  publicity_closed_by TEXT,
  publicity_closed_at TEXT
);
CREATE TABLE decision_comments (
  id {id},
  minutes_id {int} NOT NULL REFERENCES decision_minutes(id),
  username TEXT NOT NULL,
  body TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE decision_corrections (
  id {id},
  meeting_id {int} NOT NULL REFERENCES decision_meetings(id),
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  username TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE decision_followups (
  id {id},
  topic_id {int} NOT NULL UNIQUE REFERENCES decision_topics(id),
  unit TEXT NOT NULL,
  deadline TEXT NOT NULL,
  done_on TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE decision_progress (
  id {id},
  followup_id {int} NOT NULL REFERENCES decision_followups(id),
  note TEXT NOT NULL,
  done {int} NOT NULL DEFAULT 0,
  username TEXT NOT NULL,
  at TEXT NOT NULL
)
;
