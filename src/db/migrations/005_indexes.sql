-- Indexes that match how the pages read: a person's journal within a
-- structure (newest first), a worker's last entry, a worker's open tasks.
DROP INDEX journal_person;
CREATE INDEX journal_person ON journal_entries(structure_id, person_id, at);
CREATE INDEX journal_author ON journal_entries(author_id, id);
DROP INDEX tasks_assignee;
CREATE INDEX tasks_assignee ON tasks(assignee_id, done_at, due_date, id);
-- Name search checks a second word among the same person's name words.
DROP INDEX person_names_person;
CREATE INDEX person_names_person ON person_names(person_id, token);
