-- Wrong number/code pairs on the public follow page, counted per
-- application number ("n:…") and per client ("c:…") in a 15-minute
-- window. In the database, so that every node counts the same tries.
CREATE TABLE ysq_follow_failures (
  key TEXT PRIMARY KEY,
  failures {int} NOT NULL,
  window_start TEXT NOT NULL
);
