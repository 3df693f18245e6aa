# lien import services: the shipped samples in their three shapes (and the
# schema's two example CSVs) with exact counts, the lieux mapped as
# data·inclusion maps them, re-import idempotent (same table checksums),
# dry run, rejected records reported with id and reason, an unusable file
# refused whole; lien export services.
S=$(cd "$(dirname "$1")/../directory/samples" && pwd)
"$LIEN" init --db t.db >/dev/null
"$LIEN" structure add "CCAS de Lens" --db t.db >/dev/null
q() { sqlite3 t.db "$1"; }
sums() { for t in dir_sources dir_structures dir_services dir_service_themes dir_services_fts_data; do
	printf '%s %s\n' "$t" "$(q "SELECT * FROM $t ORDER BY 1" | md5sum)"; done; }

# data·inclusion v1: {structures: 90, services: 90}
out=$("$LIEN" import services "$S/di-v1-from-lmn-nouvelle-caledonie.DERIVED.json" --db t.db \
	--attribution "ANCT – Cartographie nationale des lieux d'inclusion numérique, Nouvelle-Calédonie" --licence "Licence Ouverte 2.0" 2>err)
case $out in *"180 enregistrements lus (data·inclusion v1 (JSON))"*) ;; *) echo "$out"; exit 1 ;; esac
case $out in *"structures : 90 créées, 0 mise à jour, 0 inchangée"*"services : 90 créés, 0 mis à jour, 0 inchangé"*"rejetés : 0"*) ;; *) echo "$out"; exit 1 ;; esac
[ ! -s err ]
# lieux de médiation numérique 1.x, JSON: the same 90 places; 12 summaries
# longer than the schema's 280 characters are kept, with a warning each.
out=$("$LIEN" import services "$S/lmn-20240320-nouvelle-caledonie.SANITIZED.json" --db t.db 2>err)
case $out in *"90 enregistrements lus (lieux de médiation numérique (JSON), schéma 1.x)"*"structures : 90 créées"*"services : 90 créés"*"rejetés : 0 ; avertissements : 12"*) ;; *) echo "$out"; exit 1 ;; esac
[ "$(grep -c "avertissement : presentation_resume" err)" = 12 ]
grep -q "^enregistrement 38 : avertissement : presentation_resume : 2420 caractères, 280 au plus" err
# lieux 0.1, JSON (';' and the old lists): the bus France Services, 12 stops
out=$("$LIEN" import services "$S/lmn-20231003-bus-france-services-charente.SANITIZED.json" --db t.db)
case $out in *"12 enregistrements lus (lieux de médiation numérique (JSON), schéma 0.1)"*"structures : 12 créées"*"services : 12 créés"*"rejetés : 0"*) ;; *) echo "$out"; exit 1 ;; esac
# the schema's examples: CSV 1.x, then CSV 0.1 of the same lieu (same source and id): an update
expect_out "structures : 1 créée" "$LIEN" import services "$S/exemple-valide.csv" --db t.db
expect_out "structures : 0 créée, 1 mise à jour, 0 inchangée" "$LIEN" import services "$S/exemple-valide-v0.1.1.csv" --db t.db
[ "$(q "SELECT count(*) FROM dir_sources")" = 4 ]
[ "$(q "SELECT count(*) FROM dir_structures")" = 193 ]
[ "$(q "SELECT count(*) FROM dir_services")" = 193 ]
[ "$(q "SELECT attribution || ' | ' || licence || ' | ' || data_date FROM dir_sources WHERE name = 'mediation-numerique'")" = \
  "ANCT – Cartographie nationale des lieux d'inclusion numérique, Nouvelle-Calédonie | Licence Ouverte 2.0 | 2024-03-06" ]
[ "$(q "SELECT data_date FROM dir_sources WHERE name = 'Hubik'")" = 2022-06-02 ]

