# Retention: dry run lists without changing; the run archives after 2 years
# without contact and anonymises after 2 + 3 years; the audit chain holds.
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 10 --events 0 >/dev/null
sqlite3 t.db "UPDATE persons SET last_contact_at = last_contact_at - 800*86400 WHERE id IN (1, 2, 3);
              UPDATE persons SET last_contact_at = last_contact_at - 2000*86400 WHERE id = 4;"
expect_out "4 dossiers à traiter (rien n'a été modifié)" "$LIEN" retention --db t.db --dry-run
[ "$(sqlite3 t.db "SELECT count(*) FROM persons WHERE status = 'active'")" = 10 ]
expect_out "anonymisation	dossier" "$LIEN" retention --db t.db
[ "$(sqlite3 t.db "SELECT group_concat(status) FROM (SELECT status FROM persons WHERE id <= 5 ORDER BY id)")" = "archived,archived,archived,anonymised,active" ]
# Anonymised: nothing that identifies remains, statistics stay.
[ "$(sqlite3 t.db "SELECT birth_name || '|' || first_names || '|' || phone || '|' || email || '|' || address FROM persons WHERE id = 4")" = "ANONYME||||" ]
[ "$(sqlite3 t.db "SELECT count(*) FROM person_names WHERE person_id = 4")" = 0 ]
sqlite3 t.db "SELECT birth_date FROM persons WHERE id = 4" | grep -q -- '-01-01$'
# Idempotent: a second run has nothing to do.
expect_out "0 dossier" "$LIEN" retention --db t.db
expect_out "intact" "$LIEN" audit verify --db t.db
[ "$(sqlite3 t.db "SELECT count(*) FROM audit_log WHERE action LIKE 'retention.%'")" = 4 ]
# Shorter delays from the command line.
sqlite3 t.db "UPDATE persons SET last_contact_at = last_contact_at - 2*86400 WHERE id = 6"
expect_out "archivage	dossier" "$LIEN" retention --db t.db --dry-run --archive-after-days 1 --anonymise-after-days 3650
expect_err "nombre de jours" 1 "$LIEN" retention --db t.db --archive-after-days zero
