-- The services directory (annuaire), in data·inclusion v1 terms.
--
-- National tables (no structure_id: the same for every structure) hold what
-- `lien import services` reads from national files: one row per source
-- (a producer's data set), its structures and its services, keyed by
-- (source, identifier in the source) so that importing a file again updates
-- in place. Local tables hold the partners and services a structure adds
-- itself (structure_id NOT NULL, editable, exported as data·inclusion v1).
--
-- Multi-valued vocabularies (thematiques, publics, modes…) are stored as
-- their values joined by '|', in the data·inclusion spelling; thématiques are
-- also in a link table (for an indexed search) and as a bitmask of their 16
-- categories (theme_cats, bit i = the i-th category of
-- data/di-v1-vocabulaires.csv). geo_lat/geo_lon are the
-- service's coordinates, or its structure's when it has none; geo_cell is
-- the 0.1° × 0.1° grid cell that holds them (directory_geo_cells).
-- Full-text search (words folded: accents and case ignored): SQLite FTS5
-- tables, PostgreSQL expression indexes over the same columns
-- (the placeholders between at-signs are expanded in db/dialect.c).

CREATE TABLE dir_sources (
	id @PK@,
	name TEXT NOT NULL UNIQUE,
	shape TEXT NOT NULL DEFAULT '',         -- format of the last file imported
	attribution TEXT NOT NULL DEFAULT '',   -- what the licence asks to cite
	licence TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL DEFAULT '',
	file_name TEXT NOT NULL DEFAULT '',
	data_date TEXT NOT NULL DEFAULT '',     -- newest date_maj of its records (YYYY-MM-DD)
	created_at BIGINT NOT NULL,
	imported_at BIGINT NOT NULL             -- last import that changed something
);

CREATE TABLE dir_structures (
	id @PK@,
	source_id BIGINT NOT NULL REFERENCES dir_sources(id),
	producer TEXT NOT NULL,                 -- data·inclusion "source"
	source_key TEXT NOT NULL,               -- data·inclusion "id" / the lieu's id
	nom TEXT NOT NULL,
	description TEXT,
	siret TEXT,
	adresse TEXT,
	complement_adresse TEXT,
	commune TEXT,
	code_postal TEXT,
	code_insee TEXT,
	longitude REAL,
	latitude REAL,
	telephone TEXT,
	courriel TEXT,
	site_web TEXT,
	lien_source TEXT,
	horaires_accueil TEXT,                  -- OpenStreetMap opening_hours, as given
	accessibilite_lieu TEXT,
	reseaux_porteurs TEXT,
	date_maj TEXT NOT NULL,
	-- lieux de médiation numérique only
	lmn_pivot TEXT,
	lmn_typologie TEXT,
	lmn_structure_parente TEXT,
	lmn_itinerance TEXT,
	lmn_dispositif_programmes_nationaux TEXT,
	lmn_formations_labels TEXT,
	lmn_autres_formations_labels TEXT,
	content_hash BIGINT NOT NULL,           -- of every field above: unchanged rows are not written
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (source_id, source_key)
);

CREATE TABLE dir_services (
	id @PK@,
	source_id BIGINT NOT NULL REFERENCES dir_sources(id),
	producer TEXT NOT NULL,
	source_key TEXT NOT NULL,
	structure_key TEXT NOT NULL,            -- data·inclusion "structure_id"
	structure_ref BIGINT NOT NULL REFERENCES dir_structures(id),
	nom TEXT NOT NULL,
	description TEXT NOT NULL,
	type TEXT,
	thematiques TEXT,
	frais TEXT,
	frais_precisions TEXT,
	publics TEXT,
	publics_precisions TEXT,
	conditions_acces TEXT,
	adresse TEXT,
	complement_adresse TEXT,
	commune TEXT,
	code_postal TEXT,
	code_insee TEXT,
	longitude REAL,
	latitude REAL,
	telephone TEXT,
	courriel TEXT,
	contact_nom_prenom TEXT,
	modes_accueil TEXT,
	zone_eligibilite TEXT,
	lien_mobilisation TEXT,
	lien_source TEXT,
	modes_mobilisation TEXT,
	mobilisable_par TEXT,
	mobilisation_precisions TEXT,
	volume_horaire_hebdomadaire REAL,
	nombre_semaines INTEGER,
	horaires_accueil TEXT,
	date_maj TEXT NOT NULL,
	-- lieux de médiation numérique only
	lmn_services TEXT,
	lmn_publics_specifiquement_adresses TEXT,
	lmn_prise_en_charge_specifique TEXT,
	lmn_frais_a_charge TEXT,
	lmn_modalites_acces TEXT,
	lmn_modalites_accompagnement TEXT,
	-- derived, for search
	theme_cats BIGINT NOT NULL DEFAULT 0,
	geo_lat REAL,
	geo_lon REAL,
	geo_cell BIGINT,
	structure_nom TEXT,                     -- its structure's name (full-text search, lists)
	content_hash BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (source_id, source_key)
);
CREATE INDEX dir_services_structure ON dir_services(structure_ref);
CREATE INDEX dir_services_geo ON dir_services(geo_cell);

-- Each sub-thématique of a service ("numerique--acquerir-un-equipement"):
-- one index range for a sub-thème, and for a category too, whose
-- sub-thèmes all start with "numerique--" (directory_theme_range).
-- Rows are removed by their key (the old thématiques are known), so no
-- second index; WITHOUT ROWID keeps one b-tree per row (SQLite).
CREATE TABLE dir_service_themes (
	theme TEXT NOT NULL,
	service_id BIGINT NOT NULL REFERENCES dir_services(id),
	PRIMARY KEY (theme, service_id)
) @WITHOUT_ROWID@;

-- Full text of the services: an index over columns of dir_services itself
-- (external content, rowid = dir_services.id: the text is not stored
-- twice; thématiques are indexed by their words, "logement-hebergement--…").
-- detail=column: words and columns without positions (no phrase or NEAR
-- queries), cheaper to build. A large pending-terms buffer (hashsize) makes
-- a national import flush fewer, larger segments.
@DIR_SERVICES_FTS@

-- A structure's own partners (organisations in no national file)…
CREATE TABLE dir_local_structures (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	nom TEXT NOT NULL,
	description TEXT,
	siret TEXT,
	adresse TEXT,
	complement_adresse TEXT,
	commune TEXT,
	code_postal TEXT,
	code_insee TEXT,
	longitude REAL,
	latitude REAL,
	telephone TEXT,
	courriel TEXT,
	site_web TEXT,
	lien_source TEXT,
	horaires_accueil TEXT,
	accessibilite_lieu TEXT,
	reseaux_porteurs TEXT,
	date_maj TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX dir_local_structures_owner ON dir_local_structures(structure_id, nom);

-- …and their services, in the same shape as dir_services.
CREATE TABLE dir_local_services (
	id @PK@,
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	partner_id BIGINT NOT NULL REFERENCES dir_local_structures(id),
	nom TEXT NOT NULL,
	description TEXT NOT NULL,
	type TEXT,
	thematiques TEXT,
	frais TEXT,
	frais_precisions TEXT,
	publics TEXT,
	publics_precisions TEXT,
	conditions_acces TEXT,
	adresse TEXT,
	complement_adresse TEXT,
	commune TEXT,
	code_postal TEXT,
	code_insee TEXT,
	longitude REAL,
	latitude REAL,
	telephone TEXT,
	courriel TEXT,
	contact_nom_prenom TEXT,
	modes_accueil TEXT,
	zone_eligibilite TEXT,
	lien_mobilisation TEXT,
	lien_source TEXT,
	modes_mobilisation TEXT,
	mobilisable_par TEXT,
	mobilisation_precisions TEXT,
	volume_horaire_hebdomadaire REAL,
	nombre_semaines INTEGER,
	horaires_accueil TEXT,
	date_maj TEXT NOT NULL,
	theme_cats BIGINT NOT NULL DEFAULT 0,
	geo_lat REAL,
	geo_lon REAL,
	geo_cell BIGINT,
	structure_nom TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_by BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX dir_local_services_owner ON dir_local_services(structure_id, active);
CREATE INDEX dir_local_services_partner ON dir_local_services(partner_id);

CREATE TABLE dir_local_service_themes (
	structure_id BIGINT NOT NULL,
	theme TEXT NOT NULL,
	service_id BIGINT NOT NULL REFERENCES dir_local_services(id),
	PRIMARY KEY (structure_id, theme, service_id)
) @WITHOUT_ROWID@;

-- The same over the local services (rowid = dir_local_services.id).
@DIR_LOCAL_SERVICES_FTS@