# Each lieu imported from its own schema equals data·inclusion's conversion of it, field by field.
for col in nom description type thematiques frais publics publics_precisions adresse commune code_postal code_insee \
	longitude latitude telephone courriel modes_accueil zone_eligibilite lien_mobilisation modes_mobilisation \
	mobilisable_par horaires_accueil date_maj; do
	[ "$(q "SELECT count(*) FROM dir_services d JOIN dir_services l ON l.source_id = (SELECT id FROM dir_sources
		WHERE name = 'Nouvelle-Calédonie') AND d.source_key = 'mediation-numerique--nc-' || l.source_key
		WHERE d.$col IS l.$col")" = 90 ] || { echo "service.$col differs"; exit 1; }
done
for col in nom description siret adresse commune code_postal code_insee telephone courriel site_web horaires_accueil reseaux_porteurs; do
	[ "$(q "SELECT count(*) FROM dir_structures d JOIN dir_structures l ON l.source_id = (SELECT id FROM dir_sources
		WHERE name = 'Nouvelle-Calédonie') AND d.source_key = 'mediation-numerique--nc-' || l.source_key
		WHERE d.$col IS l.$col")" = 90 ] || { echo "structure.$col differs"; exit 1; }
done
# The 0.1 bus: old lists through the 1.x ones, France Services and CNFS as réseaux porteurs.
[ "$(q "SELECT lmn_services FROM dir_services WHERE source_key = '1' AND producer = 'Bus France Services en Charente'")" = \
  "Accès internet et matériel informatique|Insertion professionnelle via le numérique|Aide aux démarches administratives" ]
[ "$(q "SELECT DISTINCT reseaux_porteurs FROM dir_structures WHERE producer = 'Bus France Services en Charente'")" = \
  "conseillers-numeriques|france-service" ]
[ "$(q "INSERT INTO dir_services_fts(dir_services_fts) VALUES('integrity-check'); SELECT count(*) FROM dir_services_fts WHERE dir_services_fts MATCH 'bibliotheque'")" -gt 0 ]

# Importing the same files again changes nothing.
sums > before
for f in di-v1-from-lmn-nouvelle-caledonie.DERIVED.json lmn-20240320-nouvelle-caledonie.SANITIZED.json \
	lmn-20231003-bus-france-services-charente.SANITIZED.json exemple-valide-v0.1.1.csv; do
	out=$("$LIEN" import services "$S/$f" --db t.db 2>/dev/null)
	case $out in *"créée"*) ;; esac
	case $out in *"structures : 0 créée, 0 mise à jour,"*"services : 0 créé, 0 mis à jour,"*) ;; *) echo "$f: $out"; exit 1 ;; esac
done
expect_out "90 inchangées" "$LIEN" import services "$S/di-v1-from-lmn-nouvelle-caledonie.DERIVED.json" --db t.db
sums > after
cmp before after

