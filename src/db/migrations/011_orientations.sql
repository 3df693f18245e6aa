-- Orientations: a person sent to a service of the directory (a national
-- one or one of the structure's own partners), what was shared with the
-- partner and the person's consent to it, and the closed loop of what
-- happened, each change dated and signed.

CREATE TABLE orientations (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	service_id BIGINT REFERENCES dir_services(id),             -- a national service…
	local_service_id BIGINT REFERENCES dir_local_services(id), -- …or a local one
	-- Copied when proposed: the slip and the figures stay right when the
	-- directory is re-imported or the service withdrawn.
	service_name TEXT NOT NULL,
	partner_name TEXT NOT NULL DEFAULT '',
	theme TEXT NOT NULL DEFAULT '',        -- data·inclusion category of the need
	partner_type TEXT NOT NULL DEFAULT '', -- the partner's typologie, else its first réseau porteur
	reason TEXT NOT NULL,                  -- why, in the worker's words
	shared TEXT NOT NULL DEFAULT '',       -- what was passed on to the partner
	consent INTEGER NOT NULL DEFAULT 0,    -- the person agreed to that sharing
	how_to_go TEXT NOT NULL DEFAULT '',    -- printed on the slip
	to_bring TEXT NOT NULL DEFAULT '',
	to_say TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'proposee'
		CHECK (status IN ('proposee', 'transmise', 'contactee', 'realisee', 'abandonnee', 'refusee')),
	status_at BIGINT NOT NULL,
	reminder_days INTEGER NOT NULL DEFAULT 15, -- a follow-up task this long after "transmise"
	task_id BIGINT REFERENCES tasks(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK ((service_id IS NULL) <> (local_service_id IS NULL))
);
CREATE INDEX orientations_person ON orientations(person_id, created_at);
CREATE INDEX orientations_structure ON orientations(structure_id, created_at);

-- Every status an orientation went through: when, who, and how the news
-- came (a call, a letter, the partner's answer…).
CREATE TABLE orientation_events (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	orientation_id BIGINT NOT NULL REFERENCES orientations(id),
	status TEXT NOT NULL,
	channel TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	by_user BIGINT REFERENCES users(id),
	at BIGINT NOT NULL
);
CREATE INDEX orientation_events_orientation ON orientation_events(orientation_id, id);

-- Where a structure measures distances from (its own address: a commune,
-- and a point when known) and its default delay before a follow-up.
CREATE TABLE directory_settings (
	structure_id BIGINT PRIMARY KEY REFERENCES structures(id),
	commune_insee TEXT NOT NULL DEFAULT '',
	latitude REAL,
	longitude REAL,
	reminder_days INTEGER NOT NULL DEFAULT 15,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);

-- Searching around a place: the cells of the circle with the category
-- bits in the key, so that a service of another category costs an index
-- read only, never a row read (about four times faster at 100,000 services).
CREATE INDEX dir_services_geo_themes ON dir_services(geo_cell, theme_cats);
-- Searching around a commune: the services placed in it give its point,
-- and those with no coordinates are found by commune or département
-- ("no coordinates" and the category are read from the index alone).
CREATE INDEX dir_services_insee ON dir_services(code_insee, geo_cell, theme_cats);
