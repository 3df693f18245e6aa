# The audit chain verifies, and detects a change, a deletion (in the middle,
# at the start or at the end), a re-hashed row and a forged seal.
"$LIEN" init --db t.db >/dev/null
"$LIEN" demo --db t.db --persons 0 --events 0 >/dev/null
expect_out "Journal d'audit intact : 6 entrées" "$LIEN" audit verify --db t.db
check() { # NAME SQL EXPECTED-MESSAGE
	cp t.db "$1.db"
	sqlite3 "$1.db" "$2"
	expect_err "$3" 1 "$LIEN" audit verify --db "$1.db" --key t.key
}
check changed "UPDATE audit_log SET detail = 'autre' WHERE id = 2" "ligne 2 : contenu modifié"
check deleted "DELETE FROM audit_log WHERE id = 3" "ligne 3 manquante"
check first "DELETE FROM audit_log WHERE id = 1" "ligne 1 manquante"
check rehashed "UPDATE audit_log SET hash = 'x' WHERE id = 2" "ligne 2"
check tail "DELETE FROM audit_log WHERE id >= 5" "dernières lignes ont été supprimées"
check all "DELETE FROM audit_log" "sceau"
check seal "UPDATE audit_head SET last_id = 3, last_hash = (SELECT hash FROM audit_log WHERE id = 3)" "sceau de fin de journal est invalide"
# Recomputing a row with plain SHA-256 does not help: the chain is keyed.
cp t.db plain.db
h=$(printf 'x' | sha256sum | cut -d' ' -f1)
sqlite3 plain.db "UPDATE audit_log SET detail = 'x', hash = '$h' WHERE id = 6"
expect_err "ligne 6" 1 "$LIEN" audit verify --db plain.db --key t.key
# Another key file cannot verify (nor forge) the chain.
"$LIEN" init --db other.db >/dev/null
expect_err "ligne 1" 1 "$LIEN" audit verify --db t.db --key other.key
