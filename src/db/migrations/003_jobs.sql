-- Background jobs that must run once a day across all servers.
CREATE TABLE jobs (
	name TEXT PRIMARY KEY,
	last_run BIGINT NOT NULL
);
