-- Themes of the journal, per structure: the 16 data·inclusion categories by
-- default; a structure may switch some off and add its own.
CREATE TABLE structure_themes (
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	value TEXT NOT NULL,
	label TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (structure_id, value)
);
