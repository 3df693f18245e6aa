-- Appointments, the reminders outbox and the workers' calendar feeds.

-- Places where a structure receives people (its main address is the first).
CREATE TABLE sites (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	name TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	UNIQUE (structure_id, name)
);

-- Kinds a structure adds to the defaults (entretien, permanence, atelier,
-- visite à domicile).
CREATE TABLE appointment_kinds (
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	value TEXT NOT NULL,
	label TEXT NOT NULL,
	PRIMARY KEY (structure_id, value)
);

CREATE TABLE appointments (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	worker_id BIGINT NOT NULL REFERENCES users(id),
	site_id BIGINT REFERENCES sites(id),
	kind TEXT NOT NULL,                      -- a default kind or one of appointment_kinds
	place TEXT NOT NULL CHECK (place IN ('site', 'domicile', 'partenaire', 'telephone', 'visio')),
	place_detail TEXT NOT NULL DEFAULT '',   -- the partner's address, the video link…
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	to_bring TEXT NOT NULL DEFAULT '',       -- printed in reminders
	notes TEXT NOT NULL DEFAULT '',          -- for the worker, never sent
	status TEXT NOT NULL DEFAULT 'prevu' CHECK (status IN ('prevu', 'annule')),
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX appointments_worker ON appointments(worker_id, starts_at);
CREATE INDEX appointments_structure ON appointments(structure_id, starts_at);

-- The people expected (several for a workshop), and what happened.
CREATE TABLE appointment_persons (
	appointment_id BIGINT NOT NULL REFERENCES appointments(id),
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id),
	outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'honore', 'excuse', 'manque')),
	PRIMARY KEY (appointment_id, person_id)
);
CREATE INDEX appointment_persons_person ON appointment_persons(person_id);

-- The reminders outbox. A row is claimed (status 'sending', claim_until)
-- before it is handed to a gateway, so that a restart or a second server
-- never sends it twice; 'unknown' rows (a crash after the hand-over) are
-- settled by the gateway's delivery report, never re-sent blindly.
CREATE TABLE outbox (
	id @PK@,
	structure_id BIGINT NOT NULL,
	appointment_id BIGINT REFERENCES appointments(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'courrier', 'telephone')),
	due_at BIGINT NOT NULL,
	recipient TEXT NOT NULL,                 -- number, address or postal address
	subject TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'cancelled', 'done')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	claim_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	sent_at BIGINT,
	done_by BIGINT REFERENCES users(id),     -- letters posted, calls made
	created_at BIGINT NOT NULL,
	UNIQUE (appointment_id, person_id, due_at)
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_structure ON outbox(structure_id, channel, status);

-- Private calendar feeds: only a hash of the secret URL is kept.
CREATE TABLE calendar_feeds (
	user_id BIGINT PRIMARY KEY REFERENCES users(id),
	structure_id BIGINT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	detail TEXT NOT NULL DEFAULT 'initiales' CHECK (detail IN ('initiales', 'nature', 'nom')),
	created_at BIGINT NOT NULL
);

-- The structure's reminder settings: delays (hours before, comma-separated),
-- the order of channels to fall back on, and its own message texts.
CREATE TABLE reminder_settings (
	structure_id BIGINT PRIMARY KEY REFERENCES structures(id),
	delays TEXT NOT NULL DEFAULT '48,24',
	fallback TEXT NOT NULL DEFAULT 'sms,email,courrier,telephone',
	sms_template TEXT NOT NULL DEFAULT '',
	email_template TEXT NOT NULL DEFAULT '',
	letter_template TEXT NOT NULL DEFAULT ''
);
