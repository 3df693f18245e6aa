-- Foundation: structures, users, sessions, login throttling, audit log.
-- Written once for SQLite and PostgreSQL: @PK@ and @BLOB@ are expanded per backend.
-- Times are Unix seconds (UTC).

CREATE TABLE schema_version (
	version INTEGER PRIMARY KEY,
	applied_at BIGINT NOT NULL
);

CREATE TABLE structures (
	id @PK@,
	name TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL
);

-- structure_id is NULL only for the instance administrateur.
CREATE TABLE users (
	id @PK@,
	structure_id BIGINT REFERENCES structures(id),
	login TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	email TEXT,
	role TEXT NOT NULL CHECK (role IN ('accueil', 'travailleur_social', 'responsable', 'administrateur')),
	password_hash TEXT NOT NULL,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	totp_secret @BLOB@,           -- encrypted with the key file
	totp_enabled INTEGER NOT NULL DEFAULT 0,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	acts_under_mandate INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	last_login_at BIGINT,
	CHECK ((role = 'administrateur') = (structure_id IS NULL))
);
CREATE INDEX users_structure ON users(structure_id, login);

CREATE TABLE recovery_codes (
	id @PK@,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	structure_id BIGINT,
	code_hash TEXT NOT NULL,
	used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Only a hash of the session token is stored: a copy of the database
-- does not let anyone take over a session.
CREATE TABLE sessions (
	id @PK@,
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	structure_id BIGINT,
	csrf_token TEXT NOT NULL,
	stage INTEGER NOT NULL,       -- 1: password checked, second factor pending; 2: complete
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	ip TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed logins per account name and per client address.
CREATE TABLE login_throttle (
	key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_failure BIGINT NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0
);

-- Append-only: each row's hash covers its fields and the previous hash,
-- so a change or a deletion breaks the chain (lien audit verify).
CREATE TABLE audit_log (
	id @PK@,
	at BIGINT NOT NULL,
	user_id BIGINT,
	structure_id BIGINT,
	action TEXT NOT NULL,
	object_type TEXT,
	object_id BIGINT,
	ip TEXT,
	detail TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_structure ON audit_log(structure_id, at);
CREATE INDEX audit_object ON audit_log(object_type, object_id, at);
