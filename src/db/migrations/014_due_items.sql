-- The home page's reminders (answers awaited, renewals) read in date order
-- from indexes holding only the démarches that can be due: without them each
-- home page scanned every démarche of the structure, twice, and sorted the
-- rows in temporary B-trees (BENCHMARKS.md, HTTP).
CREATE INDEX procedures_answer_due ON procedures(structure_id, answer_due_on)
	WHERE answer_due_on <> '' AND status NOT IN ('accordee', 'refusee', 'abandonnee');
CREATE INDEX procedures_renewal_due ON procedures(structure_id, renewal_on)
	WHERE renewal_on <> '' AND status <> 'abandonnee';
