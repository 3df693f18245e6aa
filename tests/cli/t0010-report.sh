# Activity report computed from the journal; CSV with small counts masked
# and cells protected against formulas.
# Periods are French civil dates: compute "today" in Paris, as Lien does.
export TZ=Europe/Paris
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 12 --events 0 >/dev/null
now=$(date +%s)
# Three entries today for person 1 (two kinds), one for person 2; one last month.
sqlite3 t.db "INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, summary, created_at) VALUES
 (1, 1, 2, $now - 60, 'telephone', 'entretien', 'numerique,sante', 30, '', $now),
 (1, 1, 2, $now - 120, 'telephone', 'entretien', 'numerique', 15, '', $now),
 (1, 1, 2, $now - 180, 'courriel', 'demarche', '', 10, '', $now),
 (1, 2, 2, $now - 240, 'visite_planifiee', 'entretien', '', 45, '', $now),
 (1, 3, 2, $now - 40*86400, 'telephone', 'accueil', '', 5, '', $now);"
today=$(date +%d/%m/%Y)
from=$(date -d '-29 days' +%d/%m/%Y)
# Démarches, a mandate and aid requests: their figures come from their own rows.
iso=$(date +%F); old=$(date -d '-40 days' +%F)
sqlite3 t.db "INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, created_by, created_at, updated_at) VALUES
 (1, 1, 'caf', 'social_sante', 'a', 'en_cours', 'avec', '$iso', 2, $now, $now),
 (1, 2, 'caf', 'logement', 'b', 'deposee', 'a_la_place', '$iso', 2, $now, $now),
 (1, 2, 'cpam', 'social_sante', 'c', 'accordee', 'seul', '$old', 2, $now, $now);
 INSERT INTO mandates(structure_id, person_id, domains, duration, starts_on, ends_on, consent_on, created_by, created_at) VALUES
 (1, 2, 'logement', '1a', '$old', '2099-01-01', '$old', 2, $now - 50*86400);
 INSERT INTO aid_requests(structure_id, person_id, kind, amount_asked, amount_granted, status, decision_on, payment, created_by, created_at, updated_at) VALUES
 (1, 1, 'energie', 20000, 15000, 'accordee', '$iso', 'fournisseur', 2, $now, $now),
 (1, 2, 'alimentation', 5000, 0, 'refusee', '$iso', '', 2, $now, $now);
 INSERT INTO appointments(id, structure_id, worker_id, kind, place, starts_at, ends_at, created_by, created_at, updated_at) VALUES
 (1, 1, 2, 'entretien', 'site', $now - 3600, $now - 1800, 2, $now, $now);
 INSERT INTO appointment_persons(appointment_id, structure_id, person_id, outcome) VALUES (1, 1, 1, 'honore'), (1, 1, 2, 'manque');"
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today")
echo "$out" | grep -Eq 'Personnes reçues +2 +1$'
echo "$out" | grep -Eq 'Échanges notés +4 +1$'
echo "$out" | grep -Eq 'Temps passé avec ou pour les personnes \(minutes\) +100 +5$'
echo "$out" | grep -Eq 'Temps moyen par échange \(minutes\) +25 +5$'
echo "$out" | grep -Eq 'Entretien +3 +0$'
echo "$out" | grep -Eq 'Démarches ouvertes +2 +1$'
echo "$out" | grep -Eq 'dont faites à la place de la personne +1 +0$'
echo "$out" | grep -Eq 'Mandats en vigueur +1 +1$'
echo "$out" | grep -Eq 'Demandes d.aide financière +2 +0$'
echo "$out" | grep -Eq 'Aides accordées \(euros\) +150 +0$'
echo "$out" | grep -Eq 'CAF +2 +0$'
echo "$out" | grep -Eq 'Énergie +1 +0$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +2 +0$'
echo "$out" | grep -Eq 'dont absentes sans prévenir +1 +0$'
echo "$out" | grep -Eq 'Taux d.absence sans prévenir \(%\) +50 +0$'
echo "$out" | grep -Eq 'Numérique +2 +0$'
csv=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv)
# 1 to 4 become "< 5" in anything that leaves the structure; 0 stays 0.
echo "$csv" | grep -q '"Totaux";"Personnes reçues";"< 5";"< 5"'
echo "$csv" | grep -q '"Totaux";"Temps passé avec ou pour les personnes (minutes)";"100";"5"'
! echo "$csv" | grep -q '"Totaux";"Échanges notés";"4"'
# The threshold is a setting.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv --mask 2 | grep -q '"Totaux";"Échanges notés";"4";"< 2"'
# A commune name starting with '=' cannot become a formula in a spreadsheet.
sqlite3 t.db "UPDATE persons SET commune_name = '=HYPERLINK(\"x\")' WHERE id = 1"
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv | grep -q "\"'=HYPERLINK"
# XLSX: read back with a real reader; numbers are numbers, small counts masked.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format xlsx > r.xlsx
/usr/bin/python3 - <<'PY'
import openpyxl
ws = openpyxl.load_workbook('r.xlsx').active
rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
assert rows["Temps passé avec ou pour les personnes (minutes)"] == (100, 5), rows
assert rows["Personnes reçues"] == ("< 5", "< 5"), rows
assert ws.cell(row=5, column=1).font.b, "the header row is bold"
PY
# PDF: real text, one document.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format pdf > r.pdf
pdftotext r.pdf - | grep -q "Rapport d'activité"
pdftotext r.pdf - | grep -q "Temps passé avec ou pour les personnes (minutes) : 100"
# CSV for old spreadsheets: Windows-1252, no BOM.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv-windows > w.csv
! head -c 3 w.csv | grep -q "$(printf '\357\273\277')"
iconv -f WINDOWS-1252 -t UTF-8 w.csv | grep -q '"Totaux";"Échanges notés"'
expect_err "Période invalide" 1 "$LIEN" report activity --db t.db --structure 1 --from 31/02/2026 --to "$today"
expect_err "précède" 1 "$LIEN" report activity --db t.db --structure 1 --from "$today" --to 01/01/2020
# The aggregates the journal's triggers keep give the recount's figures,
# for the structure and for one worker (who wrote every entry above).
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" > agg.txt
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --recount > raw.txt
cmp agg.txt raw.txt
# Every section of a worker's report counts their own work: worker 3
# opens a démarche, asks for an aid, holds an appointment booked by
# worker 2, does a diagnostic and proposes an orientation.
sqlite3 t.db "INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, created_by, created_at, updated_at) VALUES
 (1, 3, 'cpam', 'social_sante', 'd', 'en_cours', 'avec', '$iso', 3, $now, $now);
 INSERT INTO aid_requests(structure_id, person_id, kind, amount_asked, amount_granted, status, created_by, created_at, updated_at) VALUES
 (1, 3, 'transport', 3000, 3000, 'accordee', 3, $now, $now);
 INSERT INTO appointments(id, structure_id, worker_id, kind, place, starts_at, ends_at, created_by, created_at, updated_at) VALUES
 (2, 1, 3, 'entretien', 'site', $now - 7200, $now - 5400, 2, $now, $now);
 INSERT INTO appointment_persons(appointment_id, structure_id, person_id, outcome) VALUES (2, 1, 3, 'manque');
 INSERT INTO diagnostics(structure_id, person_id, done_on, email_usable, identity_usable, skill_device, skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, level, path, created_by, created_at) VALUES
 (1, 3, '$iso', 1, 1, 2, 2, 2, 2, 2, 2, 2, 'accompagner', 3, $now);
 INSERT INTO dir_local_structures(id, structure_id, nom, date_maj, created_at, updated_at) VALUES (1, 1, 'Partenaire', '$iso', $now, $now);
 INSERT INTO dir_local_services(id, structure_id, partner_id, nom, description, date_maj, created_at, updated_at) VALUES (1, 1, 1, 'Service', '', '$iso', $now, $now);
 INSERT INTO orientations(structure_id, person_id, local_service_id, service_name, theme, reason, status, status_at, created_by, created_at, updated_at) VALUES
 (1, 3, 1, 'Service', 'mobilite', 'motif', 'proposee', $now, 3, $now, $now);"
