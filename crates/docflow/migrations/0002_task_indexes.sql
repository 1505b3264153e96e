-- Indexes the inbox and the 催办 sweep read without visiting task rows
-- (crates/docflow/benches/inbox.rs; docs/benchmarks.md). They replace
-- the two of 0001, whose leading columns they keep or extend.
-- A user's tasks: the tab counts read kind and state from the index
-- alone, and a page of 待办 / 待阅 is picked (due date, id) before any
-- row is read.
DROP INDEX docflow_tasks_inbox;
CREATE INDEX docflow_tasks_assignee ON docflow_tasks (assignee_user_id, kind, state, due_on, id);
-- Open 待办 by due date, with the assignee: the sweep counts each
-- person's tasks at each reminder level from the index alone.
DROP INDEX docflow_tasks_open;
CREATE INDEX docflow_tasks_due ON docflow_tasks (kind, state, due_on, assignee_user_id);
-- A task's reminder level is a function of its due date and today
-- (rules::remind_level), computed where it is shown; it is not stored.
ALTER TABLE docflow_tasks DROP COLUMN remind_level;
-- One 催办 pass a working day: the day's notices are sent once, however
-- many nodes run the sweeper.
CREATE TABLE docflow_sweeps (
  day TEXT NOT NULL PRIMARY KEY,
  at TEXT NOT NULL,
  people {int} NOT NULL,
  reminded {int} NOT NULL,
  overdue {int} NOT NULL,
  escalated {int} NOT NULL
);
