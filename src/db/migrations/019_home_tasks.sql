-- The home page reads a worker's open tasks from this index alone in
-- SQLite: with the structure, the person and the text in it, no task row
-- is read (BENCHMARKS.md, HTTP, fifth session). PostgreSQL keeps 013's
-- index: a task's text in a B-tree key could pass its size limit (2.7 kB).
-- @sqlite
DROP INDEX tasks_open;
CREATE INDEX tasks_open ON tasks(assignee_id, structure_id, due_date, id, person_id, text) WHERE done_at IS NULL;
-- @end
