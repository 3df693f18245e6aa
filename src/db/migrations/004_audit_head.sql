-- The end of the audit chain, sealed with the key file: deleting the last
-- rows of audit_log (or the whole log) no longer goes unnoticed.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL,
	last_hash TEXT NOT NULL,
	mac TEXT NOT NULL
);
