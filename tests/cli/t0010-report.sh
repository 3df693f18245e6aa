# Activity report computed from the journal; CSV with small counts masked
# and cells protected against formulas.
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
out=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today")
echo "$out" | grep -Eq 'Personnes reçues +2 +1$'
echo "$out" | grep -Eq 'Échanges +4 +1$'
echo "$out" | grep -Eq 'Minutes +100 +5$'
echo "$out" | grep -Eq 'Entretien +3 +0$'
echo "$out" | grep -Eq 'Numérique +2 +0$'
csv=$("$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv)
# 1 to 4 become "< 5" in anything that leaves the structure; 0 stays 0.
echo "$csv" | grep -q '"Totaux";"Personnes reçues";"< 5";"< 5"'
echo "$csv" | grep -q '"Totaux";"Temps passé (minutes)";"100";"5"'
! echo "$csv" | grep -q '"Totaux";"Échanges";"4"'
# The threshold is a setting.
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv --mask 2 | grep -q '"Totaux";"Échanges";"4";"< 2"'
# A commune name starting with '=' cannot become a formula in a spreadsheet.
sqlite3 t.db "UPDATE persons SET commune_name = '=HYPERLINK(\"x\")' WHERE id = 1"
"$LIEN" report activity --db t.db --structure 1 --from "$from" --to "$today" --format csv | grep -q "\"'=HYPERLINK"
expect_err "Période invalide" 1 "$LIEN" report activity --db t.db --structure 1 --from 31/02/2026 --to "$today"
expect_err "précède" 1 "$LIEN" report activity --db t.db --structure 1 --from "$today" --to 01/01/2020