# Rejected records: each reported with its id and reason, the others imported.
cat > bad.json <<'JSON'
{"structures": [
  {"source": "essai", "id": "ok", "nom": "Épicerie solidaire", "date_maj": "2026-01-05", "code_postal": "62300"},
  {"source": "essai", "id": "cp", "nom": "Mauvais code", "date_maj": "2026-01-05", "code_postal": "6230"},
  {"source": "essai", "nom": "Sans identifiant", "date_maj": "2026-01-05"}
], "services": [
  {"source": "essai", "id": "s1", "structure_id": "ok", "nom": "Colis", "description": "Colis le mardi.",
   "date_maj": "2026-01-05", "thematiques": ["equipement-et-alimentation--alimentation"]},
  {"source": "essai", "id": "s2", "structure_id": "ok", "nom": "Permanence", "description": "Sans rendez-vous.",
   "date_maj": "2026-13-01", "publics": ["tous-publics", "jeunes"], "courriel": "ccas@", "thematiques": ["jardinage"]},
  {"source": "essai", "id": "s3", "structure_id": "cp", "nom": "Orphelin", "description": "Sa structure est refusée.",
   "date_maj": "2026-01-05"}
]}
JSON
"$LIEN" import services bad.json --db t.db >out 2>err
grep -q "structures : 1 créée" out && grep -q "services : 1 créé" out && grep -q "rejetés : 4" out
grep -q "^enregistrement cp (structure) : code_postal : code postal « 6230 » invalide (5 chiffres)$" err
grep -q "^enregistrement n°3 (structure) : id : obligatoire$" err
grep -q "^enregistrement s2 (service) : thematiques : « jardinage » n'est pas une valeur permise ; publics : « tous-publics » s'emploie seul ; courriel : adresse « ccas@ » invalide ; date_maj : date « 2026-13-01 » invalide (AAAA-MM-JJ)$" err
grep -q "^enregistrement s3 (service) : structure_id : sa structure « cp » est rejetée$" err
[ "$(q "SELECT count(*) FROM dir_services")" = 194 ]
# A lieu CSV with a bad line: reported with its line.
printf 'id,pivot,nom,commune,code_postal,adresse,date_maj,services\nA1,123456789,Lieu A,Lens,62300,1 rue,2026-01-01,Aide aux démarches administratives\nA2,123456789,Lieu B,Lens,62300,2 rue,2026-01-01,Cuisine\n' > lieux.csv
"$LIEN" import services lieux.csv --db t.db --source essai-csv >out 2>err
grep -q "structures : 1 créée" out
grep -q "^enregistrement A2 (ligne 3) : services : « Cuisine » n'est pas une valeur du schéma 1.0$" err
[ "$(q "SELECT attribution FROM dir_sources WHERE name = 'essai-csv'")" = essai-csv ]
# Values of the wrong JSON type: the record by its id (or rank), the field, the reason.
printf '{"structures": [42,\n {"source": "essai", "id": "t1", "nom": ["x"], "date_maj": "2026-01-05", "latitude": "50.1"}],\n "services": [{"source": "essai", "id": "t2", "structure_id": "ok", "nom": "Colis", "description": "Colis le mardi.", "date_maj": "2026-01-05", "thematiques": "alimentation"}]}\n' > types.json
"$LIEN" import services types.json --db t.db >out 2>err
grep -q "rejetés : 3" out
grep -q "^enregistrement n°1 (structure) : un objet JSON est attendu$" err
grep -q "^enregistrement t1 (structure) : nom : un texte est attendu ; latitude : un nombre est attendu" err
grep -q "^enregistrement t2 (service) : thematiques : une liste est attendue$" err

# A dry run reports the same and writes nothing.
sums > before
expect_out "rien n'a été écrit" "$LIEN" import services "$S/exemple-valide.csv" --db t.db --dry-run
sums > after
cmp before after
# An unusable file: refused whole, nothing written.
printf '{"structures": [\n  {"source": "essai", "id": "x1", "nom": "Nouveau", "date_maj": "2026-01-05"},\n  {"source": "essai" "id": "x2"}\n]}\n' > broken.json
expect_err "JSON invalide ligne 3, colonne 22 : syntaxe incorrecte" 1 "$LIEN" import services broken.json --db t.db
expect_err "rien n'a été écrit" 1 "$LIEN" import services broken.json --db t.db
head -c 5000 "$S/di-v1-from-lmn-nouvelle-caledonie.DERIVED.json" > cut.json
expect_err "JSON invalide" 1 "$LIEN" import services cut.json --db t.db
printf 'Nom;Prénom\nDupont;Jean\n' > persons.csv
expect_err "format inconnu" 1 "$LIEN" import services persons.csv --db t.db
expect_err "impossible de lire" 1 "$LIEN" import services absent.json --db t.db
: > empty.json
expect_err "fichier vide" 1 "$LIEN" import services empty.json --db t.db
sums > after
cmp before after
[ "$(q "SELECT count(*) FROM dir_structures WHERE source_key = 'x1'")" = 0 ]

# Export of the structure's own services (none yet): valid, empty data·inclusion.
"$LIEN" export services --structure "CCAS de Lens" --db t.db > export.json
[ "$(tr -d ' \t\n' < export.json)" = '{"structures":[],"services":[]}' ]
expect_err "structure inconnue" 1 "$LIEN" export services --structure "Nulle part" --db t.db
expect_fail 2 "$LIEN" export services --db t.db
expect_out "intact" "$LIEN" audit verify --db t.db
