# The audit chain verifies, and detects a change, a deletion and a truncation.
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 0 --events 0 >/dev/null
expect_out "Journal d'audit intact : 5 entrées" "$LIEN" audit verify --db t.db
cp t.db changed.db
sqlite3 changed.db "UPDATE audit_log SET detail = 'autre' WHERE id = 2"
expect_err "ligne 2 : contenu modifié" 1 "$LIEN" audit verify --db changed.db
cp t.db deleted.db
sqlite3 deleted.db "DELETE FROM audit_log WHERE id = 3"
expect_err "ligne 3 manquante" 1 "$LIEN" audit verify --db deleted.db
cp t.db first.db
sqlite3 first.db "DELETE FROM audit_log WHERE id = 1"
expect_err "ligne 1 manquante" 1 "$LIEN" audit verify --db first.db
# Re-hashing a changed row does not help: the next row's link breaks.
cp t.db rehashed.db
sqlite3 rehashed.db "UPDATE audit_log SET hash = 'x' WHERE id = 2"
expect_err "ligne 2" 1 "$LIEN" audit verify --db rehashed.db
