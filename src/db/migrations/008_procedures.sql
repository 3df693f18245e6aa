-- Acting with or for a person: démarches (procedures), mandates and the acts
-- done under them, financial aid, attached documents, the digital diagnostic.
-- Dates a person or a worker gives are 'YYYY-MM-DD' text ('' when none);
-- times the program stamps are Unix seconds.

-- Organisms a structure adds to the default list (domain/procedure.c).
CREATE TABLE structure_organisms (
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	value TEXT NOT NULL,
	label TEXT NOT NULL,
	PRIMARY KEY (structure_id, value)
);

-- A mandate binds the structure, not one worker. domains is the current
-- scope (comma-separated); revocations keep the history.
CREATE TABLE mandates (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	domains TEXT NOT NULL,
	duration TEXT NOT NULL CHECK (duration IN ('1j', '1m', '6m', '1a')),
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,                 -- last day covered
	consent_on TEXT NOT NULL,              -- the day the person signed
	protector_agreement TEXT NOT NULL DEFAULT '', -- who agreed, when a protection measure applies
	revoked_at BIGINT,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX mandates_person ON mandates(person_id);
CREATE INDEX mandates_ending ON mandates(structure_id, ends_on);

CREATE TABLE mandate_revocations (
	id @PK@,
	structure_id BIGINT NOT NULL,
	mandate_id BIGINT NOT NULL REFERENCES mandates(id),
	domain TEXT NOT NULL,                  -- '' for the whole mandate
	reason TEXT NOT NULL DEFAULT '',
	by_user BIGINT NOT NULL REFERENCES users(id),
	at BIGINT NOT NULL
);
CREATE INDEX mandate_revocations_mandate ON mandate_revocations(mandate_id);

CREATE TABLE procedures (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	organism TEXT NOT NULL,
	domain TEXT NOT NULL,
	subject TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('a_faire', 'en_cours', 'deposee', 'en_attente', 'accordee', 'refusee', 'abandonnee')),
	how TEXT NOT NULL CHECK (how IN ('seul', 'avec', 'a_la_place')),
	opened_on TEXT NOT NULL,
	submitted_on TEXT NOT NULL DEFAULT '',
	answer_due_on TEXT NOT NULL DEFAULT '',
	renewal_on TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX procedures_person ON procedures(person_id);
CREATE INDEX procedures_structure ON procedures(structure_id, status);

-- The documents a démarche needs, ticked when the person brought them.
CREATE TABLE procedure_checklist (
	id @PK@,
	structure_id BIGINT NOT NULL,
	procedure_id BIGINT NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checklist_procedure ON procedure_checklist(procedure_id);

-- Everything done in the person's place. Append-only: the database refuses
-- changes (only anonymisation may blank the text), and each row's digest is
-- sealed in the audit chain (lien audit verify compares them).
CREATE TABLE mandate_acts (
	id @PK@,
	structure_id BIGINT NOT NULL,
	person_id BIGINT NOT NULL REFERENCES persons(id),
	mandate_id BIGINT NOT NULL REFERENCES mandates(id),
	procedure_id BIGINT REFERENCES procedures(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	at BIGINT NOT NULL,
	what TEXT NOT NULL
);
CREATE INDEX mandate_acts_person ON mandate_acts(person_id, at);
@APPEND_ONLY_MANDATE_ACTS@

CREATE TABLE aid_requests (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	kind TEXT NOT NULL CHECK (kind IN ('energie', 'alimentation', 'logement', 'transport', 'sante', 'autre')),
	purpose TEXT NOT NULL DEFAULT '',
	amount_asked BIGINT NOT NULL,          -- cents
	amount_granted BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL CHECK (status IN ('instruction', 'attente_pieces', 'accordee', 'refusee', 'ajournee', 'classee')),
	commission_on TEXT NOT NULL DEFAULT '',
	decision_on TEXT NOT NULL DEFAULT '',
	payment TEXT NOT NULL DEFAULT '' CHECK (payment IN ('', 'virement', 'cheque', 'bons', 'fournisseur')),
	refusal_reason TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX aid_person ON aid_requests(person_id);
CREATE INDEX aid_structure ON aid_requests(structure_id, created_at);

-- Files attached to a person, a démarche, a mandate or an aid request. The
-- content is encrypted on disk outside the database (storage is a random
-- name); only metadata lives here.
CREATE TABLE documents (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	object_type TEXT NOT NULL CHECK (object_type IN ('person', 'procedure', 'mandate', 'aid')),
	object_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	storage TEXT NOT NULL UNIQUE,
	uploaded_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX documents_person ON documents(person_id);
CREATE INDEX documents_object ON documents(object_type, object_id);

CREATE TABLE diagnostics (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	person_id BIGINT NOT NULL REFERENCES persons(id),
	done_on TEXT NOT NULL,
	equipment TEXT NOT NULL DEFAULT '',    -- smartphone,ordinateur,tablette or aucun
	equipment_shared INTEGER NOT NULL DEFAULT 0,
	internet TEXT NOT NULL DEFAULT '',     -- domicile,mobile,lieu_public or aucun
	email_usable INTEGER NOT NULL,
	identity_usable INTEGER NOT NULL,      -- FranceConnect or an equivalent identity
	skill_device INTEGER NOT NULL CHECK (skill_device BETWEEN 1 AND 4),
	skill_find INTEGER NOT NULL CHECK (skill_find BETWEEN 1 AND 4),
	skill_communicate INTEGER NOT NULL CHECK (skill_communicate BETWEEN 1 AND 4),
	skill_procedure INTEGER NOT NULL CHECK (skill_procedure BETWEEN 1 AND 4),
	skill_scams INTEGER NOT NULL CHECK (skill_scams BETWEEN 1 AND 4),
	skill_accounts INTEGER NOT NULL CHECK (skill_accounts BETWEEN 1 AND 4),
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	path TEXT NOT NULL CHECK (path IN ('apprendre', 'accompagner', 'mandat')),
	comment TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX diagnostics_person ON diagnostics(person_id, done_on);
CREATE INDEX diagnostics_structure ON diagnostics(structure_id, done_on);
