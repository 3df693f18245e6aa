# Import from a spreadsheet: bad lines reported with their number and
# reason, nothing written unless --skip-bad, Windows-1252 and ',' accepted,
# duplicates detected (in the file and against existing files).
"$LIEN" init --db t.db >/dev/null
"$LIEN" structure add "CCAS de Lens" --db t.db >/dev/null
cat > people.csv <<'CSV'
Civilité;Nom;Prénom;Date de naissance;Téléphone;Ville;Code postal
Mme;Benali;Nadia;12/05/1979;06 11 22 33 44;Roubaix;59100
M.;Dupont;Jean;31/02/1980;;Lille;59000
Mme;"Martin ""Zoé""";Zoé;1990-01-01;;Lille;5900
M.;Durand;Paul;01/01/2030;;;
Mme;Benali;Nadia;12/05/1979;;;
M.;Lefèvre;Élie;03/04/1985;07 00 00 00 01;Lens;62300
CSV
# The information date is required.
expect_err "date d'information" 1 "$LIEN" import persons people.csv --structure 1 --db t.db
expect_err "ligne 3 : Date de naissance" 1 "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026
expect_err "ligne 4 : Code postal" 1 "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026
expect_err "ligne 5 : Date de naissance : Cette date est dans le futur" 1 "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026
expect_err "ligne 6 : cette personne figure déjà plus haut" 1 "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026
[ "$(sqlite3 t.db "SELECT count(*) FROM persons")" = 0 ]
expect_out "2 lignes importables" "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026 --skip-bad --dry-run
[ "$(sqlite3 t.db "SELECT count(*) FROM persons")" = 0 ]
expect_out "2 personnes importées, 4 lignes ignorées" "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026 --skip-bad
[ "$(sqlite3 t.db "SELECT group_concat(birth_name, ',') FROM (SELECT birth_name FROM persons ORDER BY id)")" = "Benali,Lefèvre" ]
[ "$(sqlite3 t.db "SELECT info_date FROM persons WHERE id = 1")" = "2026-10-01" ]
# Importing again: both are now duplicates of existing files.
expect_err "doublon probable du dossier" 1 "$LIEN" import persons people.csv --structure 1 --db t.db --info-date 01/10/2026
# Windows-1252 with commas, and an explicit mapping.
printf 'Famille,Pr\351nom,N\351(e) le\r\nL\351ger,Ang\350le,05/06/1970\r\n' > win.csv
expect_out "1 personne importée" "$LIEN" import persons win.csv --structure 1 --db t.db --info-date 01/10/2026 --map "Famille=birth_name,Né(e) le=birth_date"
[ "$(sqlite3 t.db "SELECT first_names FROM persons WHERE birth_name = 'Léger'")" = "Angèle" ]
expect_err "inconnue" 1 "$LIEN" import persons people.csv --structure 99 --db t.db
expect_out "intact" "$LIEN" audit verify --db t.db
