-- Wrong number/query-code pairs when following a case from outside, for
-- every module (follow_limit.rs). Security state, not a record the law
-- keeps: windows start again after 15 minutes.
CREATE TABLE follow_failures (
  key TEXT PRIMARY KEY,
  failures {int} NOT NULL,
  window_start TEXT NOT NULL
);
