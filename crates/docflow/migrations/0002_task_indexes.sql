-- Indexes the inbox and the 催办 sweep read without visiting task rows
-- (crates/docflow/benches/inbox.rs; docs/benchmarks.md). They replace
-- the two of 0001, whose leading columns they keep or extend.
-- A user's tasks: the tab counts read kind and state from the index
-- alone, and a page of 待办 / 待阅 is picked (due date, id) before any
-- row is read.
DROP INDEX docflow_tasks_inbox;
CREATE INDEX docflow_tasks_assignee ON docflow_tasks (assignee_user_id, kind, state, due_on, id);
-- Open 待办 by due date: the sweep's guard on the reminder level is
-- checked in the index, so a pass that raises nothing reads no row.
DROP INDEX docflow_tasks_open;
CREATE INDEX docflow_tasks_due ON docflow_tasks (kind, state, due_on, remind_level);
