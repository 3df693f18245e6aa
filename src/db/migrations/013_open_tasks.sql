-- A worker's open tasks in due order (the home page) from an index of the
-- open tasks alone. PostgreSQL cannot walk tasks_assignee (assignee_id,
-- done_at, due_date, id) in due order under "done_at IS NULL": it read the
-- whole table and sorted it, 10 to 15 ms a page (BENCHMARKS.md, PostgreSQL).
CREATE INDEX tasks_open ON tasks(assignee_id, due_date, id) WHERE done_at IS NULL;
