-- Dossier unique and journal: persons, households, referents, journal
-- entries with encrypted private notes, follow-up tasks.

CREATE TABLE persons (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	file_number TEXT NOT NULL,
	civilite TEXT NOT NULL DEFAULT '',
	birth_name TEXT NOT NULL,
	usage_name TEXT NOT NULL DEFAULT '',
	first_names TEXT NOT NULL,
	birth_date TEXT NOT NULL DEFAULT '',        -- YYYY-MM-DD, '' when unknown
	birth_place TEXT NOT NULL DEFAULT '',
	nationality TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	commune_insee TEXT NOT NULL DEFAULT '',
	commune_name TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	phone2 TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	preferred_channel TEXT NOT NULL DEFAULT 'en_personne'
		CHECK (preferred_channel IN ('courrier', 'telephone', 'sms', 'email', 'en_personne')),
	no_phone INTEGER NOT NULL DEFAULT 0,
	no_email INTEGER NOT NULL DEFAULT 0,
	languages TEXT NOT NULL DEFAULT '',
	interpreter INTEGER NOT NULL DEFAULT 0,
	housing TEXT NOT NULL DEFAULT '',
	resources TEXT NOT NULL DEFAULT '',
	protection TEXT NOT NULL DEFAULT 'aucune',
	protector_contact TEXT NOT NULL DEFAULT '',
	caf_number TEXT NOT NULL DEFAULT '',
	nir TEXT NOT NULL DEFAULT '',
	info_date TEXT NOT NULL,                     -- when the person was told about the processing
	info_method TEXT NOT NULL CHECK (info_method IN ('oral_notice', 'paper')),
	restricted INTEGER NOT NULL DEFAULT 0,       -- 1: only referents (and heads of service)
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'anonymised')),
	merged_into BIGINT,
	search_name TEXT NOT NULL,                   -- folded names, for display-independent matching
	phone_digits TEXT NOT NULL DEFAULT '',
	last_contact_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT,
	updated_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (structure_id, file_number)
);
CREATE INDEX persons_birth ON persons(structure_id, birth_date);
CREATE INDEX persons_phone ON persons(structure_id, phone_digits);
CREATE INDEX persons_contact ON persons(structure_id, status, last_contact_at);

-- One row per folded name word: prefix search by any name, in an index.
CREATE TABLE person_names (
	structure_id BIGINT NOT NULL,
	token TEXT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
	PRIMARY KEY (structure_id, token, person_id)
);
CREATE INDEX person_names_person ON person_names(person_id);

CREATE TABLE household_members (
	id @PK@,
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
	member_person_id BIGINT REFERENCES persons(id),
	first_names TEXT NOT NULL,
	last_name TEXT NOT NULL,
	birth_date TEXT NOT NULL DEFAULT '',
	relation TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX household_person ON household_members(person_id);

CREATE TABLE person_referents (
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users(id),
	PRIMARY KEY (person_id, user_id)
);
CREATE INDEX referents_user ON person_referents(user_id);

CREATE TABLE journal_entries (
	id @PK@,
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id),
	author_id BIGINT NOT NULL REFERENCES users(id),
	at BIGINT NOT NULL,
	medium TEXT NOT NULL,
	kind TEXT NOT NULL,
	themes TEXT NOT NULL DEFAULT '',             -- comma-separated theme values
	duration_min INTEGER NOT NULL DEFAULT 0,
	workers TEXT NOT NULL DEFAULT '',            -- other workers present (names)
	summary TEXT NOT NULL DEFAULT '',            -- shared with the structure's workers
	for_person TEXT NOT NULL DEFAULT '',         -- plain words printed for the person
	documents TEXT NOT NULL DEFAULT '',          -- documents the person should bring
	private_note @BLOB@,                         -- secretbox, readable by the author only
	created_at BIGINT NOT NULL
);
CREATE INDEX journal_person ON journal_entries(person_id, at);
CREATE INDEX journal_structure ON journal_entries(structure_id, at);

CREATE TABLE tasks (
	id @PK@,
	structure_id BIGINT NOT NULL,
	person_id BIGINT REFERENCES persons(id),
	entry_id BIGINT REFERENCES journal_entries(id),
	text TEXT NOT NULL,
	due_date TEXT NOT NULL DEFAULT '',
	assignee_id BIGINT NOT NULL REFERENCES users(id),
	created_by BIGINT NOT NULL,
	done_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX tasks_assignee ON tasks(assignee_id, done_at, due_date);
CREATE INDEX tasks_person ON tasks(person_id);

-- Files a worker opened, for "recently touched" on the home page.
CREATE TABLE recent_files (
	user_id BIGINT NOT NULL,
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
	at BIGINT NOT NULL,
	PRIMARY KEY (user_id, person_id)
);
CREATE INDEX recent_files_user ON recent_files(user_id, at);

CREATE TABLE file_counters (
	structure_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (structure_id, year)
);