worker=$(sqlite3 t.db "SELECT login FROM users WHERE id = 2")
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --worker "$worker")
echo "$out" | grep -Eq 'Personnes reçues +2 +1$'
echo "$out" | grep -Eq 'Échanges notés +4 +1$'
echo "$out" | grep -Eq 'Démarches ouvertes +2 +1$'
echo "$out" | grep -Eq 'Demandes d.aide financière +2 +0$'
echo "$out" | grep -Eq 'Aides accordées \(euros\) +150 +0$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +2 +0$'
echo "$out" | grep -Eq 'Personnes ayant fait le diagnostic numérique +0 +0$'
if echo "$out" | grep -q 'Mobilité'; then exit 1; fi
raw=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --worker "$worker" --recount)
[ "$out" = "$raw" ]
other=$(sqlite3 t.db "SELECT login FROM users WHERE id = 3")
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --worker "$other")
echo "$out" | grep -Eq 'Échanges notés +0 +0$'
echo "$out" | grep -Eq 'Démarches ouvertes +1 +0$'
echo "$out" | grep -Eq 'CPAM / Ameli +1 +0$'
echo "$out" | grep -Eq 'Mandats en vigueur +0 +0$'
echo "$out" | grep -Eq 'Demandes d.aide financière +1 +0$'
echo "$out" | grep -Eq 'Aides accordées \(euros\) +30 +0$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +1 +0$'
echo "$out" | grep -Eq 'Taux d.absence sans prévenir \(%\) +100 +0$'
echo "$out" | grep -Eq 'Personnes ayant fait le diagnostic numérique +1 +0$'
echo "$out" | grep -Eq 'Mobilité +1 +0$'
# What counts as theirs is said under each title.
echo "$out" | grep -q "(Rendez-vous de l'agenda du professionnel, même pris par un collègue.)"
echo "$out" | grep -q "(Orientations que le professionnel a proposées dans la période.)"
# The structure is the sum of its workers; its report has no such sentence.
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today")
echo "$out" | grep -Eq 'Démarches ouvertes +3 +1$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +3 +0$'
if echo "$out" | grep -q 'le professionnel'; then exit 1; fi
# Timing goes to stderr, the report is unchanged.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --timing 2>&1 >/dev/null |
	grep -q "calcul du rapport"
expect_err "pas de compte" 1 "$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --worker personne
# A site's report (migration 018): person 1's three entries today and
# appointment 1 took place at Nord; the démarches, mandates and aid record
# no site, so they stay at 0 under the site's name.
sqlite3 t.db "INSERT INTO structures(name, created_at) VALUES ('Autre structure', 0);
 INSERT INTO sites(id, structure_id, name) VALUES (1, 1, 'Nord'), (2, 1, 'Sud'),
  (3, (SELECT max(id) FROM structures), 'Ailleurs');
 UPDATE journal_entries SET site_id = 1 WHERE person_id = 1;
 UPDATE appointments SET site_id = 1 WHERE id = 1;"
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 1)
echo "$out" | grep -q "^Rapport d'activité – lieu : Nord du "
echo "$out" | grep -Eq 'Personnes reçues +1 +0$'
echo "$out" | grep -Eq 'Échanges notés +3 +0$'
echo "$out" | grep -Eq 'Temps passé avec ou pour les personnes \(minutes\) +55 +0$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +2 +0$'
echo "$out" | grep -Eq 'Démarches ouvertes +0 +0$'
echo "$out" | grep -Eq 'Demandes d.aide financière +0 +0$'
echo "$out" | grep -q "(Ces chiffres ne sont pas rattachés à un lieu"
raw=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 1 --recount)
[ "$out" = "$raw" ]
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 2)
echo "$out" | grep -Eq 'Échanges notés +0 +0$'
echo "$out" | grep -Eq 'Personnes attendues à un rendez-vous +0 +0$'
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 1 --format csv --mask 1 |
	grep -q '"Rapport d.activité – lieu.*: Nord";"du '
expect_err "n'existe pas dans la structure" 1 "$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 3
expect_err "ne vont pas ensemble" 1 "$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site 1 --worker "$worker"
expect_err "--site attend" 1 "$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --site nord
